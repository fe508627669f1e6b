import { ReinstallOutdatedJobQueueSchema1764141900000 } from '../../migrations/1764141900000-ReinstallOutdatedJobQueueSchema';
import type { Services } from '../../src/composition-root';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { sendEvents } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 15: a database whose job queue pg-boss 10 installed keeps every timer under pg-boss 12. */
describe('the job queue after the move to pg-boss 12', () => {
  let testApp: TestApp;
  let services: Services;

  beforeAll(async () => {
    testApp = await startTestApp();
    services = testApp.services;
  });
  afterAll(() => testApp.close());

  const runUpgrade = async () => {
    const runner = testApp.db.createQueryRunner();
    try {
      await new ReinstallOutdatedJobQueueSchema1764141900000().up(runner);
    } finally {
      await runner.release();
    }
  };
  /** A case accepted at a workstation: its mediation clock has a timer and a waiting job. */
  async function caseWithOpenClock() {
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const dispute = await createCase(services, mediator.id);
    await sendEvents(
      services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
    );
    return dispute;
  }
  const waitingJobs = async (caseId: string): Promise<number> =>
    (
      await testApp.db.query(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE singleton_key = $1 AND state = 'created'`,
        [`case:${caseId}:mediation`],
      )
    )[0].n;

  it('when the schema is pg-boss 10’s (version 24), then it is reinstalled, and the sweep queues each open timer’s job again', async () => {
    const dispute = await caseWithOpenClock();
    expect(await waitingJobs(dispute.id)).toBe(1);
    // what pg-boss 10 left: its version number, a job row pg-boss 12 will not read
    await testApp.db.query('UPDATE pgboss.version SET version = 24');

    await runUpgrade();

    const [{ version }] = await testApp.db.query('SELECT version FROM pgboss.version');
    expect(version).toBeGreaterThanOrEqual(25);
    const queues = await testApp.db.query('SELECT name, policy FROM pgboss.queue ORDER BY name');
    expect(queues).toEqual([
      { name: 'deadline-sweep', policy: 'singleton' },
      { name: 'deadline-timer', policy: 'stately' },
      { name: 'notification-digest', policy: 'singleton' },
    ]);
    expect(await waitingJobs(dispute.id)).toBe(0);
    const [timer] = await testApp.db.query('SELECT job_id FROM deadline_timers WHERE subject_id = $1', [
      dispute.id,
    ]);
    expect(timer.job_id).toBeNull();

    await services.timers.sweep();

    expect(await waitingJobs(dispute.id)).toBe(1);
  });

  it('when the schema is already pg-boss 12’s, then the upgrade leaves the waiting jobs alone', async () => {
    const dispute = await caseWithOpenClock();

    await runUpgrade();

    expect(await waitingJobs(dispute.id)).toBe(1);
  });
});
