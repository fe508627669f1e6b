import type { Browser } from 'playwright-core';
import { launchChromium, phone, type RunningApp, startBrowserTestApp } from '../support/browser';
import { agentLogsAVisitAndOpensACase } from './supervision-scenarios';

jest.setTimeout(180_000);

// The supervisor's side (hand-off review, statistics) is in supervision-and-stats.test.ts,
// so that Jest runs the two on workers of their own.
describe('in the browser, on a phone (390×844): the petition agent in the field', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('agent registers a petition, logs a visit in under a minute and links the petition to a new case', async () => {
    const { visitSeconds } = await agentLogsAVisitAndOpensACase(browser, app, phone);
    expect(visitSeconds).toBeLessThan(60);
  });
});
