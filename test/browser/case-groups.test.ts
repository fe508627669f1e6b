import type { Browser } from 'playwright-core';
import {
  desktop,
  launchChromium,
  phone,
  type RunningApp,
  startBrowserTestApp,
  UiSession,
} from '../support/browser';
import { actorNamed } from '../support/case-steps';
import { createCase } from '../support/factories';

jest.setTimeout(180_000);

const startAt = new Date('2026-12-03T10:00:00+08:00');

/**
 * Issue 21 in the browser: a mediator links a case to its master case (群体性纠纷) by typing the
 * master's number on the case page — a wrong number first, refused next to the field — then
 * reads the group page (the master's sums and its cases) and sees the group badge in the list.
 * Every page passes axe, with no console error and no failed load but the one refusal.
 */
describe('in the browser: a group dispute linked by case number, its page and its badge', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp({ startAt }), launchChromium()]);
    // the demo accounts' passwords date from the seeding, after this spec's pinned clock
    await app.testApp.db.query(
      `UPDATE users SET password_changed_at = '2020-01-01' WHERE username = 'mediator'`,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const viewport of [desktop, phone]) {
    it(`on a ${viewport.name}: the member joins the master by its number; the group page sums the group; the list shows the badge`, async () => {
      const { services, db } = app.testApp;
      const mediator = await actorNamed(services, db, 'mediator');
      const master = await createCase(services, mediator.id, {
        title: `小区外墙渗水群体纠纷（主案）${viewport.name}`,
        groupSize: 20,
      });
      const member = await createCase(services, mediator.id, {
        title: `小区外墙渗水群体纠纷（个案）${viewport.name}`,
        parties: [
          { role: 'applicant', kind: 'person', name: '钱志明', idNumber: '310112199001011233' },
          { role: 'respondent', kind: 'organisation', name: '莘松物业公司', idNumber: '91310112MA1GB12347' },
        ],
      });

      const ui = await UiSession.open(browser, app.baseUrl, viewport, 'i21-group');
      const page = ui.page;
      try {
        await ui.signIn('mediator');
        await ui.goto(`/cases/${member.id}`, 'case');
        const panel = page.locator('#group');
        await panel.getByLabel('主案编号').fill('MH-2026-404404');
        await ui.submit(() => panel.getByRole('button', { name: '并入主案' }).click(), 'refused');
        expect(await page.locator('#error-masterNumber').textContent()).toContain(
          '没有您可查看的编号为 MH-2026-404404 的案件',
        );
        expect(await page.getByLabel('主案编号').inputValue()).toBe('MH-2026-404404');

        await page.getByLabel('主案编号').fill(master.number);
        await ui.submit(() => page.getByRole('button', { name: '并入主案' }).last().click(), 'joined');
        expect(await page.locator('[role="status"]').textContent()).toContain('群体性纠纷关联已保存');
        expect(await page.getByRole('link', { name: master.number }).count()).toBeGreaterThan(0);

        await ui.goto(`/cases/${master.id}/group`, 'master-group');
        const sums = (await page.locator('#group-sums').textContent()) ?? '';
        // 20 people of the master's group size, and the member's one applicant
        expect(sums).toMatch(/涉及人数\s*21/);
        expect(sums).toMatch(/案件数（含主案）\s*2/);
        const rows = page.locator('#group-cases tbody tr');
        expect(await rows.count()).toBe(2);
        expect(await rows.nth(1).textContent()).toContain(member.number);

        await ui.goto(`/cases?q=${encodeURIComponent('小区外墙渗水群体纠纷')}`, 'list');
        // a row by its case's own link (a member's badge names its master's number too)
        const rowOf = (number: string) =>
          page.locator('tbody tr').filter({ has: page.getByRole('link', { name: number, exact: true }) });
        const masterRow = rowOf(master.number);
        expect(await masterRow.locator('.badge-group').textContent()).toContain('主案 · 1 件个案');
        const memberRow = rowOf(member.number);
        expect(await memberRow.locator('.badge-group').textContent()).toContain(`主案 ${master.number}`);

        // the one failed load is the refusal the test asked for
        expect(
          ui.problems.filter((problem) => !problem.startsWith(`422 for /cases/${member.id}/group`)),
        ).toEqual([]);
      } finally {
        await ui.close();
      }
    });
  }
});
