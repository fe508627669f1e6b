import type { Browser } from 'playwright-core';
import { launchChromium, phone, type RunningApp, startBrowserTestApp, UiSession } from '../support/browser';
import { actorNamed } from '../support/case-steps';
import { createCase } from '../support/factories';
import { startAt } from '../tracking/tracking-support';

jest.setTimeout(180_000);

/**
 * Issue 20 in the browser, on a phone (390×844): a party with no account looks up their case at
 * /track (reached from the sign-in page) with the number and the code from the acceptance notice,
 * in Chinese and in English, and may call the unit that holds it;
 * the mediator issues a new code from the case page's party access panel. Every page passes axe
 * (no serious or critical violation), with no console error and no failed load but the one asked for.
 */
describe('in the browser, on a phone: the parties’ progress lookup', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp({ startAt }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A dispute accepted at the demo workstation, with its lookup code (each with parties of its own: one forum per dispute). */
  async function acceptedCase(
    applicant: { name: string; idNumber: string; phone: string },
    respondent: string,
  ) {
    const { services, db } = app.testApp;
    const mediator = await actorNamed(services, db, 'mediator');
    const row = await createCase(services, mediator.id, {
      parties: [
        { role: 'applicant', kind: 'person', ...applicant },
        { role: 'respondent', kind: 'person', name: respondent },
      ],
    });
    const submitted = await services.caseWorkflow.apply(mediator, row.id, {
      type: 'SUBMIT',
      expectedVersion: row.version,
    });
    const accepted = await services.caseWorkflow.applyForAnswer(mediator, row.id, {
      type: 'ACCEPT',
      track: 'people',
      level: 'community',
      expectedVersion: submitted.version,
    });
    return { row, code: accepted.lookupCode as string };
  }

  it('a party looks up their case with its number and code, reads what it means, and switches to English', async () => {
    const { row, code } = await acceptedCase(
      { name: '孙丽华', idNumber: '310112200002290014', phone: '13900001111' },
      '钱志强',
    );
    const ui = await UiSession.open(browser, app.baseUrl, phone, 'i20-track');
    const page = ui.page;
    try {
      // a party who types the app's address lands on the sign-in page, which leads to /track
      // (a link drawn as a button, role="button", as the app's other call-to-action links)
      await ui.goto('/', 'sign-in');
      await ui.submit(() => page.getByRole('button', { name: '查询办理进度' }).click(), 'form');
      expect(new URL(page.url()).pathname).toBe('/track');
      await page.getByLabel(/编号/).fill(row.number);
      await page.getByLabel('查询码').fill('AAAAA-AAAAA');
      await ui.submit(() => page.getByRole('button', { name: '查询' }).click(), 'not-found');
      expect(await page.getByRole('alert').textContent()).toContain('没有找到与该编号和查询码相符的记录');

      await page.getByLabel('查询码').fill(code.toLowerCase().replace('-', ' '));
      await ui.submit(() => page.getByRole('button', { name: '查询' }).click(), 'result');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('待分派调解员');
      expect(await page.locator('.track-next').textContent()).toContain('您的纠纷已被受理');
      // the workstation's public number, to call from the phone (src/demo/demo-organisation.ts)
      const call = page.getByRole('link', { name: /^021-\d{8}$/ });
      expect(await call.getAttribute('href')).toMatch(/^tel:\+8621\d{8}$/);
      const text = (await page.locator('main').textContent()) ?? '';
      for (const personal of ['孙丽华', '钱志强', '310112200002290014', '0014', '13900001111'])
        expect(text).not.toContain(personal);
      // the page fits the phone: nothing wider than the screen
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        phone.width,
      );

      await ui.submit(() => page.getByRole('button', { name: 'English' }).click(), 'form-en');
      await page.getByLabel(/Number/).fill(row.number);
      await page.getByLabel('Lookup code').fill(code);
      await ui.submit(() => page.getByRole('button', { name: 'Look up' }).click(), 'result-en');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Awaiting a mediator');
      expect(ui.problems).toEqual([`404 for /track`]);
    } finally {
      await ui.close();
    }
  });

  it('the mediator issues a new code from the party access panel; it is shown once', async () => {
    // the demo accounts' passwords date from the seeding, after this spec's pinned clock
    await app.testApp.db.query(
      `UPDATE users SET password_changed_at = '2020-01-01' WHERE username = 'mediator'`,
    );
    const { row } = await acceptedCase(
      { name: '吴海燕', idNumber: '310101199001011234', phone: '13812345678' },
      '郑伟',
    );
    const ui = await UiSession.open(browser, app.baseUrl, phone, 'i20-party-access');
    const page = ui.page;
    try {
      await ui.signIn('mediator');
      await ui.goto(`/cases/${row.id}`, 'case');
      const panel = page.locator('#party-access');
      expect(await panel.textContent()).toContain('当前查询码生成于');
      // the new code's page is the one the form's redirect lands on (…#party-access), not the page it left
      await Promise.all([
        page.waitForURL((url) => url.hash === '#party-access'),
        panel.getByRole('button', { name: '生成新的查询码' }).click(),
      ]);
      await ui.checkPage('new-code');
      expect(await panel.locator('.lookup-code').textContent()).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
      expect(await panel.getByRole('status').textContent()).toContain('该查询码只显示这一次');
      await ui.goto(`/cases/${row.id}`, 'case-again');
      expect(await panel.locator('.lookup-code').count()).toBe(0);
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
