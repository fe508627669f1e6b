import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { Browser } from '../support/auth';
import { actorNamed, caseInState } from '../support/case-steps';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 20: a session is scheduled from the case page (安排调解), and the case says when the next one is. */
describe('scheduling a session on the case page', () => {
  let testApp: TestApp;
  let mediator: Browser;

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    await seedDemoOrganisation(testApp.db);
    // the demo passwords were set by the machine's clock; the test's runs on a day of its own
    await testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
    mediator = new Browser(testApp.app);
    await mediator.signIn('mediator', demoPassword);
  });
  afterAll(() => testApp.close());

  it('when a mediator schedules a session from the form, then the case keeps it as its next session, the timeline shows it, and the case stays in progress', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    const page = await mediator.get(`/cases/${row.id}`);
    expect(page.text).toContain('data-action="SCHEDULE_SESSION"');
    expect(page.text).toMatch(/<input id="SCHEDULE_SESSION-at" name="at" type="datetime-local"/);

    const response = await mediator.post(`/cases/${row.id}/events`, {
      type: 'SCHEDULE_SESSION',
      formKey: 'SCHEDULE_SESSION',
      expectedVersion: String(row.version),
      at: '2026-12-08T14:30',
      place: '莘松居委调解室',
    });

    expect(response.status).toBe(303);
    const [saved] = await testApp.db.query('SELECT state, snapshot FROM cases WHERE id = $1', [row.id]);
    expect(saved.state).toBe('mediation.inProgress');
    expect(saved.snapshot.context.nextSession).toEqual({
      at: '2026-12-08T14:30:00+08:00',
      place: '莘松居委调解室',
    });
    const after = await mediator.get(`/cases/${row.id}`);
    expect(after.text).toContain('安排调解');
    expect(after.text).toContain('2026年12月8日 14:30');
  });

  it('when the time given has passed, then the form comes back with the message next to it', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    await mediator.get(`/cases/${row.id}`);

    const response = await mediator.post(`/cases/${row.id}/events`, {
      type: 'SCHEDULE_SESSION',
      formKey: 'SCHEDULE_SESSION',
      expectedVersion: String(row.version),
      at: '2026-12-02T14:30',
    });

    expect(response.status).toBe(422);
    expect(response.text).toContain('须为尚未到来的时间');
  });

  it('when a supervisor opens the case, then scheduling is not offered (who may log a session may schedule one)', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    const supervisor = new Browser(testApp.app);
    await supervisor.signIn('supervisor.street', demoPassword);

    const page = await supervisor.get(`/cases/${row.id}`);

    expect(page.status).toBe(200);
    expect(page.text).not.toContain('data-action="SCHEDULE_SESSION"');
    expect(page.text).not.toContain('data-action="LOG_SESSION"');
  });
});
