import { buildServices, type Services } from '../../src/composition-root';
import { readClock } from '../../src/deadlines/clock';
import { startOfShanghaiDay } from '../../src/deadlines/plain-date';
import { officialCalendar, type WorkingCalendar } from '../../src/deadlines/working-calendar';
import { acceptedCase as acceptedCaseIn } from '../support/accepted-case';
import { createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { sendEvents } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

interface JobRow {
  id: string;
  state: string;
  start_after: Date;
}
interface TimerRow {
  due_on: string;
  warning_on: string;
  paused: boolean;
  fire_at: Date | null;
  job_id: string | null;
}

/** Issue 7: one pg-boss job per open clock, moved and cancelled with the clock, in the event's transaction. */
describe('deadline timers of cases and petitions', () => {
  let testApp: TestApp;
  let services: Services;
  // the holiday table as the app reads it: a test changes it like an administrator would
  let calendar: WorkingCalendar = officialCalendar;

  beforeAll(async () => {
    testApp = await startTestApp();
    services = buildServices({
      db: testApp.db,
      config: testApp.config,
      clock: testApp.clock,
      calendar: () => calendar,
    });
  });
  afterAll(() => testApp.close());

  const jobsOf = (caseId: string): Promise<JobRow[]> =>
    testApp.db.query(
      `SELECT id, state::text AS state, start_after FROM pgboss.job
       WHERE name = 'deadline-timer' AND singleton_key = $1 ORDER BY created_on, id`,
      [`case:${caseId}:mediation`],
    );
  const timerOf = async (caseId: string): Promise<TimerRow | undefined> =>
    (
      await testApp.db.query(
        `SELECT to_char(due_on, 'YYYY-MM-DD') AS due_on, to_char(warning_on, 'YYYY-MM-DD') AS warning_on,
                paused, fire_at, job_id
         FROM deadline_timers WHERE subject_type = 'case' AND subject_id = $1`,
        [caseId],
      )
    )[0];

  const acceptedCase = () => acceptedCaseIn(services, testApp.db);

  it('when a stage starts, then one job keyed by case and clock waits for the warning day; suspending cancels it, resuming queues it again, closing cancels it', async () => {
    const { dispute, mediator } = await acceptedCase();

    const timer = (await timerOf(dispute.id)) as TimerRow;
    const [job] = await jobsOf(dispute.id);
    expect(await jobsOf(dispute.id)).toHaveLength(1);
    expect(job.state).toBe('created');
    expect(timer.job_id).toBe(job.id);
    expect(timer.fire_at).toEqual(startOfShanghaiDay(timer.warning_on));
    expect(Math.abs(job.start_after.getTime() - startOfShanghaiDay(timer.warning_on).getTime())).toBeLessThan(
      60_000,
    );

    await sendEvents(services, testApp.db, mediator.id, dispute.id, { type: 'SUSPEND', reason: 'other' });
    expect(await timerOf(dispute.id)).toMatchObject({ paused: true, fire_at: null, job_id: null });
    expect((await jobsOf(dispute.id)).map((row) => row.state)).toEqual(['cancelled']);

    await sendEvents(services, testApp.db, mediator.id, dispute.id, { type: 'RESUME' });
    const resumed = await jobsOf(dispute.id);
    expect(resumed.map((row) => row.state)).toEqual(['cancelled', 'created']);
    expect((await timerOf(dispute.id))?.job_id).toBe(resumed[1].id);

    await sendEvents(services, testApp.db, mediator.id, dispute.id, { type: 'WITHDRAW', by: 'applicant' });
    expect(await timerOf(dispute.id)).toBeUndefined();
    expect((await jobsOf(dispute.id)).map((row) => row.state)).toEqual(['cancelled', 'cancelled']);
  });

  it('when a session is logged, then the timer and its job stay as they were: nothing is written or queued', async () => {
    const { dispute, mediator } = await acceptedCase();
    const timerRow = (id: string) =>
      testApp.db.query('SELECT updated_at, fire_at, job_id FROM deadline_timers WHERE subject_id = $1', [id]);
    const before = await timerRow(dispute.id);
    const jobsBefore = await jobsOf(dispute.id);
    await sendEvents(services, testApp.db, mediator.id, dispute.id, {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: testApp.clock.now().toISOString(),
      minutes: '双方到场，调解员释法说理。',
    });
    expect(await timerRow(dispute.id)).toEqual(before);
    expect(await jobsOf(dispute.id)).toEqual(jobsBefore);
  });

  it('when a case’s overdue notice has gone out, then later sweeps write nothing to its timer: it has no job and needs none', async () => {
    const { dispute } = await acceptedCase();
    const timerRow = (id: string) =>
      testApp.db.query(
        'SELECT updated_at, overdue_at, fire_at, job_id FROM deadline_timers WHERE subject_id = $1',
        [id],
      );
    testApp.clock.advanceMinutes(120 * 24 * 60);
    try {
      await services.timers.sweep();
      const [raised] = await timerRow(dispute.id);
      expect(raised).toMatchObject({ fire_at: null, job_id: null });
      expect(raised.overdue_at).not.toBeNull();

      testApp.clock.advanceMinutes(60);
      const result = await services.timers.sweep();
      expect(result.failures).toEqual([]);
      expect(await timerRow(dispute.id)).toEqual([raised]);
    } finally {
      testApp.clock.advanceMinutes(-(120 * 24 * 60 + 60));
    }
  });

  it('when the holiday table changes, then the sweep moves the open deadline of the case with it', async () => {
    const { dispute } = await acceptedCase();
    const before = (await timerOf(dispute.id)) as TimerRow;
    const [stored] = await testApp.db.query('SELECT deadline FROM cases WHERE id = $1', [dispute.id]);

    // the administrator declares the last day of the period a day off (民事诉讼法 §85: it ends on the next working day)
    calendar = officialCalendar.withOverrides([{ date: before.due_on, working: false }]);
    try {
      const today = stored.deadline.startedOn;
      const expected = readClock(
        { startedOn: today, days: stored.deadline.days, basis: stored.deadline.basis, pauses: [] },
        today,
        calendar,
      ).due;
      expect(expected > before.due_on).toBe(true);

      const result = await services.timers.sweep();
      expect(result.failures).toEqual([]);

      expect((await timerOf(dispute.id))?.due_on).toBe(expected);
      const [moved] = await testApp.db.query(
        `SELECT to_char(deadline_due, 'YYYY-MM-DD') AS deadline_due, deadline FROM cases WHERE id = $1`,
        [dispute.id],
      );
      expect(moved.deadline_due).toBe(expected);
      expect(moved.deadline.due).toBe(expected);
    } finally {
      calendar = officialCalendar;
    }
  });

  it('when a petition’s decision period (信访工作条例 §22, 15 days) runs out, then the sweep flags it overdue once and tells its agent', async () => {
    const tree = await createDistrictTree(testApp.db);
    const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id });
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const petition = await services.petitions.register(
      (await services.actors.load(agent.id)) as NonNullable<Awaited<ReturnType<Services['actors']['load']>>>,
      {
        subject: '小区加装电梯意见不一',
        content: '信访人反映加装电梯事宜。',
        petitioners: [{ kind: 'person', name: '赵六' }],
      },
    );

    await services.timers.sweep();
    const [timer] = await testApp.db.query(
      `SELECT clock, fire_at FROM deadline_timers WHERE subject_type = 'petition' AND subject_id = $1`,
      [petition.id],
    );
    expect(timer.clock).toBe('decision');
    expect(timer.fire_at).not.toBeNull();

    testApp.clock.advanceMinutes(40 * 24 * 60);
    try {
      await Promise.all([services.timers.sweep(), services.timers.sweep()]);
      const [flag] = await testApp.db.query('SELECT overdue FROM petitions WHERE id = $1', [petition.id]);
      expect(flag.overdue).toBe(true);
      const notices = await testApp.db.query(
        `SELECT recipient_user_id, recipient_unit_id, unit_audience, payload FROM outbox
         WHERE subject_type = 'petition' AND subject_id = $1 AND kind = 'deadline.overdue'`,
        [petition.id],
      );
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({
        recipient_user_id: agent.id,
        recipient_unit_id: tree.street.id,
        unit_audience: 'supervisors',
        payload: { clock: 'decision', number: petition.number },
      });
      expect(
        await services.outbox.unitRecipients(notices[0].recipient_unit_id, notices[0].unit_audience),
      ).toEqual([supervisor.id]);
    } finally {
      testApp.clock.advanceMinutes(-40 * 24 * 60);
    }
  });

  it('when a case has a clock but no timer (an import, or before this feature), then the sweep gives it one', async () => {
    const { dispute } = await acceptedCase();
    await testApp.db.query(`DELETE FROM deadline_timers WHERE subject_id = $1`, [dispute.id]);
    await testApp.db.query(`UPDATE pgboss.job SET state = 'cancelled' WHERE singleton_key = $1`, [
      `case:${dispute.id}:mediation`,
    ]);

    await services.timers.sweep();

    const timer = await timerOf(dispute.id);
    expect(timer?.job_id).toBeTruthy();
    expect((await jobsOf(dispute.id)).filter((job) => job.state === 'created')).toHaveLength(1);
  });

  /** A case with a clock and no timer yet (as imports leave them): the sweep must give it one. */
  async function caseWithoutTimer() {
    const { dispute } = await acceptedCase();
    await testApp.db.query(`DELETE FROM deadline_timers WHERE subject_id = $1`, [dispute.id]);
    await testApp.db.query(`UPDATE pgboss.job SET state = 'cancelled' WHERE singleton_key = $1`, [
      `case:${dispute.id}:mediation`,
    ]);
    return dispute;
  }

  it('when one case’s clock cannot be read, then the sweep reports that case alone and still gives the others swept with it their timers', async () => {
    const first = await caseWithoutTimer();
    const broken = await caseWithoutTimer();
    const last = await caseWithoutTimer();
    const [{ deadline }] = await testApp.db.query('SELECT deadline FROM cases WHERE id = $1', [broken.id]);
    // a pause before the clock started: reading it throws (src/deadlines/clock.ts)
    await testApp.db.query('UPDATE cases SET deadline = $2 WHERE id = $1', [
      broken.id,
      { ...deadline, pauses: [{ from: '2000-01-03', to: '2000-01-04' }] },
    ]);
    try {
      const result = await services.timers.sweep();

      expect(result.failures.map((failure) => [failure.subjectId, (failure.err as Error).name])).toEqual([
        [broken.id, 'RangeError'],
      ]);
      expect(result.sweptAlone).toMatchObject({ batches: 1, firstError: expect.any(RangeError) });
      expect((await timerOf(first.id))?.job_id).toBeTruthy();
      expect((await timerOf(last.id))?.job_id).toBeTruthy();
      expect(await timerOf(broken.id)).toBeUndefined();
    } finally {
      await testApp.db.query('UPDATE cases SET deadline = $2 WHERE id = $1', [broken.id, deadline]);
    }
  });

  it('when an event holds a case while the sweep runs, then the sweep does not wait for it to reconcile the others, and gives the held case its timer once the event commits', async () => {
    // the held case comes first in the sweep's order (id order; this file's cases are swept in one batch)
    const [held, free] = [await caseWithoutTimer(), await caseWithoutTimer()].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
    // the event's transaction: the case's row lock, as the write path takes it
    const event = testApp.db.createQueryRunner();
    await event.connect();
    await event.startTransaction();
    let sweeping: ReturnType<Services['timers']['sweep']> | undefined;
    try {
      await event.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [held.id]);
      sweeping = services.timers.sweep();
      // the free case gets its timer while the event still runs
      for (let waited = 0; !(await timerOf(free.id)) && waited < 30_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await timerOf(free.id))?.job_id).toBeTruthy();
      expect(await timerOf(held.id)).toBeUndefined();
    } finally {
      await event.commitTransaction();
      await event.release();
    }
    const result = await sweeping;
    expect(result?.failures).toEqual([]);
    expect((await timerOf(held.id))?.job_id).toBeTruthy();
  });

  it('when a case’s clock is written without its last day (or the other way round), then the database refuses it', async () => {
    const { dispute } = await acceptedCase();
    await expect(
      testApp.db.query('UPDATE cases SET deadline_due = NULL WHERE id = $1', [dispute.id]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'cases_deadline_due_with_deadline' });
    await expect(
      testApp.db.query('UPDATE cases SET deadline = NULL WHERE id = $1', [dispute.id]),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
