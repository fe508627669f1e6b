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

/**
 * A supervisor's list sorted by last change (`sort=updated`, walked in
 * `cases_district_updated_idx` order) and the dashboard's recent activity: the case that changed
 * last comes first, whenever it was registered.
 */
describe('cases by their last change', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

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
  });
});
