import request from 'supertest';
import { KeepEachCasesLastChangeBesideIt1765000100000 as KeepLastChange } from '../../migrations/1765000100000-KeepEachCasesLastChangeBesideIt';
import { policy } from '../../src/access/policy';
import { caseListQuerySchema } from '../../src/cases/case.schemas';
import { CaseDashboardQueries } from '../../src/cases/case-dashboard.queries';
import { CaseListQueries } from '../../src/cases/case-list.queries';
import { caseEventUpdateSql } from '../../src/cases/case-row';
import { acceptedCase } from '../support/accepted-case';
import { apiToken, createUser } from '../support/auth';
import { actorNamed } from '../support/case-steps';
import { createCase } from '../support/factories';
import { sendEvents } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 22, fifteenth round: the order of last change (a list's `sort=updated`, the dashboard's
 * recent activity) is kept in `case_last_changes` beside the cases, so that an event's UPDATE of a
 * case touches none of the cases' indexes (migration 1765000100000).
 */
describe('each case’s last change, kept beside it (migration 1765000100000)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  /** Cases whose row of case_last_changes is missing or says otherwise than the case. */
  const disagreeing = async (): Promise<number> => {
    const [row] = await testApp.db.query(
      `SELECT count(*)::int AS n FROM cases c LEFT JOIN case_last_changes l ON l.case_id = c.id
       WHERE l.changed_at IS DISTINCT FROM c.updated_at OR l.district_id IS DISTINCT FROM c.district_id`,
    );
    return row.n;
  };

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
    await sendEvents(testApp.services, testApp.db, mediator.id, older.id, {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: testApp.clock.now().toISOString(),
      minutes: '双方到场，调解员释法说理。',
      place: '调解室',
    });
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
    expect(await disagreeing()).toBe(0);
  });

  it('when cases are imported in one statement, then each has its row', async () => {
    const { tree } = await acceptedCase(testApp.services, testApp.db);
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const day = '2026-11-02';
    const csv = [
      'number,type,title,source,unitCode,registeredOn,screenedOn,screening,track,level,closedOn,outcome',
      `,neighbourhood,导入-漏水,walk_in,${tree.community.code},${day},${day},accepted,people,community,${day},resolved`,
      `,family,导入-赡养,walk_in,${tree.community.code},${day},,,,,,`,
    ].join('\n');
    const response = await request(testApp.app)
      .post('/api/v1/imports/cases')
      .set('Authorization', `Bearer ${await apiToken(testApp.app, admin.username)}`)
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(response.status).toBe(201);
    const [imported] = await testApp.db.query(
      `SELECT count(*)::int AS n FROM case_last_changes l JOIN cases c ON c.id = l.case_id WHERE c.title LIKE '导入-%'`,
    );
    expect(imported.n).toBe(2);
    expect(await disagreeing()).toBe(0);
  });

  it('when a session is logged, then the case’s row is rewritten on its own page: no index of cases covers what the event’s statement changes (a heap-only update)', async () => {
    const { dispute } = await acceptedCase(testApp.services, testApp.db);
    const runner = testApp.db.createQueryRunner();
    await runner.startTransaction();
    try {
      // the event's own statement, with what a logged session changes: the snapshot, the version, the moment
      const [row] = await runner.query(
        `SELECT snapshot, version, state, outcome, track, level, holding_unit_id, held_unit_ids, mediator_id,
                risk_grade, deadline, deadline_due, overdue, screened_at, accepted_at, closed_at,
                closed_on_time, resolved_level FROM cases WHERE id = $1`,
        [dispute.id],
      );
      // this backend's counts so far (those of earlier transactions not yet reported among them)
      const updates = async (): Promise<{ updated: number; hot: number }> =>
        (
          await runner.query(
            `SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS hot FROM pg_stat_xact_user_tables WHERE relname = 'cases'`,
          )
        )[0];
      const before = await updates();
      await runner.query(caseEventUpdateSql, [
        dispute.id,
        JSON.stringify({ ...row.snapshot, context: { ...row.snapshot.context, sessions: 1 } }),
        row.version + 1,
        row.state,
        row.outcome,
        row.track,
        row.level,
        row.holding_unit_id,
        row.held_unit_ids,
        row.mediator_id,
        row.risk_grade,
        row.deadline === null ? null : JSON.stringify(row.deadline),
        row.deadline_due,
        row.overdue,
        row.screened_at,
        row.accepted_at,
        row.closed_at,
        row.closed_on_time,
        row.resolved_level,
        new Date(testApp.clock.now().getTime() + 60_000),
      ]);
      const after = await updates();
      expect({ updated: after.updated - before.updated, hot: after.hot - before.hot }).toEqual({
        updated: 1,
        hot: 1,
      });
      // its last change moved beside it all the same
      const [kept] = await runner.query(
        'SELECT l.changed_at = c.updated_at AS same FROM cases c JOIN case_last_changes l ON l.case_id = c.id WHERE c.id = $1',
        [dispute.id],
      );
      expect(kept.same).toBe(true);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('when the migration runs on cases written before it, then each case gets its row and the list’s order no longer needs an index on cases', async () => {
    await acceptedCase(testApp.services, testApp.db);
    const runner = testApp.db.createQueryRunner();
    try {
      await new KeepLastChange().down(runner);
      await new KeepLastChange().up(runner);
    } finally {
      await runner.release();
    }
    expect(await disagreeing()).toBe(0);
    const covering: Array<{ name: string }> = await testApp.db.query(
      `SELECT i.indexrelid::regclass::text AS name FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = 'cases'::regclass AND a.attname = 'updated_at'`,
    );
    expect(covering).toEqual([]);
    const [options] = await testApp.db.query(`SELECT reloptions FROM pg_class WHERE relname = 'cases'`);
    expect(options.reloptions).toEqual(['fillfactor=80']);
  });
});
