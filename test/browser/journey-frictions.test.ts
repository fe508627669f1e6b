import type { Browser } from 'playwright-core';
import {
  launchChromium,
  phone,
  type RunningApp,
  startBrowserTestApp,
  UiSession,
  type Viewport,
} from '../support/browser';
import { actorNamed, send } from '../support/case-steps';
import { createCase } from '../support/factories';

jest.setTimeout(180_000);

const laptop: Viewport = { name: 'laptop', width: 1366, height: 768 };

/**
 * Issue 24's journey pass: what running the journeys in both languages at 1366 px and on a phone
 * showed — the English header cut off on a phone, the case page's text boxes without the counter
 * the intake has, a too-large form's message only on two pages, Chinese punctuation in English.
 */
describe('in the browser: the journeys in both languages (issue 24)', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function inEnglish(ui: UiSession) {
    await ui.context.addCookies([{ name: 'lang', value: 'en', url: app.baseUrl }]);
  }

  it('on a phone in English, the header is one line with a menu whose every link and button is on the screen when opened, and the case list is a card per case', async () => {
    const { services, db } = app.testApp;
    await createCase(services, (await actorNamed(services, db, 'mediator')).id);
    const ui = await UiSession.open(browser, app.baseUrl, phone, 'i24-header');
    const page = ui.page;
    try {
      await ui.signIn('supervisor.street');
      await inEnglish(ui);
      await ui.goto('/', 'home-en');
      // one short line: the brand and the menu button; the links are under it
      const header = await page.locator('header.app-header').boundingBox();
      expect(header?.height).toBeLessThanOrEqual(48);
      expect(await page.getByRole('link', { name: 'My workbench' }).isVisible()).toBe(false);
      await page.locator('header label.nav-menu-button').click();
      expect(await page.getByRole('link', { name: 'My workbench' }).isVisible()).toBe(true);
      const targets = page.locator('header nav a, header nav button');
      expect(await targets.count()).toBeGreaterThan(8);
      for (const target of await targets.all()) {
        const box = await target.boundingBox();
        expect(box).not.toBeNull();
        expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(phone.width);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        phone.width,
      );

      // the case list is a card per case: its state, deadline and unit on the screen, not off to the right
      await ui.goto('/cases', 'cases-en');
      const cells = page.locator('.case-table td[data-label]');
      expect(await cells.count()).toBeGreaterThanOrEqual(3);
      for (const cell of (await cells.all()).slice(0, 6)) {
        const box = await cell.boundingBox();
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(phone.width);
      }
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.context.close();
    }
  });

  it('the case page’s session minutes count against the limit the schema holds; the English timeline brackets in half width', async () => {
    const { services, db } = app.testApp;
    const mediator = await actorNamed(services, db, 'mediator');
    const row = await send(
      services,
      mediator,
      await createCase(services, mediator.id),
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorUsername: 'mediator' },
    );
    const ui = await UiSession.open(browser, app.baseUrl, laptop, 'i24-case-counter');
    const page = ui.page;
    try {
      await ui.signIn('mediator');
      await ui.goto(`/cases/${row.id}`, 'case');
      const action = page.locator('[data-action="LOG_SESSION"]').first();
      await action.locator('summary').click();
      const minutes = action.locator('textarea[name="minutes"]');
      expect(await minutes.getAttribute('data-max-length')).toBe('10000');
      await minutes.fill('双方到场。');
      const counter = page.locator(`#${await minutes.getAttribute('id')}-count`);
      expect(await counter.textContent()).toBe('已输入 5 字，最多 10000 字');
      // each reason box has its own counter (several forms have a field named reason)
      const reasons = page.locator('textarea[name="reason"][data-max-length]');
      expect(await reasons.count()).toBeGreaterThan(1);

      await inEnglish(ui);
      await ui.goto(`/cases/${row.id}`, 'case-en');
      const timeline = (await page.locator('#timeline').textContent()) ?? '';
      expect(timeline).toMatch(/\((Applicant|Respondent)\)/);
      expect(timeline).not.toMatch(/[（）]/);
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.context.close();
    }
  });

  it('back on a petition form after a form too large to read, the agent’s phone says so above the form, and the text box counts', async () => {
    const ui = await UiSession.open(browser, app.baseUrl, phone, 'i24-too-large');
    const page = ui.page;
    try {
      await ui.signIn('agent');
      await ui.goto('/petitions/new?tooLarge=1', 'petition-too-large');
      const flash = page.locator('main > p.form-error[role="alert"]');
      expect(await flash.textContent()).toContain('提交的内容太大');
      await page.locator('textarea[name="content"]').fill('信访人反映');
      expect(await page.locator('#field-content-count').textContent()).toBe('已输入 5 字，最多 10000 字');
      await ui.goto('/petitions/new', 'petition');
      expect(await page.locator('main > p.form-error[role="alert"]').count()).toBe(0);
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.context.close();
    }
  });
});
