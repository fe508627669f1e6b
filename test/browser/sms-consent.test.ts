import type { Browser } from 'playwright-core';
import { launchChromium, phone, type RunningApp, startBrowserTestApp, UiSession } from '../support/browser';
import { actorNamed } from '../support/case-steps';
import { createCase } from '../support/factories';
import { startTestWorker } from '../support/mail';

jest.setTimeout(180_000);

const startAt = new Date('2026-12-03T10:00:00+08:00');

/**
 * Issue 20 in the browser, on a phone (390×844): the SMS consent a party gave at intake is
 * withdrawn on the case page when the party asks (个人信息保护法 第十五条), the SMS waiting for them
 * is then not sent and shows apart on /admin/outbox; the petition registration form asks each
 * petitioner's consent and language. Every page passes axe, with no console error and no failed load.
 */
describe('in the browser, on a phone: SMS consent withdrawn and asked', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp({ startAt }), launchChromium()]);
    // the demo accounts' passwords date from the seeding, after this spec's pinned clock
    await app.testApp.db.query(
      `UPDATE users SET password_changed_at = '2020-01-01' WHERE username IN ('mediator', 'admin', 'agent')`,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('the mediator records the applicant’s withdrawal on the case page; the acceptance SMS waiting for them is not sent and the admin sees it apart from failures', async () => {
    const { services, db } = app.testApp;
    const mediator = await actorNamed(services, db, 'mediator');
    const row = await createCase(services, mediator.id, {
      parties: [
        {
          role: 'applicant',
          kind: 'person',
          name: '周美玲',
          idNumber: '310112197808084565',
          phone: '13812345678',
          smsConsent: true,
        },
        { role: 'respondent', kind: 'person', name: '冯国强' },
      ],
    });
    const submitted = await services.caseWorkflow.apply(mediator, row.id, {
      type: 'SUBMIT',
      expectedVersion: row.version,
    });
    await services.caseWorkflow.apply(mediator, row.id, {
      type: 'ACCEPT',
      track: 'people',
      level: 'community',
      expectedVersion: submitted.version,
    });

    const ui = await UiSession.open(browser, app.baseUrl, phone, 'i20-sms-consent');
    const page = ui.page;
    try {
      await ui.signIn('mediator');
      await ui.goto(`/cases/${row.id}`, 'case');
      const panel = page.locator('#sms-consent');
      expect(await panel.locator('tr', { hasText: '周美玲' }).textContent()).toContain('已同意');
      await ui.submit(() => panel.getByRole('button', { name: '记录撤回同意：周美玲' }).click(), 'withdrawn');
      expect(await panel.locator('tr', { hasText: '周美玲' }).textContent()).toContain('已撤回');
      expect(await panel.getByRole('button', { name: '记录同意接收：周美玲' }).count()).toBe(1);
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }

    // the worker, run now: the acceptance SMS queued before the withdrawal is withheld
    const worker = await startTestWorker(app.testApp);
    try {
      await worker.drainNow();
    } finally {
      await worker.stop();
    }
    const admin = await UiSession.open(browser, app.baseUrl, phone, 'i20-outbox-withheld');
    try {
      await admin.signIn('admin');
      await admin.goto('/admin/outbox', 'outbox');
      const withheld = admin.page.locator('#withheld');
      const text = (await withheld.textContent()) ?? '';
      expect(text).toContain(row.number);
      // an admin may not see the case: its party by role only, neither name nor number
      expect(text).toContain('申请人');
      expect(text).not.toContain('138****5678');
      expect(text).not.toContain('13812345678');
      expect(admin.problems).toEqual([]);
    } finally {
      await admin.close();
    }
  });

  it('the agent’s petition form asks each petitioner’s consent, with what it means, and the language', async () => {
    const ui = await UiSession.open(browser, app.baseUrl, phone, 'i20-petition-consent');
    const page = ui.page;
    try {
      await ui.signIn('agent');
      await ui.goto('/petitions/new', 'petition-form');
      const boxes = page.getByRole('checkbox', { name: '同意接收短信通知' });
      expect(await boxes.count()).toBe(3);
      expect(await boxes.first().isChecked()).toBe(false);
      expect(await page.locator('#petitioner-0-sms-hint').textContent()).toContain('可随时告知本单位撤回');
      // the page fits the phone: nothing wider than the screen
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        phone.width,
      );
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
