import type { Browser } from 'playwright-core';
import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { apiToken } from '../support/auth';
import { launchChromium, phone, type RunningApp, startBrowserTestApp, UiSession } from '../support/browser';

jest.setTimeout(180_000);

/**
 * Issue 21: the petition agent's home on a phone (390×844) — "登记信访" first, the visits due
 * this week (from the next visit written with the last one), their petitions with the clocks of
 * 信访工作条例 §22 and §32, overdue first; a header of one line.
 */
describe('in the browser, on a phone (390×844): the petition agent’s home page', () => {
  let app: RunningApp;
  let browser: Browser;
  // a Thursday: this week runs from Monday 30 November to Sunday 6 December
  const startAt = new Date('2026-12-03T10:00:00+08:00');

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp({ startAt }), launchChromium()]);
    // the demo passwords were set by the machine's clock; the test's runs on a day of its own
    await app.testApp.db.query(
      `UPDATE users SET password_changed_at = '2020-01-01' WHERE username = 'agent'`,
    );
    const token = await apiToken(app.testApp.app, 'agent', demoPassword);
    const as = { Authorization: `Bearer ${token}` };
    const register = async (subject: string, receivedOn: string, idNumber: string) => {
      const response = await request(app.testApp.app)
        .post('/api/v1/petitions')
        .set(as)
        .send({
          subject,
          content: '信访人反映的具体情况。',
          petitioners: [{ kind: 'person', name: `信访人${idNumber.slice(-4)}`, idNumber }],
          receivedOn,
        });
      expect(response.status).toBe(201);
      return response.body.id as string;
    };
    const visit = async (id: string, nextVisitOn: string) => {
      const response = await request(app.testApp.app).post(`/api/v1/petitions/${id}/visits`).set(as).send({
        visitedAt: '2026-12-02T15:00:00+08:00',
        place: '信访人家中',
        metWith: '信访人本人',
        summary: '听取诉求，约定下次走访。',
        nextVisitOn,
      });
      expect(response.status).toBe(201);
    };
    await register('新近来访：小区绿化被占', '2026-12-01', '310112199001011233');
    // §22: 15 days to decide whether to accept — received on 10 November, the decision is overdue
    await register('久拖未决：拆迁安置房交付延期', '2026-11-10', '310112197808084565');
    const thisWeek = await register('约定走访：工资拖欠', '2026-11-30', '310112198503152015');
    await visit(thisWeek, '2026-12-05');
    const later = await register('约定走访：噪声扰民', '2026-11-30', '310101199001011234');
    await visit(later, '2026-12-20');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('when the agent signs in on a phone, then "登记信访" comes first, the visits due this week and the overdue petition lead, and the header is one short line', async () => {
    const ui = await UiSession.open(browser, app.baseUrl, phone, 'agent-home');
    const page = ui.page;
    try {
      await ui.signIn('agent');

      // the first thing on the page, before any heading or list
      const first = page.locator('main').locator('a, button, h1, h2, section, article').first();
      await expect(first.textContent()).resolves.toBe('登记信访');
      const button = page.getByRole('button', { name: '登记信访' });
      const buttonBox = await button.boundingBox();
      expect(buttonBox?.width).toBeGreaterThan(300); // the width of the screen, thumb-sized
      // the header: one line, not a quarter of the screen
      const header = await page.locator('header.app-header').boundingBox();
      expect(header?.height).toBeLessThanOrEqual(48);
      expect(buttonBox?.y).toBeLessThan(844 / 4);

      const visits = page.locator('section.agent-visits');
      await expect(visits.textContent()).resolves.toContain('约定走访：工资拖欠');
      await expect(visits.textContent()).resolves.toContain('2026年12月5日');
      await expect(visits.textContent()).resolves.not.toContain('约定走访：噪声扰民');
      const cards = page.locator('section.agent-petitions article.petition-card');
      await expect(cards.count()).resolves.toBe(4);
      await expect(cards.first().textContent()).resolves.toContain('久拖未决：拆迁安置房交付延期');
      await expect(cards.first().locator('.clock-overdue').count()).resolves.toBe(1);
      await expect(page.locator('section.agent-petitions').textContent()).resolves.toContain('1 件已超期');

      await ui.submit(() => button.click(), 'register-form');
      expect(new URL(page.url()).pathname).toBe('/petitions/new');
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
