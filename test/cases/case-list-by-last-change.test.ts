import request from 'supertest';
import { policy } from '../../src/access/policy';
import { caseListQuerySchema } from '../../src/cases/case.schemas';
import { CaseDashboardQueries } from '../../src/cases/case-dashboard.queries';
import { CaseListQueries } from '../../src/cases/case-list.queries';
import { acceptedCase } from '../support/accepted-case';
import { apiToken, createUser } from '../support/auth';
import { actorNamed } from '../support/case-steps';
import { createCase } from '../support/factories';
import { sendEvents } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/** The columns of `cases` some index covers: as a key, an INCLUDE column, in an expression or a predicate. */
const indexedColumnsSql = `
  SELECT DISTINCT a.attname AS name
  FROM pg_index i
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum > 0
  WHERE i.indrelid = 'cases'::regclass
    AND (a.attnum = ANY(i.indkey) OR EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
        AND d.refobjid = i.indrelid AND d.refobjsubid = a.attnum))`;

/** Each case whose last-change row is missing or differs from the case's own columns. */
const strayLastChangesSql = `
  SELECT c.id FROM cases c LEFT JOIN case_last_changes l ON l.case_id = c.id
  WHERE l.case_id IS NULL OR l.updated_at <> c.updated_at OR l.district_id <> c.district_id`;

/**
 * A supervisor's list sorted by last change (`sort=updated`, walked in the order of
 * `case_last_changes`, kept beside the cases by trigger) and the dashboard's recent activity: the
 * case that changed last comes first, whenever it was registered. And why that order is kept
 * beside them: a logged session changes no indexed column of its case, so its update stays on the page.
 */
describe('cases by their last change', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  /** A mediation session logged on the case now, by its mediator. */
  const logSession = (mediatorId: string, caseId: string) =>
    sendEvents(testApp.services, testApp.db, mediatorId, caseId, {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: testApp.clock.now().toISOString(),
      minutes: '双方到场，调解员释法说理。',
      place: '调解室',
    });

  it('when an older case gets an event, then a supervisor’s list by last change and the dashboard’s recent activity show it first', async () => {
    const { dispute: older, mediator, tree } = await acceptedCase(testApp.services, testApp.db);
    testApp.clock.advanceMinutes(5);
    const newer = await createCase(testApp.services, mediator.id);
    testApp.clock.advanceMinutes(5);
    const newest = await createCase(testApp.services, mediator.id);
    const street = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const visibility = policy.caseVisibility(await actorNamed(testApp.services, testApp.db, street.username));
    const list = new CaseListQueries(testApp.db, testApp.services.cipher);
    const dashboard = new CaseDashboardQueries(testApp.db);
    const byLastChange = async () =>
      (await list.list(visibility, caseListQuerySchema.parse({ sort: 'updated' }), '2026-01-01')).items.map(
        (row) => row.id,
      );
    expect(await byLastChange()).toEqual([newest.id, newer.id, older.id]);

    testApp.clock.advanceMinutes(5);
    await logSession(mediator.id, older.id);
    expect(await byLastChange()).toEqual([older.id, newest.id, newer.id]);
    const recent = await dashboard.recentActivity(visibility, 10);
    expect(recent.map((entry) => entry.row.id)).toEqual([older.id, newest.id, newer.id]);
    expect(recent[0].event.type).toBe('LOG_SESSION');
    // the web list, sorted by last change, in that order too
    const token = await apiToken(testApp.app, street.username);
    const answer = await request(testApp.app)
      .get('/api/v1/cases?sort=updated')
      .set('Authorization', `Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((item: { id: string }) => item.id)).toEqual([older.id, newest.id, newer.id]);
  });

  it('a logged session changes no column an index of cases covers, so that PostgreSQL can keep its update on the page (HOT)', async () => {
    const { dispute, mediator } = await acceptedCase(testApp.services, testApp.db);
    const rowOf = async () =>
      (await testApp.db.query('SELECT to_jsonb(c) AS row FROM cases c WHERE c.id = $1', [dispute.id]))[0]
        .row as Record<string, unknown>;
    const before = await rowOf();
    testApp.clock.advanceMinutes(5);
    await logSession(mediator.id, dispute.id);
    const after = await rowOf();
    const changed = Object.keys(after).filter(
      (column) => JSON.stringify(after[column]) !== JSON.stringify(before[column]),
    );
    // what the event did change: the statechart's snapshot, the version, the time of last change
    expect(changed).toEqual(expect.arrayContaining(['snapshot', 'version', 'updated_at']));
    const indexed = ((await testApp.db.query(indexedColumnsSql)) as Array<{ name: string }>).map(
      (row) => row.name,
    );
    // keys, and an INCLUDE column of cases_registered_unit_created_idx
    expect(indexed).toEqual(
      expect.arrayContaining(['id', 'district_id', 'held_unit_ids', 'mediator_id', 'closed_on_time']),
    );
    expect(changed.filter((column) => indexed.includes(column))).toEqual([]);
    // and its pages keep room for the new version (migration OrderCasesByLastChangeBesideTheirRows)
    const [table] = await testApp.db.query(`SELECT reloptions FROM pg_class WHERE oid = 'cases'::regclass`);
    expect(table.reloptions).toContain('fillfactor=80');
  });

  it('every way a case is written keeps its last-change row — registered, imported, an event, a write outside the workflow — and a missing one comes back', async () => {
    const { dispute, mediator, tree } = await acceptedCase(testApp.services, testApp.db);
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const imported = await request(testApp.app)
      .post('/api/v1/imports/cases')
      .set('Authorization', `Bearer ${await apiToken(testApp.app, admin.username)}`)
      .set('Content-Type', 'text/csv')
      .send(
        [
          'number,type,title,source,unitCode,registeredOn,screenedOn,screening,track,level,closedOn,outcome',
          `,neighbourhood,楼上漏水,walk_in,${tree.community.code},2010-03-01,2010-03-02,accepted,people,community,2010-03-20,resolved`,
          `,labour,拖欠工资,hotline_12345,${tree.street.code},2010-05-10,2010-05-11,accepted,people,street,,`,
        ].join('\n'),
      );
    expect(imported.status).toBe(201);
    testApp.clock.advanceMinutes(5);
    await logSession(mediator.id, dispute.id);
    testApp.clock.advanceMinutes(5);
    // a write outside the workflow, as a data fix would be: the trigger follows it too
    await testApp.db.query(`UPDATE cases SET updated_at = updated_at + interval '1 minute' WHERE id = $1`, [
      dispute.id,
    ]);
    expect(await testApp.db.query(strayLastChangesSql)).toEqual([]);
    // a case whose row went missing (a restore without it) gets it back at its next change
    await testApp.db.query('DELETE FROM case_last_changes WHERE case_id = $1', [dispute.id]);
    testApp.clock.advanceMinutes(5);
    await logSession(mediator.id, dispute.id);
    expect(await testApp.db.query(strayLastChangesSql)).toEqual([]);
    const [{ count }] = await testApp.db.query('SELECT count(*)::int AS count FROM case_last_changes');
    const [{ cases }] = await testApp.db.query('SELECT count(*)::int AS cases FROM cases');
    expect(count).toBe(cases);
  });
});
