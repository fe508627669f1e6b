import type { Browser } from 'playwright-core';
import { desktop, launchChromium, type RunningApp, startBrowserTestApp, UiSession } from '../support/browser';

jest.setTimeout(180_000);

/**
 * Issue 16 in the browser: the administrator enters next year's holiday notice by pasting
 * its dates; every page passes axe (no serious or critical violation), with no console
 * error and no failed load.
 */
describe('in the browser: the administrator enters next year’s holiday notice', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('admin opens 节假日安排, pastes the 2027 notice’s dates, and the year is counted by the notice', async () => {
    const ui = await UiSession.open(browser, app.baseUrl, desktop, 'g-calendar');
    const page = ui.page;
    try {
      await ui.signIn('admin');
      await ui.submit(
        () =>
          page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '节假日安排' }).click(),
        'calendar',
      );
      await ui.submit(() => page.getByRole('link', { name: '录入或修改 2027' }).click(), 'calendar-2027');
      await page.getByLabel('依据').selectOption('notice');
      // a line that cannot be read comes back next to its field, with what was typed
      await page.getByLabel('放假日').fill('1月1日至3日\n2月5日至12日\n元宵节');
      await ui.submit(() => page.getByRole('button', { name: '保存' }).click(), 'calendar-2027-error');
      expect(await page.locator('#error-holidays').textContent()).toBe('“元宵节”不是日期或日期段');
      expect(await page.getByLabel('放假日').inputValue()).toContain('元宵节');

      await page
        .getByLabel('放假日')
        .fill('1月1日至3日\n2月5日至12日\n4月3日至5日\n5月1日至5日\n6月9日\n9月15日\n10月1日至7日');
      await page.getByLabel('调休上班日').fill('2月20日\n4月25日\n5月8日\n9月26日\n10月9日');
      await ui.submit(() => page.getByRole('button', { name: '保存' }).click(), 'calendar-2027-saved');
      expect(await page.getByRole('status').textContent()).toContain('已保存 2027 年节假日安排');
      expect(await page.locator('hgroup p').textContent()).toContain('国务院节假日安排通知');
      // the one refusal asked for above is the only 4xx
      expect(ui.problems).toEqual(['400 for /admin/calendar/2027']);
    } finally {
      await ui.close();
    }
  });
});
