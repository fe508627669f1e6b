import type { Browser } from 'playwright-core';
import { desktop, launchChromium, type RunningApp, startBrowserTestApp } from '../support/browser';
import { labourDisputeFromIntakeToClosure, partialUpdatesWithHtmx } from './scenarios';

jest.setTimeout(180_000);

describe('in the browser, at a desk: a labour dispute from intake to closure', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('mediator registers, accepts, logs a session, records and prints the agreement, and closes it resolved', async () => {
    await labourDisputeFromIntakeToClosure(browser, app, desktop);
  });

  it('with JavaScript, the list filter, a party’s full numbers and the timeline filter update the page in place', async () => {
    await partialUpdatesWithHtmx(browser, app, desktop);
  });
});
