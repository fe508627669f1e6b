import { expect } from '@jest/globals';
import type { Browser, Locator } from 'playwright-core';
import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { apiToken } from '../support/auth';
import type { RunningApp, Viewport } from '../support/browser';
import { UiSession } from '../support/browser';

/**
 * The journeys of issue 6's "Done when": the petition agent in the field (phone first),
 * the supervisor's review of hand-offs into their subtree, and the statistics page.
 * Every page loaded goes through UiSession: axe-core (no serious or critical
 * violation), CSP violations and console errors, 4xx/5xx, a screenshot.
 */

/** A Shanghai calendar date `offsetDays` from today, as `YYYY-MM-DD`. */
function shanghaiDate(offsetDays = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );
}

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** The main navigation's link to a page; on a phone the links are under the header's menu button, opened first. */
const navLink = (ui: UiSession, name: string) => ({
  async click() {
    const menu = ui.page.locator('header label.nav-menu-button');
    if (await menu.isVisible()) await menu.click();
    await ui.page
      .getByRole('navigation', { name: '主导航' })
      .getByRole('link', { name, exact: true })
      .click();
  },
});

/**
 * `agent` on a phone: registers a petition, logs a visit from the field in well under a
 * minute, and takes the petitioner's civil claim to mediation as a NEW dispute case
 * (诉访分离); the petition page then shows the linked case (in screening) and the visit.
 */
export async function agentLogsAVisitAndOpensACase(browser: Browser, app: RunningApp, viewport: Viewport) {
  const ui = await UiSession.open(browser, app.baseUrl, viewport, 'c-petition');
  const page = ui.page;
  const subject = `反映小区物业拒不退还装修押金 ${viewport.name}`;
  try {
    await ui.signIn('agent');
    await ui.submit(() => navLink(ui, '信访件').click(), 'my-petitions');
    await expect(text(page.locator('h1'))).resolves.toBe('信访件');

    await ui.submit(() => page.getByRole('button', { name: '登记信访' }).click(), 'register-form');
    await page.getByLabel('信访事项').fill(subject);
    await page
      .getByLabel('信访内容')
      .fill('信访人称装修完工已满一年，物业公司以“外墙有损”为由拒不退还 5,000 元装修押金，多次交涉无果。');
    await page.getByLabel('信访人姓名').first().fill('赵秀英');
    await page.getByLabel('身份证号').first().fill('310112196503104321');
    await page.getByLabel('电话').first().fill('13700001234');
    await ui.submit(() => page.getByRole('button', { name: '登记', exact: true }).click(), 'registered');
    const petitionPath = new URL(page.url()).pathname;
    expect(petitionPath).toMatch(/^\/petitions\/[0-9a-f-]{36}$/);
    await expect(text(page.locator('hgroup mark.state'))).resolves.toBe('待受理');
    await expect(text(page.locator('section[aria-labelledby="clocks-title"]'))).resolves.toContain(
      '受理告知期限',
    );
    await expect(text(page.locator('#visits'))).resolves.toContain('尚无走访记录。');

    // log a visit: everything the agent brings back from the field, in under a minute
    const visitStarted = Date.now();
    await ui.submit(() => page.getByRole('button', { name: '记录走访' }).click(), 'visit-form');
    const nextVisitOn = shanghaiDate(7);
    const [year, month, day] = nextVisitOn.split('-').map(Number);
    const nextVisitText = `${year}年${month}月${day}日`;
    await page.getByLabel('走访时间').fill(`${shanghaiDate()}T09:30`);
    await page.getByLabel('地点').fill('莘庄镇某小区信访人家中');
    await page.getByLabel('接谈对象').fill('赵秀英及其丈夫');
    await page
      .getByLabel('谈话内容')
      .fill('信访人出示押金收据和物业验收单，称外墙并无损坏，物业拒绝书面说明扣押理由。');
    await page.getByLabel('诉求').fill('退还 5,000 元装修押金');
    await page.getByLabel('情绪').selectOption('anxious');
    await page.getByLabel('风险').selectOption('medium');
    await page.getByLabel('承诺事项').fill('一周内约物业公司到居委会面谈，并将民事部分转入人民调解。');
    await page.getByLabel('下次走访').fill(nextVisitOn);
    await ui.submit(() => page.getByRole('button', { name: '保存走访记录' }).click(), 'visit-logged');
    const visitSeconds = (Date.now() - visitStarted) / 1000;
    expect(visitSeconds).toBeLessThan(60);
    expect(new URL(page.url()).pathname).toBe(petitionPath);
    await expect(page.getByRole('status').textContent()).resolves.toContain('已保存');
    const visit = page.locator('#visits article.visit');
    await expect(visit.count()).resolves.toBe(1);
    const visitText = await text(visit);
    for (const expected of [
      '莘庄镇某小区信访人家中',
      '接谈对象：赵秀英及其丈夫',
      '物业拒绝书面说明扣押理由',
      '诉求：退还 5,000 元装修押金',
      '承诺事项：一周内约物业公司到居委会面谈',
      '情绪：焦虑',
      '风险：中',
      `下次走访：${nextVisitText}`,
    ]) {
      expect(visitText).toContain(expected);
    }

    // 诉访分离: the civil claim goes to mediation as a new case, opened in screening
    await ui.submit(() => page.getByRole('button', { name: '转入调解（关联案件）' }).click(), 'link-form');
    await expect(page.getByLabel('案件标题').inputValue()).resolves.toBe(subject);
    await page.getByLabel('纠纷类型').selectOption('property_management');
    await page.getByLabel('案件标题').fill('物业公司拒不退还装修押金');
    await page.getByRole('textbox', { name: '申请人', exact: true }).fill('赵秀英');
    await page.getByRole('textbox', { name: '被申请人', exact: true }).fill('上海某物业管理有限公司');
    await page.getByLabel('被申请人是单位').check();
    await ui.submit(
      () => page.locator('form').getByRole('button', { name: '转入调解（关联案件）' }).click(),
      'case-linked',
    );
    expect(new URL(page.url()).pathname).toBe(petitionPath);
    const linked = page.locator('section[aria-labelledby="cases-title"]');
    const linkedText = await text(linked);
    expect(linkedText).toMatch(/MH-\d{4}-\d{6}/);
    expect(linkedText).toContain('物业公司拒不退还装修押金');
    expect(linkedText).toContain('受理审查');
    await expect(text(page.locator('#visits article.visit'))).resolves.toContain('莘庄镇某小区信访人家中');
    await expect(text(page.locator('#visits'))).resolves.toContain(`下次走访：${nextVisitText}`);

    // the list shows the petition with its clock and the next planned visit
    await ui.submit(() => page.getByRole('link', { name: '← 信访件' }).click(), 'my-petitions-after');
    const card = page.locator('article.petition-card', { hasText: subject });
    await expect(card.count()).resolves.toBe(1);
    await expect(text(card)).resolves.toContain(`下次走访：${nextVisitText}`);

    // the linked case, read-only for the agent
    await ui.submit(() => card.getByRole('link').click(), 'petition-again');
    await ui.submit(() => linked.getByRole('link', { name: /MH-/ }).click(), 'linked-case');
    expect(new URL(page.url()).pathname).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
    await expect(text(page.locator('h1'))).resolves.toContain('物业公司拒不退还装修押金');

    expect(ui.problems).toEqual([]);
    return { visited: ui.visited, visitSeconds };
  } finally {
    await ui.close();
  }
}

/**
 * Two hand-offs up to 莘庄镇 prepared through the API by `mediator` (莘松居委工作站):
 * register, SUBMIT, ACCEPT (people, community), ASSIGN, ESCALATE with a reason code.
 */
async function twoEscalationsIntoXinzhuang(app: RunningApp) {
  const http = app.testApp.app;
  const token = await apiToken(http, 'mediator', demoPassword);
  const as = { Authorization: `Bearer ${token}` };
  async function send(caseId: string, event: Record<string, unknown>) {
    const current = await request(http).get(`/api/v1/cases/${caseId}`).set(as);
    const response = await request(http)
      .post(`/api/v1/cases/${caseId}/events`)
      .set(as)
      .send({ expectedVersion: current.body.version, ...event });
    if (response.status !== 200)
      throw new Error(`${String(event.type)} failed: ${response.status} ${response.text}`);
    return response.body;
  }
  async function escalated(
    title: string,
    parties: [string, string],
    reasonCode: string,
    reason: string,
    withSession: boolean,
  ) {
    const registered = await request(http)
      .post('/api/v1/cases')
      .set(as)
      .send({
        type: 'neighbourhood',
        title,
        description: `${title}，双方多次争执。`,
        source: 'walk_in',
        parties: [
          { role: 'applicant', kind: 'person', name: parties[0] },
          { role: 'respondent', kind: 'person', name: parties[1] },
        ],
      });
    if (registered.status !== 201)
      throw new Error(`register failed: ${registered.status} ${registered.text}`);
    const id: string = registered.body.id;
    await send(id, { type: 'SUBMIT' });
    await send(id, { type: 'ACCEPT', track: 'people', level: 'community' });
    await send(id, { type: 'ASSIGN', mediatorUsername: 'mediator' });
    if (withSession)
      await send(id, {
        type: 'LOG_SESSION',
        kind: 'session',
        heldAt: `${shanghaiDate()}T10:00:00+08:00`,
        minutes: '双方到场，各执一词，未达成一致。',
      });
    const after = await send(id, { type: 'ESCALATE', reasonCode, reason });
    expect(after).toMatchObject({ state: 'mediation.awaitingMediator', level: 'street' });
    return { id, number: registered.body.number as string, title };
  }
  const justified = await escalated(
    '相邻两小区共用管道漏水',
    ['钱伟', '孙敏'],
    'cross_area',
    '漏水源头在相邻小区的共用管道，需镇里协调两个居委和物业公司。',
    true,
  );
  const pushedUp = await escalated(
    '楼道堆放杂物引发争吵',
    ['李娟', '周强'],
    'other',
    '当事人情绪激动，请镇里处理。',
    false,
  );
  return { justified, pushedUp };
}

/**
 * `supervisor.street` reviews the hand-offs into 莘庄镇: endorses one, questions the other
 * with a comment, and sees the questioned rate go from — to 50.0% (1/2). Then the
 * other supervision pages of the subtree: the overdue list and the audit chain check.
 */
export async function supervisorReviewsHandOffs(browser: Browser, app: RunningApp, viewport: Viewport) {
  const { justified, pushedUp } = await twoEscalationsIntoXinzhuang(app);

  const ui = await UiSession.open(browser, app.baseUrl, viewport, 'd-review');
  const page = ui.page;
  /** A rate as the page shows it: "50.0% (1/2)". */
  const rate = async (name: string) => {
    const card = page.locator('.rates article').filter({ has: page.locator('header', { hasText: name }) });
    return `${await text(card.locator('strong'))} ${await text(card.locator('small'))}`;
  };
  const handOff = (number: string) => page.locator('article.hand-off', { hasText: number });
  try {
    await ui.signIn('supervisor.street');
    await ui.submit(() => navLink(ui, '移交审核').click(), 'escalations');
    await expect(rate('被质疑率')).resolves.toBe('— (0/0)');
    await expect(rate('上报率')).resolves.toMatch(/^\d+\.\d% \(2\/\d+\)$/);
    await expect(page.locator('article.hand-off').count()).resolves.toBe(2);

    const first = handOff(justified.number);
    const firstText = await text(first);
    expect(firstText).toContain('上报 · 莘松居委工作站 → 莘庄镇');
    expect(firstText).toContain('跨区域');
    expect(firstText).toContain('需镇里协调两个居委和物业公司');
    expect(firstText).toContain('移交前：调解 1 次');
    expect(firstText).toContain('待审核');
    const second = handOff(pushedUp.number);
    const secondText = await text(second);
    expect(secondText).toContain('移交前：调解 0 次');
    expect(secondText).toContain('未开展调解');

    await first.getByLabel('审核意见').fill('跨两个居委，上报合理。');
    await ui.submit(() => first.getByRole('button', { name: '认可' }).click(), 'endorsed');
    await expect(page.getByRole('status').textContent()).resolves.toContain('已保存');
    await expect(rate('被质疑率')).resolves.toBe('0.0% (0/1)');
    await expect(handOff(justified.number).count()).resolves.toBe(0); // no longer pending

    // questioning needs a comment: without one the message shows at that hand-off's form,
    // what was typed is kept, and nothing is recorded
    const refusedForm = handOff(pushedUp.number);
    await refusedForm.getByLabel('审核意见').fill('   ');
    await ui.submit(() => refusedForm.getByRole('button', { name: '质疑' }).click(), 'question-refused');
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('请检查标出的字段');
    const comment = refusedForm.getByLabel('审核意见');
    await expect(comment.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(text(refusedForm.locator('.field-error'))).resolves.toBe('提出质疑时必须填写意见');
    await expect(rate('被质疑率')).resolves.toBe('0.0% (0/1)');
    // the refused form was answered 400 on purpose: that is not a problem of the page
    const refused = ui.problems.filter((problem) =>
      /^400 for \/escalations\/[0-9a-f-]{36}\/review$/.test(problem),
    );
    expect(refused).toHaveLength(1);
    ui.problems.splice(ui.problems.indexOf(refused[0]), 1);

    await comment.fill('未开展任何调解即上报，属矛盾上交，请居委先行调解。');
    await ui.submit(
      () => handOff(pushedUp.number).getByRole('button', { name: '质疑' }).click(),
      'questioned',
    );
    await expect(rate('被质疑率')).resolves.toBe('50.0% (1/2)');
    await expect(text(page.locator('main'))).resolves.toContain('没有符合条件的移交。');

    // the reviewed hand-offs, found again through the filters
    await page.getByLabel('审核状态').selectOption('questioned');
    await ui.submit(() => page.getByRole('button', { name: '搜索' }).click(), 'filter-questioned');
    expect(new URL(page.url()).searchParams.get('status')).toBe('questioned');
    await expect(page.locator('article.hand-off').count()).resolves.toBe(1);
    await expect(text(handOff(pushedUp.number))).resolves.toContain('审核意见：未开展任何调解即上报');
    await page.getByLabel('审核状态').selectOption('endorsed');
    await ui.submit(() => page.getByRole('button', { name: '搜索' }).click(), 'filter-endorsed');
    await expect(page.locator('article.hand-off').count()).resolves.toBe(1);
    await expect(text(handOff(justified.number))).resolves.toContain('已认可');
    await page.getByLabel('审核状态').selectOption({ label: '全部' });
    await ui.submit(() => page.getByRole('button', { name: '搜索' }).click(), 'filter-all');
    await expect(page.locator('article.hand-off').count()).resolves.toBe(2);

    // per unit: the workstation that handed off carries both rates
    await page.locator('details', { hasText: '各单位上报率与被质疑率' }).locator('summary').click();
    const workstation = page.locator('tr', { hasText: '莘松居委工作站' });
    await expect(text(workstation)).resolves.toContain('50.0% (1/2)');
    await ui.screenshot('rates-by-unit');
    const axeByUnit = await ui.axe();
    expect(axeByUnit).toEqual([]);

    // the other tools of the subtree
    await ui.submit(() => navLink(ui, '超期案件').click(), 'overdue');
    await expect(text(page.locator('h1'))).resolves.toBe('超期案件');
    await ui.submit(() => page.getByRole('link', { name: '审计链校验' }).first().click(), 'verify');
    await ui.submit(() => page.getByRole('button', { name: '校验全部案件' }).click(), 'verified');
    await expect(page.getByRole('status').textContent()).resolves.toMatch(
      /已校验 \d+ 件案件和信访件，审计链全部完好，记录与事件一致。/,
    );

    // one case's chain, from its page: with htmx the answer comes in under the button
    await ui.goto(`/cases/${justified.id}`, 'case-to-verify');
    const chainCheck = page.locator('#chain-check');
    await chainCheck.getByRole('button', { name: '校验本案审计链' }).click();
    await expect(text(chainCheck.getByRole('status'))).resolves.toMatch(
      /^本案审计链完好：\d+ 条事件逐一校验通过，记录与事件一致。$/,
    );
    expect(new URL(page.url()).pathname).toBe(`/cases/${justified.id}`);
    expect(await ui.duplicateIds()).toEqual([]);

    expect(ui.problems).toEqual([]);
    return ui.visited;
  } finally {
    await ui.close();
  }
}

/**
 * `supervisor` (the district) opens the statistics page: the figures table with every
 * figure, the four ECharts charts drawn, no console error; then narrows it by type and
 * downloads the table as CSV.
 */
export async function supervisorReadsTheStatistics(browser: Browser, app: RunningApp, viewport: Viewport) {
  const ui = await UiSession.open(browser, app.baseUrl, viewport, 'e-stats');
  const page = ui.page;
  const charts = ['#chart-monthly', '#chart-by-type', '#chart-by-level', '#chart-by-unit'];
  const chartsDrawn = async () => {
    for (const chart of charts) {
      await page.locator(`${chart}[data-rendered="true"]`).waitFor({ state: 'attached' });
      await expect(page.locator(`${chart} svg`).count()).resolves.toBe(1);
    }
  };
  const figureKeys = [
    'received',
    'handlingRate',
    'closureRate',
    'onTimeClosureRate',
    'mediationSuccessRate',
    'agreementFulfilmentRate',
    'lowestLevelResolutionRate',
    'escalationRate',
    'questionedEscalationRate',
    'overdueCount',
    'medianDaysToClose',
  ];
  try {
    await ui.signIn('supervisor');
    await Promise.all([page.waitForNavigation(), navLink(ui, '统计分析').click()]);
    await chartsDrawn(); // before axe and the screenshot, so both see the drawn charts
    await ui.checkPage('stats');
    await expect(
      page
        .locator('#figures tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-figure'))),
    ).resolves.toEqual(figureKeys);
    const received = Number(await text(page.locator('#figures tr[data-figure="received"] td').first()));
    expect(received).toBeGreaterThanOrEqual(0);
    const rateCells = page.locator('#figures tr[data-figure="escalationRate"] td');
    await expect(rateCells.count()).resolves.toBe(3);
    await expect(text(rateCells.nth(0))).resolves.toMatch(/^(—|\d+\.\d%)$/);

    const typeFilter = page.getByRole('combobox', { name: /^纠纷类型/ });
    await typeFilter.selectOption('neighbourhood');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '查询' }).click()]);
    await chartsDrawn();
    await ui.checkPage('stats-neighbourhood');
    expect(new URL(page.url()).searchParams.get('type')).toBe('neighbourhood');
    await expect(typeFilter.inputValue()).resolves.toBe('neighbourhood');

    const csvHref = await page.getByRole('link', { name: '导出 CSV' }).getAttribute('href');
    expect(csvHref).toContain('type=neighbourhood');
    const csv = await page.request.get(`${app.baseUrl}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('指标,数值,分子,分母');
    expect(lines).toHaveLength(1 + figureKeys.length);

    expect(ui.problems).toEqual([]);
    return ui.visited;
  } finally {
    await ui.close();
  }
}
