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

/** Thursday 3 December 2026, 10:00 in Shanghai. */
const startAt = new Date('2026-12-03T10:00:00+08:00');

/**
 * Issue 21 in the browser: the demo mediator's calendar shows a planned hearing in the week
 * view on a desktop and on a phone (one day under another, nothing wider than the screen),
 * and in the list view, where the mediator cancels it with a reason. Every page passes axe.
 */
describe('in the browser: the calendar', () => {
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

  async function plannedHearing() {
    const { services, db } = app.testApp;
    const mediator = await actorNamed(services, db, 'mediator');
    const row = await createCase(services, mediator.id, {
      parties: [
        { role: 'applicant', kind: 'person', name: '周建国', idNumber: '310112197808084565' },
        { role: 'respondent', kind: 'person', name: '陈美玲' },
      ],
    });
    let version = row.version;
    for (const event of [
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId: mediator.id },
      { type: 'SCHEDULE_SESSION', at: '2026-12-04T14:30:00+08:00', place: '莘松居委调解室', kind: 'hearing' },
    ])
      version = (
        await services.caseWorkflow.apply(mediator, row.id, { ...event, expectedVersion: version } as never)
      ).version;
    return row;
  }

  it('the week view on a desktop and on a phone, and the list view on a phone, where the hearing is cancelled', async () => {
    const row = await plannedHearing();
    for (const viewport of [desktop, phone]) {
      const ui = await UiSession.open(browser, app.baseUrl, viewport, 'i21-calendar');
      const page = ui.page;
      try {
        await ui.signIn('mediator');
        // on a phone the header's links are under its menu button
        const menu = page.locator('header label.nav-menu-button');
        if (await menu.isVisible()) await menu.click();
        await ui.submit(() => page.getByRole('link', { name: '日程' }).first().click(), 'week');
        const friday = page.getByRole('listitem', { name: '周五 2026年12月4日' });
        expect(await friday.textContent()).toContain(row.number);
        expect(await friday.textContent()).toContain('听证');
        expect(await friday.locator('time').first().textContent()).toBe('14:30');
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          viewport.width,
        );
        if (viewport === phone) {
          await ui.submit(() => page.getByRole('link', { name: '列表', exact: true }).click(), 'list');
          const entry = page.locator('.schedule-entry', { hasText: row.number });
          expect(await entry.textContent()).toContain('莘松居委调解室');
          await entry.locator('summary').click();
          await entry.getByLabel('取消原因').fill('被申请人住院');
          await ui.submit(() => entry.getByRole('button', { name: '取消' }).click(), 'cancelled');
          expect(await page.getByRole('status').textContent()).toContain('已取消');
          expect(await page.locator('.schedule-entry', { hasText: row.number }).textContent()).toContain(
            '已取消',
          );
          await ui.submit(() => page.getByRole('link', { name: `案件 ${row.number}` }).click(), 'case');
          expect(new URL(page.url()).pathname).toBe(`/cases/${row.id}`);
        }
        expect(ui.problems).toEqual([]);
      } finally {
        await ui.close();
      }
    }
  });
});
