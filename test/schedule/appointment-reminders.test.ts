import type { RunningWorker } from '../../src/worker';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, sendEvents, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 21: a planned session reminds the one who holds it the day before and the morning of, once each. */
describe('appointment reminders', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    // Thursday 3 December 2026, 10:00 in Shanghai
    testApp = await startTestApp({ smtpUrl: smtp.url }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    worker = await startTestWorker(testApp);
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  /** Moves the test clock to a moment (never back). */
  function moveClockTo(moment: string) {
    const ahead = new Date(moment).getTime() - testApp.clock.now().getTime();
    if (ahead < 0) throw new Error(`the clock is past ${moment}`);
    testApp.clock.advanceMinutes(Math.ceil(ahead / 60_000));
  }

  async function caseInMediation() {
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const dispute = await createCase(testApp.services, mediator.id);
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId: mediator.id },
    );
    return { dispute, mediator };
  }

  const remindersTo = (email: string) =>
    smtp.to(email).filter((mail) => (mail.subject ?? '').includes('日程提醒'));
  const appointmentsOf = (caseId: string) =>
    testApp.db.query(
      `SELECT id, kind, status, starts_at, place, job_id, fire_at, cancel_reason FROM appointments
       WHERE subject_id = $1 ORDER BY created_at, id`,
      [caseId],
    );
  const jobStates = async (appointmentId: string) =>
    (
      await testApp.db.query(
        `SELECT state::text AS state FROM pgboss.job WHERE name = 'appointment-reminder' AND singleton_key = $1
         ORDER BY created_on, id`,
        [`appointment:${appointmentId}`],
      )
    ).map((row: { state: string }) => row.state);

  it('when a session is planned, then its mediator is mailed the day before and the morning of, each once, and the parties’ next session is it', async () => {
    const { dispute, mediator } = await caseInMediation();
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'SCHEDULE_SESSION',
      at: '2026-12-08T14:30:00+08:00',
      place: '莘松居委调解室',
      attendees: '双方当事人',
    });
    const [planned] = await appointmentsOf(dispute.id);
    expect(planned).toMatchObject({ kind: 'session', status: 'planned', place: '莘松居委调解室' });
    expect(planned.fire_at).toEqual(new Date('2026-12-07T09:00:00+08:00'));
    expect(await jobStates(planned.id)).toEqual(['created']);
    const [snapshot] = await testApp.db.query('SELECT snapshot FROM cases WHERE id = $1', [dispute.id]);
    expect(snapshot.snapshot.context.nextSession).toEqual({
      at: '2026-12-08T14:30:00+08:00',
      place: '莘松居委调解室',
    });

    // too early: nothing goes
    expect(await testApp.services.appointmentReminders.remind(planned.id)).toBeNull();

    moveClockTo('2026-12-07T09:00:00+08:00');
    expect(await testApp.services.appointmentReminders.remind(planned.id)).toBe('dayBefore');
    // a second process waking it too: sent once
    expect(await testApp.services.appointmentReminders.remind(planned.id)).toBeNull();
    const dayBefore = await waitFor(
      'the day-before reminder',
      () => remindersTo(mediator.email as string)[0],
    );
    expect(dayBefore.text).toContain('明天 2026年12月8日 14:30');
    expect(dayBefore.text).toContain('莘松居委调解室');
    expect(dayBefore.text).toContain(`/cases/${dispute.id}`);
    expect((await appointmentsOf(dispute.id))[0].fire_at).toEqual(new Date('2026-12-08T07:30:00+08:00'));

    moveClockTo('2026-12-08T07:30:00+08:00');
    expect(await testApp.services.appointmentReminders.remind(planned.id)).toBe('morning');
    const morning = await waitFor('the morning reminder', () => remindersTo(mediator.email as string)[1]);
    expect(morning.text).toContain('今天 2026年12月8日 14:30');
    expect(await testApp.services.appointmentReminders.remind(planned.id)).toBeNull();
    expect((await appointmentsOf(dispute.id))[0]).toMatchObject({ fire_at: null, job_id: null });
    expect(remindersTo(mediator.email as string)).toHaveLength(2);
  });

  it('when a planned appointment’s job is lost, then the sweep queues it again, and a reminder due meanwhile goes once', async () => {
    const { dispute, mediator } = await caseInMediation();
    const at = new Date(testApp.clock.now().getTime() + 3 * 86_400_000);
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'SCHEDULE_SESSION',
      at: at.toISOString(),
    });
    const [planned] = await appointmentsOf(dispute.id);
    await testApp.db.query(`DELETE FROM pgboss.job WHERE singleton_key = $1`, [`appointment:${planned.id}`]);
    await testApp.db.query('UPDATE appointments SET job_id = NULL WHERE id = $1', [planned.id]);

    const swept = await testApp.services.appointmentReminders.sweep();
    expect(swept).toEqual({ checked: 1, sent: 0 });
    expect(await jobStates(planned.id)).toEqual(['created']);
    expect((await testApp.services.appointmentReminders.sweep()).checked).toBe(0);

    // the worker was down over the day-before moment: the sweep sends it then, once
    testApp.clock.advanceMinutes(2 * 24 * 60 + 180);
    expect(await testApp.services.appointmentReminders.sweep()).toEqual({ checked: 1, sent: 1 });
    expect(await testApp.services.appointmentReminders.sweep()).toEqual({ checked: 0, sent: 0 });
  });
});
