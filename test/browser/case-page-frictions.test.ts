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

/** The width the issue measured the clipped party table at. */
const laptop: Viewport = { name: 'laptop', width: 1366, height: 768 };

/**
 * Issue 24 in the browser: the case page's parties fit at 1366 px and on a phone (the reveal
 * button in reach), a paused deadline is explained, a party row is added in place (htmx, no
 * reload), and a 132,000-character paste is refused by the counter and kept as a draft that
 * comes back after a reload. Every page passes axe and the CSP.
 */
describe('in the browser: the case page and its forms (issue 24)', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function suspendedCaseWithThreeParties() {
    const { services, db } = app.testApp;
    const mediator = await actorNamed(services, db, 'mediator');
    const row = await createCase(services, mediator.id, {
      parties: [
        {
          role: 'applicant',
          kind: 'person',
          name: '欧阳建国',
          idNumber: '310112197808084565',
          phone: '13800001111',
          address: '上海市闵行区莘庄镇莘松路 1288 弄 36 号 1203 室',
        },
        {
          role: 'respondent',
          kind: 'organisation',
          name: '上海闵联建筑装饰工程有限公司',
          phone: '13900002222',
          address: '上海市闵行区春申路 2588 号 5 幢',
        },
        { role: 'third_party', kind: 'person', name: '陈美玲', phone: '13700003333' },
      ],
    });
    return send(
      services,
      mediator,
      row,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorUsername: 'mediator' },
      { type: 'SUSPEND', reason: 'appraisal' },
    );
  }

  it('the party table fits at 1366 px and on a phone, and a paused deadline says that paused days do not count', async () => {
    const row = await suspendedCaseWithThreeParties();
    for (const viewport of [laptop, phone]) {
      const ui = await UiSession.open(browser, app.baseUrl, viewport, 'i24-parties');
      const page = ui.page;
      try {
        await ui.signIn('mediator');
        await ui.goto(`/cases/${row.id}`, 'case');
        const region = page.locator('#parties .parties-region');
        const { scrollWidth, clientWidth } = await region.evaluate((element) => ({
          scrollWidth: element.scrollWidth,
          clientWidth: element.clientWidth,
        }));
        expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          viewport.width,
        );
        // every party's phone, address and "show in full" button are on the screen, not off to the right
        for (const target of [
          page.locator('#parties').getByText('上海市闵行区莘庄镇莘松路 1288 弄 36 号 1203 室'),
          page.locator('#parties').getByText('138****1111'),
          page.locator('#parties').getByRole('button', { name: '显示完整号码：欧阳建国' }),
        ]) {
          const box = await target.boundingBox();
          expect(box).not.toBeNull();
          expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(viewport.width);
        }
        const paused = page.locator('#deadline-paused');
        await paused.scrollIntoViewIfNeeded();
        expect(await paused.isVisible()).toBe(true);
        expect(await paused.textContent()).toMatch(
          /^自 .+ 起暂停，原因：鉴定。恢复计时后，期限从暂停处接着计算。$/,
        );
        expect(await page.locator('#overview').textContent()).toContain('已暂停：暂停期间不计入期限');
        expect(await page.locator('#overview').textContent()).toContain('若今天恢复计时');
        expect(ui.problems).toEqual([]);
      } finally {
        await ui.context.close();
      }
    }
  });

  it('adding a party row swaps the parties in place; a 132,000-character paste is refused, kept, and kept as a draft across a reload', async () => {
    const ui = await UiSession.open(browser, app.baseUrl, laptop, 'i24-intake');
    const page = ui.page;
    try {
      await ui.signIn('mediator');
      // ui.goto's screenshot (Playwright hides the caret with an inline style on each field)
      // and axe leave style attributes on the fields, which htmx's swap copies and the CSP
      // rightly refuses; a person's browser leaves none: the form is checked after the swap
      await page.goto(`${app.baseUrl}/cases/new`);
      await page.getByLabel('标题').fill('四十户居民反映拆迁补偿不一');
      // a mark that a full page load would wipe
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });
      await page.getByRole('button', { name: '添加当事人' }).click();
      await page.locator('fieldset.party').nth(2).waitFor();
      expect(await page.locator('fieldset.party').count()).toBe(3);
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
        true,
      );
      expect(await page.getByLabel('标题').inputValue()).toBe('四十户居民反映拆迁补偿不一');
      // the keyboard is in the new row
      expect(await page.evaluate(() => document.activeElement?.closest('fieldset.party') !== null)).toBe(
        true,
      );
      await ui.checkPage('party-added');

      const description = page.locator('#field-description');
      const pasted = '拆迁补偿标准前后不一，居民要求说明依据。'.repeat(6_600);
      expect(pasted.length).toBe(132_000);
      await description.fill(pasted);
      expect(await page.locator('#field-description-count').textContent()).toContain('超出 122000 字');
      await page.getByRole('button', { name: '登记', exact: true }).last().click();
      const refused = page.locator('.text-limit-refused');
      await refused.waitFor();
      expect(await refused.textContent()).toContain('没有提交：文字超出字数上限');
      expect(new URL(page.url()).pathname).toBe('/cases/new');
      expect((await description.inputValue()).length).toBe(132_000);
      await ui.checkPage('paste-refused');

      // a reload (or a page the server sent back) finds the draft and says so
      await page.reload();
      await page.waitForLoadState('load');
      await page.locator('#field-description').waitFor();
      expect((await page.locator('#field-description').inputValue()).length).toBe(132_000);
      expect(await page.getByText('已恢复您在本页输入但未提交的文字。').isVisible()).toBe(true);
      await ui.checkPage('draft-restored');
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.context.close();
    }
  });
});
