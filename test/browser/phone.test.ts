import type { Browser } from 'playwright-core';
import { launchChromium, phone, type RunningApp, startBrowserTestApp } from '../support/browser';
import { escalationToTheTownCentre, labourDisputeFromIntakeToClosure } from './scenarios';

jest.setTimeout(240_000);

describe('in the browser, on a phone (390×844): the same journeys', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a labour dispute from intake to closure', async () => {
    await labourDisputeFromIntakeToClosure(browser, app, phone);
  });

  it('a hand-off up to 莘庄镇, taken by the town’s mediator', async () => {
    await escalationToTheTownCentre(browser, app, phone);
  });
});
