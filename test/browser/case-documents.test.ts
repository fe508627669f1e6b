import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { desktop, launchChromium, type RunningApp, UiSession } from '../support/browser';
import { actorNamed, send } from '../support/case-steps';
import { createCase } from '../support/factories';
import { startTestApp } from '../support/test-app';

jest.setTimeout(240_000);

/**
 * Issue 20, item 3: every document of the procedure, printed from the case page in real Chromium —
 * axe-checked and photographed (screen and print media) like every page the browser tests visit.
 */

const applicantId = '310112198503152015';
const respondentId = '310112199001011233';

/** The demo app with its clock pinned on 3 December 2026 (the documents' dates read against it). */
async function startPinnedApp(): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-browser-docs-'));
  const testApp = await startTestApp(
    { demoMode: true, dataDir },
    { startAt: new Date('2026-12-03T10:00:00+08:00') },
  );
  await seedDemoOrganisation(testApp.db);
  // the demo passwords were set by the machine's clock: not after the test's pinned day
  await testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
  const server = http.createServer(testApp.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    testApp,
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await testApp.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function openAction(ui: UiSession, key: string): Promise<Locator> {
  const action = ui.page.locator(`#action-${key}`);
  await expect(action.count()).resolves.toBe(1);
  const details = action.locator('details');
  if ((await details.count()) > 0 && (await details.getAttribute('open')) === null) {
    await action.locator('summary').click();
  }
  return action;
}

/** Opens a document from the case page's documents panel, checks it, photographs it for print too, and comes back. */
async function openDocument(ui: UiSession, link: Locator, label: string): Promise<string> {
  await ui.submit(() => link.click(), label);
  const text = (await ui.page.locator('main').textContent()) ?? '';
  await ui.page.emulateMedia({ media: 'print' });
  await ui.screenshot(`${label}-print-media`);
  await ui.page.emulateMedia({ media: 'screen' });
  await ui.submit(() => ui.page.getByRole('link', { name: '返回案件' }).click(), `${label}-back`);
  return text;
}

describe('in the browser: the documents of a case, from acceptance to the case file', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startPinnedApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('受理通知书 (人民调解法 第十七条、第二十三条), 调解笔录 (第二十七条), 人民调解协议书, 回访记录 (第三十一条), 送达回证 (参照 民事诉讼法 第八十七条), 卷宗封面 and 卷内目录 (第二十七条) of a case walked through to closure', async () => {
    const mediator = await actorNamed(app.testApp.services, app.testApp.db, 'mediator');
    const row = await createCase(app.testApp.services, mediator.id, {
      title: '楼上卫生间漏水损坏楼下吊顶',
      parties: [
        {
          role: 'applicant',
          kind: 'person',
          name: '陈文静',
          idNumber: applicantId,
          phone: '13812345678',
          address: '上海市闵行区莘松路 1 号 302 室',
        },
        { role: 'respondent', kind: 'person', name: '刘海', idNumber: respondentId, phone: '13900001111' },
      ],
    });
    const ui = await UiSession.open(browser, app.baseUrl, desktop, 'case-documents');
    const page = ui.page;
    try {
      await ui.signIn('mediator');
      await ui.goto(`/cases/${row.id}`, 'registered');
      const panel = page.locator('#documents');
      await expect(panel.textContent()).resolves.toContain('本案尚无受理、调解或回访文书');

      await ui.submit(() => page.locator('#action-SUBMIT button').click(), 'submitted');
      const accept = await openAction(ui, 'ACCEPT-people');
      await ui.submit(() => accept.getByRole('button', { name: '受理：人民调解' }).click(), 'accepted');
      const assign = await openAction(ui, 'ASSIGN');
      await assign.getByLabel('调解员').selectOption({ label: '莘松调解员 张丽' });
      await ui.submit(() => assign.getByRole('button', { name: '分派调解员' }).click(), 'assigned');

      const session = await openAction(ui, 'LOG_SESSION');
      await session.getByLabel('时间').fill('2026-12-01T14:00');
      await session.getByLabel('地点').fill('莘松居委调解室');
      await session.getByLabel('参加人员').fill('陈文静、刘海、调解员张丽');
      await session.getByLabel('调解记录').fill('双方到场。刘海承认卫生间防水失效，同意承担吊顶修复费用。');
      await ui.submit(() => session.getByRole('button', { name: '调解记录' }).click(), 'session-logged');

      await page.locator('#attachments summary').click();
      await page.locator('#attachment-file').setInputFiles({
        name: '吊顶照片说明.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('吊顶受损照片三张的说明。'),
      });
      await page.locator('#attachment-description').fill('现场照片说明');
      await ui.submit(
        () => page.locator('#attachments form button[type="submit"]').click(),
        'attachment-added',
      );

      const agreement = await openAction(ui, 'REACH_AGREEMENT');
      await agreement.getByLabel('书面协议').check();
      await agreement.getByLabel('协议内容').fill('刘海于 2026 年 12 月 20 日前支付吊顶修复费 2,800 元。');
      await agreement.getByLabel('履行期限').fill('2026-12-20');
      await ui.submit(() => agreement.getByRole('button', { name: '达成调解协议' }).click(), 'agreement');

      const followUp = await openAction(ui, 'RECORD_FOLLOW_UP');
      await followUp.getByLabel('回访时间').fill('2026-12-03T09:00');
      await followUp.getByLabel('履行情况').selectOption({ label: '已全部履行' });
      await followUp.getByLabel('说明').fill('已付清 2,800 元，吊顶已修复，双方满意。');
      await ui.submit(() => followUp.getByRole('button', { name: '回访' }).click(), 'followed-up');

      const fulfilled = await openAction(ui, 'FULFILLED');
      await ui.submit(() => fulfilled.getByRole('button', { name: '履行完毕' }).click(), 'closed');

      // the panel lists each document with its proof of service where it is served
      const links = panel.getByRole('link');
      await expect(panel.getByRole('link', { name: '送达回证：受理通知书' }).count()).resolves.toBe(1);
      await expect(panel.getByRole('link', { name: '送达回证：人民调解协议书' }).count()).resolves.toBe(1);

      const notice = await openDocument(ui, links.filter({ hasText: /^受理通知书$/ }), 'acceptance-notice');
      expect(notice).toContain('莘松居委工作站人民调解委员会');
      expect(notice).toContain('陈文静与刘海之间的邻里纠纷');
      expect(notice).toMatch(/受理人\s*莘松调解员 张丽/);
      expect(notice).toContain('人民调解工作若干规定 第三十三条');
      expect(notice).toContain('选择或者接受人民调解员');
      expect(notice).toContain('人民调解法 第二十三条');
      expect(notice).toContain('人民调解法 第二十四条'); // the parties' duties beside their rights
      // served on both sides (个人信息保护法 §6): the applicant's number masked, no phone or address
      expect(notice).not.toContain(applicantId);
      expect(notice).toContain('310***********2015');
      expect(notice).toContain('查询码已在受理时发给当事人');

      const receipt = await openDocument(
        ui,
        panel.getByRole('link', { name: '送达回证：受理通知书' }),
        'acceptance-receipt',
      );
      expect(receipt).toContain('送达回证');
      expect(receipt).toContain('受送达人');
      expect(receipt).toContain('申请人：陈文静');
      expect(receipt).toContain('被申请人：刘海');
      expect(receipt).toContain('直接送达');
      expect(receipt).toContain('参照 民事诉讼法 第八十七条');

      const minutes = await openDocument(ui, links.filter({ hasText: /^调解笔录$/ }), 'session-record');
      expect(minutes).toContain('2026年12月1日 14:00');
      expect(minutes).toContain('莘松居委调解室');
      expect(minutes).toContain('陈文静、刘海、调解员张丽');
      expect(minutes).toContain('刘海承认卫生间防水失效');
      expect(minutes).toContain('记录人（签名）');
      expect(minutes).toContain('人民调解法 第二十七条');

      const agreementText = await openDocument(
        ui,
        links.filter({ hasText: /^人民调解协议书$/ }),
        'agreement',
      );
      expect(agreementText).toContain('刘海于 2026 年 12 月 20 日前支付吊顶修复费 2,800 元。');

      await openDocument(
        ui,
        panel.getByRole('link', { name: '送达回证：人民调解协议书' }),
        'agreement-receipt',
      );

      const visit = await openDocument(ui, links.filter({ hasText: /^回访记录$/ }), 'follow-up-record');
      expect(visit).toContain('已全部履行');
      expect(visit).toContain('已付清 2,800 元，吊顶已修复，双方满意。');
      expect(visit).toContain('人民调解法 第三十一条');

      const cover = await openDocument(
        ui,
        panel.getByRole('link', { name: '人民调解卷宗' }),
        'case-file-cover',
      );
      expect(cover).toContain(row.number);
      expect(cover).toContain('楼上卫生间漏水损坏楼下吊顶');
      expect(cover).toContain('调解成功（履行完毕）');
      expect(cover).toContain('2026年12月3日'); // closed on the pinned day
      expect(cover).toContain('莘松调解员 张丽');
      expect(cover).toContain('保管期限');
      expect(cover).not.toContain(applicantId); // names only on the cover

      const contents = await openDocument(
        ui,
        panel.getByRole('link', { name: '卷内目录' }),
        'case-file-contents',
      );
      const order = [
        '调解申请登记',
        '受理通知书',
        '调解笔录',
        '吊顶照片说明.txt',
        '人民调解协议书',
        '回访记录',
      ].map((name) => contents.indexOf(name));
      expect(order.every((index) => index >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(contents).toContain('现场照片说明');

      const [{ count }] = await app.testApp.db.query(
        `SELECT count(*)::int AS count FROM audit_log WHERE action = 'case.document_printed' AND target_id = $1`,
        [row.id],
      );
      expect(count).toBe(4); // the notice's receipt, the session record, the follow-up record, the agreement's receipt (a notice shows no full number)
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }
  });

  it('不予受理告知书 (人民调解工作若干规定 第二十二条、第二十三条) of a declined case, with its proof of service', async () => {
    const mediator = await actorNamed(app.testApp.services, app.testApp.db, 'mediator');
    const registered = await createCase(app.testApp.services, mediator.id, {
      title: '邻居饲养宠物噪音纠纷',
      parties: [
        { role: 'applicant', kind: 'person', name: '王小梅', idNumber: '310112197808084565' },
        { role: 'respondent', kind: 'person', name: '赵强' },
      ],
    });
    const row = await send(
      app.testApp.services,
      mediator,
      registered,
      { type: 'SUBMIT' },
      { type: 'DECLINE', reason: '该纠纷已由派出所受理处理。' },
    );
    const ui = await UiSession.open(browser, app.baseUrl, desktop, 'case-documents-declined');
    try {
      await ui.signIn('mediator');
      await ui.goto(`/cases/${row.id}`, 'declined');
      const panel = ui.page.locator('#documents');
      const notice = await openDocument(
        ui,
        panel.getByRole('link').filter({ hasText: /^不予受理告知书$/ }),
        'refusal-notice',
      );
      expect(notice).toContain('不予受理告知书');
      expect(notice).toContain('该纠纷已由派出所受理处理。');
      expect(notice).toContain('向有关机关申请处理或者向人民法院提起诉讼');
      expect(notice).toContain('人民调解工作若干规定 第二十二条、第二十三条');
      await openDocument(
        ui,
        panel.getByRole('link', { name: '送达回证：不予受理告知书' }),
        'refusal-receipt',
      );
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
