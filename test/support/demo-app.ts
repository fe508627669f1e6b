import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { Browser } from './auth';
import { startTestApp, type TestApp } from './test-app';

/**
 * A test app with the demo organisation (闵行区, its units and demo accounts) and a
 * browser signed in as one of those accounts: the setup of the mediator's page tests.
 */
export async function startDemoApp(username = 'mediator'): Promise<{ testApp: TestApp; browser: Browser }> {
  const testApp = await startTestApp({ demoMode: true });
  await seedDemoOrganisation(testApp.db);
  const browser = new Browser(testApp.app);
  await browser.signIn(username, demoPassword);
  return { testApp, browser };
}
