import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { Browser } from '../support/auth';
import { actorNamed, caseInState, send } from '../support/case-steps';
import { startTestApp, type TestApp } from '../support/test-app';

/** A locale key that reached the page untranslated (i18next shows the key when it has no text). */
const untranslated =
  /(?<![\w/.-])(caseStates|caseOutcomes|caseEvents|casePage|actionForms|attachments|dashboard|intake|deadlines|agreementDoc|disputeTypes|sources|tracks|levels|partyRoles|partyKinds|escalationReasons|guidances|agencies|suspendReasons|sessionKinds|withdrawnBy|performance|agreementForms|cases|caseExport)\.[A-Za-z_]+/g;

describe('the case pages in both languages', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true });
    await seedDemoOrganisation(testApp.db);
  });
  afterAll(() => testApp.close());

  it.each([
    ['zh-CN', '我的工作台', '2026年'],
    ['en', 'My workbench', ' 2026'],
  ])(
    'in %s, every page of a case’s life reads in that language, with no key left untranslated',
    async (locale, title, year) => {
      const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
      const row = await caseInState(testApp.services, mediator, 'agreement.awaitingFulfilment', {
        type: 'land_requisition',
      });
      const suspended = await caseInState(testApp.services, mediator, 'mediation.suspended', {
        type: 'medical',
      });
      const closed = await send(
        testApp.services,
        mediator,
        await caseInState(testApp.services, mediator, 'mediation.inProgress'),
        {
          type: 'FAIL',
          reason: '一方拒绝继续调解。',
          guidance: 'litigation',
        },
      );
      const browser = new Browser(testApp.app);
      await browser.signIn('mediator', demoPassword);
      await browser.post('/locale', { locale, returnTo: '/' });
      for (const path of [
        '/',
        '/cases',
        '/cases/new',
        `/cases/${row.id}`,
        `/cases/${row.id}?timeline=important`,
        `/cases/${row.id}/agreement`,
        `/cases/${suspended.id}`,
        `/cases/${closed.id}`,
      ]) {
        const page = await browser.get(path);
        expect({ path, status: page.status }).toEqual({ path, status: 200 });
        expect({ path, keys: page.text.match(untranslated) ?? [] }).toEqual({ path, keys: [] });
        expect(page.text).toContain(`<html lang="${locale}">`);
      }
      expect((await browser.get('/')).text).toContain(title);
      expect((await browser.get(`/cases/${row.id}`)).text).toContain(year);
      const csv = await browser.get('/cases.csv');
      expect(csv.text.match(untranslated) ?? []).toEqual([]);
    },
  );
});
