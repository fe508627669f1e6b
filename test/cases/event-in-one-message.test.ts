import { Client } from 'pg';
import request from 'supertest';
import type { LockedForEvent } from '../../src/cases/case.repository';
import type { CasesKeptForEvents } from '../../src/cases/cases-kept-for-events';
import { caseRepositoryOf, rebuildApp, startTestApp, type TestApp } from '../support/test-app';
import {
  bearer,
  type CaseTeam,
  type CaseView,
  createCaseTeam,
  registerCase,
  sendEvent,
  sendEvents,
  verifyCase,
} from './case-api';

/*
 * A mediator logging one session after another on a case: each event after the first is decided
 * from the case as this process's last event on it left it, and sent to PostgreSQL whole in one
 * message behind a guard (`CasesKeptForEvents`, `case_event_guard`). What the mediator relies on
 * is that this is invisible: the same answer, the same stored case, the same verifiable chain as
 * reading the case first — and anything anyone else changed meanwhile is seen, never overwritten.
 */
describe('the next event on a case, decided from what this process kept', () => {
  let testApp: TestApp;
  let team: CaseTeam;
  let kept: CasesKeptForEvents;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createCaseTeam(testApp);
    kept = testApp.services.casesKeptForEvents;
  });
  afterAll(async () => {
    await testApp.close();
  });

  const mediator = () => team.mediators.community;

  /** A case in mediation at the workstation, its mediator assigned: ready for sessions. */
  async function caseInMediation(): Promise<{ id: string; version: number }> {
    const registered = await registerCase(testApp, mediator());
    expect(registered.status).toBe(201);
    const body = await sendEvents(testApp, registered.body.id, registered.body.version, [
      [mediator(), { type: 'SUBMIT' }],
      [mediator(), { type: 'ACCEPT', track: 'people', level: 'community' }],
      [mediator(), { type: 'ASSIGN', mediatorUsername: mediator().user.username }],
    ]);
    expect(body.state).toBe('mediation.inProgress');
    return { id: registered.body.id, version: body.version };
  }

  const session = (at = '2026-11-20T10:00:00+08:00') => ({
    type: 'LOG_SESSION',
    kind: 'session',
    heldAt: at,
    minutes: '双方到场，听取陈述，约定下次调解时间。',
  });

  /** Logs a session at `version`; answers the body and how the event went (in one message, or read again). */
  async function logSession(id: string, version: number) {
    const before = { ...kept.counts };
    const answer = await sendEvent(testApp, mediator(), id, version, session());
    expect(answer.status).toBe(200);
    return {
      body: answer.body as CaseView & Record<string, unknown>,
      sentAlone: kept.counts.sentAlone - before.sentAlone,
      readAgain: kept.counts.readAgain - before.readAgain,
    };
  }

  /** The case as a locked read finds it now, and as the kept read makes it, side by side. */
  async function lockedBothWays(id: string): Promise<{ fresh: LockedForEvent; fromKept: LockedForEvent }> {
    const cases = caseRepositoryOf(testApp);
    const entry = kept.take(id);
    if (!entry) throw new Error('nothing kept for the case');
    return testApp.db.transaction(async (tx) => {
      const fresh = await cases.lockForEvent(id, tx);
      const fromKept = await cases.lockedForEvent(tx, id, [{ r: { ...entry.read } }]);
      if (!fresh || !fromKept) throw new Error('the case was not found');
      return { fresh, fromKept };
    });
  }

  it('sends the second session in one message, answering and storing what reading the case first would', async () => {
    const { id, version } = await caseInMediation();
    const first = await logSession(id, version);
    const second = await logSession(id, first.body.version);
    expect(second).toMatchObject({ sentAlone: 1, readAgain: 0 });
    expect(second.body.version).toBe(version + 2);
    // the answer is the case page's answer for that version
    const page = await request(testApp.app).get(`/api/v1/cases/${id}`).set(bearer(mediator()));
    expect(page.body).toEqual(second.body);
    // what is kept for the next event is what a locked read finds, property by property
    const { fresh, fromKept } = await lockedBothWays(id);
    for (const property of Object.keys(fresh.row) as Array<keyof typeof fresh.row>)
      expect({ property, value: fromKept.row[property] }).toEqual({ property, value: fresh.row[property] });
    expect(fromKept.head).toEqual(fresh.head);
    expect(fromKept.timers).toEqual(fresh.timers);
    expect(fromKept.view).toEqual(fresh.view);
    expect(fromKept.resource).toEqual(fresh.resource);
    expect(fromKept.holdingUnit).toEqual(fresh.holdingUnit);
    // and the guard's terms are the database's: the row's version, the chain's last link, the digest
    const entry = kept.take(id);
    if (!entry) throw new Error('nothing kept for the case');
    const head = entry.read.chain_head as { seq: number; hash: string };
    const [stored] = await testApp.db.query(
      `SELECT c.xmin::text AS xmin, c.version, case_event_digest(c.id, c.mediator_id) AS digest,
              (SELECT json_build_object('seq', e.seq, 'hash', e.hash) FROM case_events e
                WHERE e.case_id = c.id ORDER BY e.seq DESC LIMIT 1) AS head
       FROM cases c WHERE c.id = $1`,
      [id],
    );
    expect({
      xmin: entry.xmin,
      version: entry.read.version,
      digest: entry.digest,
      head: {
        seq: head.seq,
        hash: head.hash,
      },
    }).toEqual(stored);
    // both sessions are on the record, and the chain verifies
    const sessions = await testApp.db.query(
      'SELECT count(*)::int AS n FROM mediation_sessions WHERE case_id = $1',
      [id],
    );
    expect(sessions).toEqual([{ n: 2 }]);
    expect((await verifyCase(testApp, mediator(), id)).body).toMatchObject({ valid: true });
  });

  // `readKept`: the event read again leaves what it read as it was, so the next one goes in one message
  // (the event re-plans a timer marked out of turn: then it is not kept)
  it.each([
    ['its title, changed by someone else', `UPDATE cases SET title = '改过的标题' WHERE id = $1`, true],
    [
      'a party, corrected by someone else',
      `UPDATE parties SET name = '改过的姓名' WHERE case_id = $1 AND position = 0`,
      true,
    ],
    [
      "its mediator's name",
      `UPDATE users SET display_name = '改过的调解员' WHERE id = (SELECT mediator_id FROM cases WHERE id = $1)`,
      true,
    ],
    [
      'a deadline timer, marked by the worker',
      `UPDATE deadline_timers SET warned_at = now() WHERE subject_type = 'case' AND subject_id = $1`,
      false,
    ],
  ])('reads the case again when %s since, and answers what it reads', async (_what, change, readKept) => {
    const { id, version } = await caseInMediation();
    const first = await logSession(id, version);
    await testApp.db.query(change, [id]);
    const second = await logSession(id, first.body.version);
    expect(second).toMatchObject({ sentAlone: 0, readAgain: 1 });
    expect(second.body.version).toBe(version + 2);
    const page = await request(testApp.app).get(`/api/v1/cases/${id}`).set(bearer(mediator()));
    expect(page.body).toEqual(second.body);
    expect((await verifyCase(testApp, mediator(), id)).body).toMatchObject({ valid: true });
    // read again, it is kept as read: the next session goes in one message; unless the event
    // changed what it read (a timer re-planned), when it is not kept and the next one reads it
    const third = await logSession(id, second.body.version);
    expect(third).toMatchObject(readKept ? { sentAlone: 1, readAgain: 0 } : { sentAlone: 0, readAgain: 0 });
  });

  it('marks held a session planned since by someone else, reading the plans again', async () => {
    const { id, version } = await caseInMediation();
    const first = await logSession(id, version);
    const [planned] = await testApp.db.query(
      `INSERT INTO appointments (subject_type, subject_id, kind, starts_at, owner_user_id, unit_id, planned_by, created_at, updated_at)
       VALUES ('case', $1, 'session', '2026-11-20T09:30:00+08:00', $2, $3, $2, now(), now()) RETURNING id`,
      [id, mediator().user.id, team.units.community.id],
    );
    const second = await logSession(id, first.body.version);
    expect(second).toMatchObject({ sentAlone: 0, readAgain: 1 });
    const [appointment] = await testApp.db.query(
      'SELECT status, held_event_seq FROM appointments WHERE id = $1',
      [planned.id],
    );
    expect(appointment).toEqual({ status: 'held', held_event_seq: second.body.version + 1 });
  });

  it("reads the case again after another process's event on it, and refuses a version that has passed", async () => {
    const { id, version } = await caseInMediation();
    const first = await logSession(id, version);
    // another instance of the app, on the same database, logs a session meanwhile
    const other = await rebuildApp(testApp);
    const elsewhere = await request(other)
      .post(`/api/v1/cases/${id}/events`)
      .set(bearer(mediator()))
      .send({ expectedVersion: first.body.version, ...session('2026-11-21T10:00:00+08:00') });
    expect(elsewhere.status).toBe(200);
    // this process kept the version before: the mediator's stale page is told the case changed
    const stale = await sendEvent(testApp, mediator(), id, first.body.version, session());
    expect(stale.status).toBe(409);
    const current = await logSession(id, elsewhere.body.version);
    expect(current.body.version).toBe(version + 3);
    expect((await verifyCase(testApp, mediator(), id)).body).toMatchObject({ valid: true });
  });

  it('takes one of two sessions sent at one version at once, and tells the other the case changed', async () => {
    const { id, version } = await caseInMediation();
    const first = await logSession(id, version);
    const before = { ...kept.counts };
    const answers = await Promise.all(
      [0, 1].map(() => sendEvent(testApp, mediator(), id, first.body.version, session())),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    // both were decided from the kept case: one went in one message, the other's guard refused it
    expect({
      sentAlone: kept.counts.sentAlone - before.sentAlone,
      readAgain: kept.counts.readAgain - before.readAgain,
    }).toEqual({
      sentAlone: 1,
      readAgain: 1,
    });
    const [events] = await testApp.db.query('SELECT count(*)::int AS n FROM case_events WHERE case_id = $1', [
      id,
    ]);
    expect(events.n).toBe(version + 3);
    expect((await verifyCase(testApp, mediator(), id)).body).toMatchObject({ valid: true });
  });

  it('reads the case again when a timer changed under the case lock while the event waited for it', async () => {
    const { id, version } = await caseInMediation();
    const first = await logSession(id, version);
    // the worker's way: the case locked, its timer marked, committed while the event waits for the lock
    const blocker = new Client({ connectionString: testApp.config.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM cases WHERE id = $1 FOR UPDATE', [id]);
      await blocker.query(
        `UPDATE deadline_timers SET warned_at = now() WHERE subject_type = 'case' AND subject_id = $1`,
        [id],
      );
      const waiting = logSession(id, first.body.version);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await blocker.query('COMMIT');
      const second = await waiting;
      expect(second).toMatchObject({ sentAlone: 0, readAgain: 1 });
      expect(second.body.version).toBe(version + 2);
    } finally {
      await blocker.end();
    }
    expect((await verifyCase(testApp, mediator(), id)).body).toMatchObject({ valid: true });
  });
});
