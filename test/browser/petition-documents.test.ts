import type { Browser, Locator } from 'playwright-core';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { demoPassword } from '../../src/demo/demo-accounts';
import { Unit } from '../../src/units/unit.entity';
import { createUser } from '../support/auth';
import { desktop, launchChromium, type RunningApp, startBrowserTestApp, UiSession } from '../support/browser';

jest.setTimeout(300_000);

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Opens one of the petition page's event forms (its <details>), lets `fill` fill it, and submits it. */
async function act(ui: UiSession, label: string, shot: string, fill?: (form: Locator) => Promise<void>) {
  const details = ui.page.locator('details', {
    has: ui.page.locator('summary', { hasText: new RegExp(`^${label}$`) }),
  });
  await details.locator('summary').click();
  const form = details.locator('form');
  if (fill) await fill(form);
  await ui.submit(() => form.getByRole('button', { name: label, exact: true }).click(), shot);
  // the saved flash (after ACCEPT the party access panel shows the new lookup code in its own status box)
  expect(await text(ui.page.locator('p.flash[role="status"]'))).toContain('已保存');
}

/** Follows the petition page's link to one of its documents (axe, screenshot) and answers its text. */
async function openDocument(ui: UiSession, title: string, shot: string): Promise<string> {
  await ui.submit(
    () => ui.page.locator('#documents').getByRole('link', { name: title, exact: true }).click(),
    shot,
  );
  expect(new URL(ui.page.url()).pathname).toMatch(/^\/petitions\/[0-9a-f-]{36}\/documents\/[a-z-]+$/);
  expect(await text(ui.page.locator('article.document h1'))).toBe(title);
  return text(ui.page.locator('article.document'));
}

/** Back from a document to its petition, by the document's own link. */
async function backToPetition(ui: UiSession, shot: string) {
  await ui.submit(() => ui.page.getByRole('link', { name: '← 返回信访件' }).click(), shot);
}

/** The petition agent of 莘松居委工作站 registers a petition (a claim) through the form. */
async function register(ui: UiSession, subject: string): Promise<string> {
  await ui.goto('/petitions/new', 'register-form');
  await ui.page.getByLabel('信访事项').fill(subject);
  await ui.page.getByLabel('信访内容').fill('信访人称征收补偿款被村集体截留，多次反映未获答复。');
  await ui.page.getByLabel('信访人姓名').first().fill('陈建国');
  await ui.page.getByLabel('身份证号').first().fill('310112198503152015');
  await ui.page.getByLabel('电话').first().fill('13812345678');
  await ui.submit(() => ui.page.getByRole('button', { name: '登记', exact: true }).click(), 'registered');
  const petitionPath = new URL(ui.page.url()).pathname;
  expect(petitionPath).toMatch(/^\/petitions\/[0-9a-f-]{36}$/);
  return petitionPath;
}

describe('in the browser: a petition’s documents at each step of 信访工作条例 (2022)', () => {
  let app: RunningApp;
  let browser: Browser;
  let people: Record<'agent' | 'streetSupervisor' | 'districtSupervisor' | 'otherAgent', string>;

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startBrowserTestApp({ startAt: new Date('2026-12-03T10:00:00+08:00') }),
      launchChromium(),
    ]);
    // people of their own, at three levels (the demo accounts' passwords are newer than the
    // test's pinned day): the petition starts at the workstation, two levels below the district,
    // so that its review (莘庄镇) and its recheck (the district centre) stay in the system
    const units = app.testApp.db.getRepository(Unit);
    const person = async (code: string, role: 'petition_agent' | 'supervisor', displayName: string) => {
      const unit = await units.findOneByOrFail({ code });
      return (
        await createUser(app.testApp.db, { role, unitId: unit.id, password: demoPassword, displayName })
      ).username;
    };
    people = {
      agent: await person('MH-XZ-XS', 'petition_agent', '莘松信访代理员 孙兰'),
      streetSupervisor: await person('MH-XZ', 'supervisor', '莘庄镇督查 周伟'),
      districtSupervisor: await person('MH', 'supervisor', '区督查 钱敏'),
      otherAgent: await person('MH-XZ', 'petition_agent', '莘庄镇信访代理员 郑洁'),
    };
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('accepted (§22, §23, §31, §34), replied (§35: 30 days to ask 莘庄镇), reviewed (§36: 30 days to ask the district), rechecked (§36: final): every document printed, numbers in full only for the deciding supervisors, each such print audited', async () => {
    const agent = await UiSession.open(browser, app.baseUrl, desktop, 'petition-docs-agent');
    const street = await UiSession.open(browser, app.baseUrl, desktop, 'petition-docs-street');
    const district = await UiSession.open(browser, app.baseUrl, desktop, 'petition-docs-district');
    const subject = '征收补偿款被截留';
    try {
      await agent.signIn(people.agent);
      const petitionPath = await register(agent, subject);
      // nothing issued yet: no documents on the page
      await expect(agent.page.locator('#documents').count()).resolves.toBe(0);

      // 莘庄镇's supervisor accepts for the workstation: the acceptance notice
      await street.signIn(people.streetSupervisor);
      await street.goto(petitionPath, 'petition');
      await act(street, '受理', 'accepted');
      const acceptance = await openDocument(street, '信访事项受理告知书', 'acceptance-notice');
      for (const expected of [
        '信访件编号：MH-XF-2026-',
        '陈建国：',
        '身份证号：310112198503152015',
        '联系电话：13812345678',
        `你（们）于2026年12月3日提出的信访事项“${subject}”，本机关（单位）已于2026年12月3日决定受理。`,
        '该信访事项属于申诉求决类事项（信访工作条例 第三十一条）。',
        '本机关（单位）将自受理之日起60日内，即于2027年2月1日前办结',
        '延长期限不得超过30日',
        '（信访工作条例 第三十四条）',
        '信访事项查询码',
        '查询码已在受理时告知信访人',
        '自收到信访事项之日起15日内书面告知信访人（信访工作条例 第二十二条、第二十三条）',
        '莘松居委工作站（盖章）2026年12月3日',
      ]) {
        expect(acceptance).toContain(expected);
      }
      await backToPetition(street, 'petition-accepted');

      // the reply: the handling opinion names the body one level up and the 30 days (§35)
      const reply = '经核查，补偿款已按征收补偿协议发放至村集体账户，将督促村委会于十五日内分配到户。';
      await act(street, '出具答复意见', 'replied', (form) => form.getByLabel('处理意见').fill(reply));
      const handling = await openDocument(street, '信访事项处理意见书', 'handling-opinion');
      for (const expected of [
        '身份证号：310112198503152015',
        `你（们）于2026年12月3日提出的信访事项“${subject}”，本机关（单位）已于2026年12月3日受理。`,
        `处理意见 ${reply}`,
        '如对本处理意见不服，可以自收到本意见书之日起30日内，向莘庄镇请求复查（信访工作条例 第三十五条）。',
        '莘松居委工作站（盖章）2026年12月3日',
        '送达日期：2026年12月3日',
      ]) {
        expect(handling).toContain(expected);
      }

      // the agent asks for the review; on the agent's print the petitioner's numbers stay masked
      await agent.goto(petitionPath, 'petition-replied');
      await act(agent, '申请复查', 'review-requested');
      const agentsCopy = await openDocument(agent, '信访事项处理意见书', 'handling-opinion-masked');
      expect(agentsCopy).toContain('身份证号：310***********2015');
      expect(agentsCopy).not.toContain('310112198503152015');
      expect(agentsCopy).not.toContain('13812345678');

      // 莘庄镇 decides the review: the recheck goes to the district centre within 30 days (§36)
      await street.goto(petitionPath, 'petition-under-review');
      const reviewOpinion = '维持原处理意见。村委会应于十五日内将补偿款分配到户。';
      await act(street, '复查决定', 'reviewed', (form) => form.getByLabel('处理意见').fill(reviewOpinion));
      const review = await openDocument(street, '信访事项复查意见书', 'review-opinion');
      for (const expected of [
        `你（们）对莘松居委工作站于2026年12月3日就信访事项“${subject}”作出的信访处理意见不服，于2026年12月3日请求复查。`,
        `复查意见 ${reviewOpinion}`,
        '如对本复查意见不服，可以自收到本意见书之日起30日内，向闵行区联动中心请求复核（信访工作条例 第三十六条）。',
        '莘庄镇（盖章）2026年12月3日',
      ]) {
        expect(review).toContain(expected);
      }

      // the agent asks for the recheck; the district centre decides it: final
      await agent.goto(petitionPath, 'petition-reviewed');
      await act(agent, '申请复核', 'recheck-requested');
      await district.signIn(people.districtSupervisor);
      await district.goto(petitionPath, 'petition-under-recheck');
      const recheckOpinion = '同意复查意见。';
      await act(district, '复核决定', 'rechecked', (form) =>
        form.getByLabel('处理意见').fill(recheckOpinion),
      );
      await expect(district.page.locator('#documents li').allTextContents()).resolves.toEqual([
        '信访事项受理告知书',
        '信访事项处理意见书',
        '信访事项复查意见书',
        '信访事项复核意见书',
      ]);
      const recheck = await openDocument(district, '信访事项复核意见书', 'recheck-opinion');
      for (const expected of [
        '身份证号：310112198503152015',
        `你（们）对莘庄镇于2026年12月3日就信访事项“${subject}”作出的复查意见不服，于2026年12月3日请求复核。`,
        `复核意见 ${recheckOpinion}`,
        '本复核意见为最终意见。信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理（信访工作条例 第三十六条）。',
        '闵行区联动中心（盖章）',
      ]) {
        expect(recheck).toContain(expected);
      }
      expect(recheck).not.toContain('请求复查');

      // every print with the numbers in full is on the audit log, naming the document; the agent's is not
      const petitionId = petitionPath.split('/').pop();
      const printed = await app.testApp.db.getRepository(AuditEntry).find({
        where: { action: 'petition.document_printed', targetId: petitionId },
        order: { id: 'ASC' },
      });
      expect(printed.map((entry) => [entry.actorUsername, entry.details.document])).toEqual([
        [people.streetSupervisor, 'acceptance'],
        [people.streetSupervisor, 'reply'],
        [people.streetSupervisor, 'review'],
        [people.districtSupervisor, 'recheck'],
      ]);
      expect(printed.every((entry) => (entry.details.parties as string[]).length === 1)).toBe(true);

      for (const ui of [agent, street, district]) expect(ui.problems).toEqual([]);
    } finally {
      await Promise.all([agent.close(), street.close(), district.close()]);
    }
  });

  it('a petition not accepted: its 不予受理告知书 gives the reason and where to go instead (§23, §31), and nothing else is printable', async () => {
    const agent = await UiSession.open(browser, app.baseUrl, desktop, 'petition-docs-refused-agent');
    const street = await UiSession.open(browser, app.baseUrl, desktop, 'petition-docs-refused-street');
    const subject = '要求撤销劳动合同解除决定';
    try {
      await agent.signIn(people.agent);
      const petitionPath = await register(agent, subject);
      await street.signIn(people.streetSupervisor);
      await street.goto(petitionPath, 'petition');
      const reason = '该事项属于劳动争议，依法应当通过劳动争议仲裁解决。';
      await act(street, '不予受理', 'declined', (form) => form.getByLabel('理由').fill(reason));
      await expect(street.page.locator('#documents li').allTextContents()).resolves.toEqual([
        '信访事项不予受理告知书',
      ]);
      const refusal = await openDocument(street, '信访事项不予受理告知书', 'refusal-notice');
      for (const expected of [
        `你（们）于2026年12月3日提出的信访事项“${subject}”，经审查，本机关（单位）于2026年12月3日决定不予受理。`,
        `不予受理的理由 ${reason}`,
        '请向有权处理的机关、单位提出',
        '可以依法向人民法院提起诉讼',
        '可以向劳动人事争议仲裁委员会或者仲裁机构申请仲裁',
        '可以依法申请行政复议',
        '依据：信访工作条例 第二十三条、第三十一条。',
        '莘松居委工作站（盖章）2026年12月3日',
      ]) {
        expect(refusal).toContain(expected);
      }

      // a document the petition never had is not there to print: 422 with the reason in words
      const acceptance = await street.page.goto(`${app.baseUrl}${petitionPath}/documents/acceptance-notice`);
      expect(acceptance?.status()).toBe(422);
      await street.checkPage('acceptance-notice-not-issued');
      expect(await text(street.page.locator('main'))).toContain(
        '该信访件尚未作出此项决定，暂无可打印的文书。',
      );
      expect(street.problems).toEqual([`422 for ${petitionPath}/documents/acceptance-notice`]);
      expect(agent.problems).toEqual([]);
    } finally {
      await Promise.all([agent.close(), street.close()]);
    }
  });

  it('someone who may not see the petition (another agent, who does not follow it) gets 404 for its documents, as for the petition', async () => {
    const owner = await UiSession.open(browser, app.baseUrl, desktop, 'petition-docs-owner');
    const street = await UiSession.open(browser, app.baseUrl, desktop, 'petition-docs-owner-street');
    const other = await UiSession.open(browser, app.baseUrl, desktop, 'petition-docs-other-agent');
    try {
      await owner.signIn(people.agent);
      const petitionPath = await register(owner, '小区消防通道被占用');
      await street.signIn(people.streetSupervisor);
      await street.goto(petitionPath, 'petition');
      await act(street, '受理', 'accepted');
      // the agent who follows it prints it …
      await owner.goto(petitionPath, 'petition-accepted');
      expect(await openDocument(owner, '信访事项受理告知书', 'acceptance-notice')).toContain(
        '小区消防通道被占用',
      );

      // … another agent of the district does not even learn that it exists
      await other.signIn(people.otherAgent);
      const response = await other.page.goto(`${app.baseUrl}${petitionPath}/documents/acceptance-notice`);
      expect(response?.status()).toBe(404);
      await other.checkPage('document-not-found');
      expect(await text(other.page.locator('main'))).not.toContain('小区消防通道被占用');
      expect(other.problems).toEqual([`404 for ${petitionPath}/documents/acceptance-notice`]);
      const printed = await app.testApp.db.getRepository(AuditEntry).count({
        where: { action: 'petition.document_printed', actorUsername: people.otherAgent },
      });
      expect(printed).toBe(0);
      expect(owner.problems).toEqual([]);
      expect(street.problems).toEqual([]);
    } finally {
      await Promise.all([owner.close(), street.close(), other.close()]);
    }
  });
});
