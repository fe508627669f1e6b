import type { Browser } from 'playwright-core';
import { desktop, launchChromium, type RunningApp, startBrowserTestApp } from '../support/browser';
import { supervisorReadsTheStatistics, supervisorReviewsHandOffs } from './supervision-scenarios';

jest.setTimeout(180_000);

describe('in the browser, at a desk: the supervisors’ hand-off review and statistics', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('supervisor.street endorses one hand-off into 莘庄镇 and questions the other; the questioned rate goes from — to 50.0% (1/2)', async () => {
    await supervisorReviewsHandOffs(browser, app, desktop);
  });

  it('supervisor opens the statistics: every figure in the table, all four charts drawn, no console error', async () => {
    await supervisorReadsTheStatistics(browser, app, desktop);
  });
});
