import type { Browser } from 'playwright-core';
import { desktop, launchChromium, type RunningApp, startBrowserTestApp } from '../support/browser';
import { escalationToTheTownCentre } from './scenarios';

jest.setTimeout(180_000);

describe('in the browser, at a desk: a hand-off up to the town centre', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('mediator escalates to 莘庄镇 with a reason code; mediator.street finds it on the dashboard and takes it', async () => {
    await escalationToTheTownCentre(browser, app, desktop);
  });
});
