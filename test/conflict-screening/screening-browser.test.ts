import type { Browser } from 'playwright-core';
import { launchChromium, phone, type RunningApp, startBrowserTestApp, UiSession } from '../support/browser';

jest.setTimeout(240_000);

/** 矛盾纠纷排查 in the browser, on a phone: the workstation's month, then the supervisor's overview. */
describe('in the browser, on a phone (390×844): the workstation’s screening round', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startBrowserTestApp({ startAt: new Date('2026-12-03T10:00:00+08:00') }),
      launchChromium(),
    ]);
    // the demo seed stamps its passwords with the machine's time, after this test's pinned day:
    // a sign-in on that day would predate them (as createUser does, set them before any test clock)
    await app.testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a mediator adds an item of grade 3 with the grading criteria in view, makes it a case; the supervisor sees it first', async () => {
    const ui = await UiSession.open(browser, app.baseUrl, phone, 'i21-screening');
    const page = ui.page;
    try {
      await ui.signIn('mediator');
      // on a phone the header's links are under its menu button
      await page.locator('header label.nav-menu-button').click();
      await ui.submit(() => page.getByRole('link', { name: '矛盾纠纷排查' }).first().click(), 'screening');
      expect(await page.locator('#round-status').textContent()).toContain('本月尚未上报');
      // the criteria (local practice, said so) are on the form
      await page.getByText('风险等级评定标准').click();
      expect(await page.locator('#risk-criteria').textContent()).toContain('重大（橙色）');
      expect(await page.getByText('地方实践').count()).toBeGreaterThan(0);

      // a blank form: the page again, each message next to its field
      await ui.submit(() => page.locator('#add-item-submit').click(), 'blank-item');
      expect(await page.locator('#error-title').textContent()).toBeTruthy();

      await page.locator('#field-title').fill('拆迁补偿分配不均，村民扬言集体上访');
      await page.locator('#field-type').selectOption('demolition_relocation');
      await page.locator('#field-riskGrade').selectOption('3');
      await page.locator('#field-peopleCount').fill('8');
      await page.locator('#field-description').fill('八户村民对补偿款分配有异议，近日多次聚集。');
      await ui.submit(() => page.locator('#add-item-submit').click(), 'item-added');
      const row = page.locator('#round-items article', { hasText: '拆迁补偿分配不均' });
      expect(await row.textContent()).toContain('3 级 · 重大（橙色）');
      expect(await row.locator('.flag').textContent()).toBe('高风险');
      // with an item filed, no zero report is offered
      expect(await page.locator('#file-zero').count()).toBe(0);

      await row.getByText('转为案件').first().click();
      await row.locator('input[name="applicantName"]').fill('李建国');
      await ui.submit(() => row.getByRole('button', { name: '转为案件' }).click(), 'case-made');
      expect(new URL(page.url()).pathname).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
      expect(await page.locator('h1').first().textContent()).toContain('拆迁补偿分配不均');
      // the one answer ≥ 400: the blank form, refused (400) as it should be
      expect(ui.problems).toEqual(['400 for /screenings/items']);
    } finally {
      await ui.close();
    }

    const supervisor = await UiSession.open(browser, app.baseUrl, phone, 'i21-screening-overview');
    try {
      await supervisor.signIn('supervisor.street');
      await supervisor.goto('/screenings/overview', 'overview');
      const first = supervisor.page.locator('#high-risk-items tbody tr').first();
      expect(await first.textContent()).toContain('拆迁补偿分配不均');
      const grid = supervisor.page.locator('#screening-overview');
      expect(await grid.locator('tr', { hasText: '莘松居委工作站' }).textContent()).toContain('已报 1 项');
      // the other workstations have not filed this month yet (the month is not over: not missing)
      expect(await grid.textContent()).toContain('未报（本月）');
      expect(supervisor.problems).toEqual([]);
    } finally {
      await supervisor.close();
    }
  });

  it('a unit with nothing found files a zero report in one click', async () => {
    const ui = await UiSession.open(browser, app.baseUrl, phone, 'i21-screening-zero');
    try {
      await ui.signIn('mediator.street');
      await ui.goto('/screenings', 'screening');
      await ui.submit(() => ui.page.locator('#file-zero').click(), 'zero-filed');
      expect(await ui.page.locator('#round-status').textContent()).toContain('本月已报零报告');
      expect(await ui.page.locator('#file-zero').count()).toBe(0);
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
