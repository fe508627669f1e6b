import type { DataSource } from 'typeorm';
import type { Services } from '../../src/composition-root';
import { databaseSchema } from '../../src/database-schema';
import { createDataSource } from '../../src/shared/db/data-source';
import type { RunningWorker } from '../../src/worker';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, sendEvents, servicesOn, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

const minutesPerDay = 24 * 60;

/**
 * Issue 7 ("Done when"): two app processes on one database — each with its own
 * connection pool, services, pg-boss and mail loop — and a deadline that passes:
 * one overdue flag, one set of mails.
 */
describe('two worker processes on one database', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let secondDb: DataSource;
  let second: Services;
  let workers: RunningWorker[];

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    testApp = await startTestApp({ smtpUrl: smtp.url });
    secondDb = createDataSource(testApp.config.databaseUrl as string, { ...databaseSchema, poolSize: 4 });
    await secondDb.initialize();
    second = await servicesOn(testApp, secondDb);
    workers = [await startTestWorker(testApp), await startTestWorker(testApp, {}, second, secondDb)];
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await secondDb.destroy();
    await smtp.stop();
    await testApp.close();
  });

  const kinds = (caseId: string, kind: string) =>
    testApp.db.query(
      `SELECT id, parent_id, recipient_user_id, delivery, sent_at FROM outbox WHERE subject_id = $1 AND kind = $2`,
      [caseId, kind],
    );

  /** Both processes wake the timer at once: their sweeps, their job handlers, and the queued job itself. */
  async function bothProcessesWake(caseId: string) {
    await testApp.db.query(
      `UPDATE pgboss.job SET start_after = now() WHERE name = 'deadline-timer' AND singleton_key = $1 AND state = 'created'`,
      [`case:${caseId}:mediation`],
    );
    await Promise.all([
      testApp.services.timers.sweep(),
      second.timers.sweep(),
      testApp.services.timers.reconcile('case', caseId),
      second.timers.reconcile('case', caseId),
    ]);
  }

  it('when a deadline passes, then the case is flagged overdue once and the holder and the supervisor each get one mail', async () => {
    const tree = await createDistrictTree(testApp.db);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const mediator = await createUser(testApp.db, {
      role: 'mediator',
      unitId: tree.community.id,
      locale: 'en',
    });
    const dispute = await createCase(testApp.services, mediator.id, { type: 'labour' });
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId: mediator.id },
    );
    await waitFor('the assignment mail', () => smtp.to(mediator.email as string).length === 1);

    // 劳动争议调解仲裁法 §14: 15 days; the 80 % warning on day 12
    testApp.clock.advanceMinutes(12 * minutesPerDay + 60);
    await bothProcessesWake(dispute.id);
    await waitFor('the warning mail', () => smtp.to(mediator.email as string).length === 2);

    // well past the end of the period (even if §85 moved it over a holiday week)
    testApp.clock.advanceMinutes(30 * minutesPerDay);
    await bothProcessesWake(dispute.id);
    await waitFor('the overdue mails', async () => {
      const rows = await kinds(dispute.id, 'deadline.overdue');
      return rows.length > 1 && rows.every((row: { sent_at: Date | null }) => row.sent_at !== null);
    });
    // let the queued job run out on both processes, then stop them: nothing else can be sent
    await waitFor('no waiting or running timer job', async () => {
      const [{ open }] = await testApp.db.query(
        `SELECT count(*)::int AS open FROM pgboss.job WHERE name = 'deadline-timer' AND singleton_key = $1
         AND state IN ('created', 'retry', 'active') AND start_after <= now()`,
        [`case:${dispute.id}:mediation`],
      );
      return open === 0;
    });
    for (const worker of workers) await worker.stop();

    const [flagged] = await testApp.db.query('SELECT overdue FROM cases WHERE id = $1', [dispute.id]);
    expect(flagged.overdue).toBe(true);
    const [timer] = await testApp.db.query(
      `SELECT warned_at, overdue_at, fire_at FROM deadline_timers WHERE subject_id = $1`,
      [dispute.id],
    );
    expect(timer.overdue_at).not.toBeNull();
    expect(timer.fire_at).toBeNull();

    // one notice each time (the unit-addressed row, expanded once into one row per person)
    const warnings = await kinds(dispute.id, 'deadline.warning');
    const overdue = await kinds(dispute.id, 'deadline.overdue');
    expect(warnings.filter((row: { parent_id: string | null }) => row.parent_id === null)).toHaveLength(1);
    expect(overdue.filter((row: { parent_id: string | null }) => row.parent_id === null)).toHaveLength(1);

    const toMediator = smtp.to(mediator.email as string);
    expect(toMediator.map((mail) => mail.subject)).toEqual([
      `[${dispute.number}] Case assigned to you: ${dispute.title}`,
      expect.stringMatching(/^\[.+\] Deadline warning: the period ends \d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(/^\[.+\] Overdue: the period ended \d{4}-\d{2}-\d{2}$/),
    ]);
    // the supervisor: the overdue notice (the warning waits in their digest, their default)
    const toSupervisor = smtp.to(supervisor.email as string);
    expect(toSupervisor.map((mail) => mail.subject)).toEqual([expect.stringMatching(/^【.+】已超期/)]);
    expect(toSupervisor[0].text).toContain('劳动争议调解仲裁法');
    expect(new Set(smtp.received.map((mail) => mail.messageId)).size).toBe(smtp.received.length);
  });
});
