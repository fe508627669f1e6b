import { expect } from '@jest/globals';
import type { Browser, Locator } from 'playwright-core';
import { CaseWorkflowService } from '../../src/cases/case-workflow.service';
import type { RunningApp, Viewport } from '../support/browser';
import { UiSession } from '../support/browser';
import { createCase } from '../support/factories';

/**
 * The journeys of issue 5's "Done when", written once and run at a desk (1280×900)
 * and on a phone (390×844). Each step that loads a page goes through UiSession,
 * which runs axe-core on it, watches for CSP violations and dialogs, and saves a
 * screenshot.
 */

const xssProbe = '<img src=x onerror=alert("xss")>';

/** Opens an action's form (a <details>) on the case page and returns it. */
async function openAction(ui: UiSession, key: string): Promise<Locator> {
  const action = ui.page.locator(`#action-${key}`);
  await expect(action.count()).resolves.toBe(1);
  const details = action.locator('details');
  if ((await details.count()) > 0 && (await details.getAttribute('open')) === null) {
    await action.locator('summary').click();
  }
  return action;
}

async function headerState(ui: UiSession): Promise<string> {
  return ((await ui.page.locator('hgroup p .state').first().textContent()) ?? '').trim();
}

/**
 * (a) `mediator` registers a labour dispute with two parties, accepts it, logs a
 * session, records a written agreement, opens the printable agreement, records
 * fulfilment → closed / resolved.
 */
export async function labourDisputeFromIntakeToClosure(
  browser: Browser,
  app: RunningApp,
  viewport: Viewport,
) {
  const ui = await UiSession.open(browser, app.baseUrl, viewport, 'a-labour');
  const page = ui.page;
  try {
    await ui.signIn('mediator');
    await ui.submit(() => page.locator('.dashboard-tools a[href="/cases/new"]').click(), 'intake');

    await page.getByLabel('纠纷类型').selectOption('labour');
    await page.getByLabel('来源渠道').selectOption('walk_in');
    await page.getByLabel('标题').fill('某餐饮公司拖欠三名厨师工资');
    await page
      .getByLabel('纠纷事实和争议事项')
      .fill('三名厨师反映公司拖欠 2026 年 9 月、10 月工资共计 42,000 元。');
    await page.getByLabel('争议金额（元）').fill('42,000');
    await page.getByLabel('涉及人数').fill('3');
    const first = page.locator('fieldset.party').nth(0);
    await first.getByLabel(/^身份( \*)?$/).selectOption('applicant');
    await first.getByLabel('姓名 / 名称').fill('王建国');
    await first.getByLabel('身份证号（选填）').fill('310112198805011234');
    await first.getByLabel('联系电话（选填）').fill('13812345678');
    const second = page.locator('fieldset.party').nth(1);
    await second.getByLabel(/^身份( \*)?$/).selectOption('respondent');
    await second.getByLabel('类别').selectOption('organisation');
    await second.getByLabel('姓名 / 名称').fill('上海某餐饮管理有限公司');
    await second.getByLabel('住址 / 地址（选填）').fill('上海市闵行区莘庄镇某路 1 号');

    await ui.submit(() => page.getByRole('button', { name: '检查是否重复' }).click(), 'intake-checked');
    await expect(page.getByText('未发现可能重复的案件').isVisible()).resolves.toBe(true);
    // the check kept everything typed
    await expect(page.getByLabel('标题').inputValue()).resolves.toBe('某餐饮公司拖欠三名厨师工资');

    await ui.submit(
      () => page.locator('.form-actions').getByRole('button', { name: '登记' }).click(),
      'registered',
    );
    expect(new URL(page.url()).pathname).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
    await expect(headerState(ui)).resolves.toBe('已登记');
    await expect(page.locator('#parties').textContent()).resolves.toContain('310***********1234');

    await ui.submit(() => page.locator('#action-SUBMIT button').click(), 'submitted');
    await expect(headerState(ui)).resolves.toBe('受理审查');

    const accept = await openAction(ui, 'ACCEPT-people');
    await accept.getByLabel('调解层级').selectOption('community');
    await ui.submit(() => accept.getByRole('button', { name: '受理：人民调解' }).click(), 'accepted');
    await expect(headerState(ui)).resolves.toBe('待分派调解员');
    await expect(page.locator('#overview').textContent()).resolves.toContain('劳动争议调解仲裁法 第十四条');

    const assign = await openAction(ui, 'ASSIGN');
    await assign.getByLabel('调解员').selectOption({ label: '莘松调解员 张丽' });
    await ui.submit(() => assign.getByRole('button', { name: '分派调解员' }).click(), 'assigned');
    await expect(headerState(ui)).resolves.toBe('调解中');

    const session = await openAction(ui, 'LOG_SESSION');
    await session.getByLabel('时间').fill('2026-11-20T10:00');
    await session.getByLabel('地点').fill(`莘松居委调解室 ${xssProbe}`);
    await session.getByLabel('参加人员').fill('王建国、公司法定代表人李某、调解员张丽');
    await session.getByLabel('调解记录').fill('双方到场。公司承认欠薪，称资金周转困难，同意分两期支付。');
    await ui.submit(() => session.getByRole('button', { name: '调解记录' }).click(), 'session-logged');
    await expect(headerState(ui)).resolves.toBe('调解中');
    // the probe shows as text on the timeline and never ran (a dialog would be a problem below)
    await expect(page.locator('#timeline').textContent()).resolves.toContain(xssProbe);

    const agreement = await openAction(ui, 'REACH_AGREEMENT');
    await agreement.getByLabel('书面协议').check();
    await agreement
      .getByLabel('协议内容')
      .fill('公司于 2026 年 12 月 10 日前分两期支付全部拖欠工资 42,000 元。');
    await agreement.getByLabel('履行期限').fill('2026-12-10');
    await ui.submit(() => agreement.getByRole('button', { name: '达成调解协议' }).click(), 'agreement');
    await expect(headerState(ui)).resolves.toBe('协议履行中');
    await expect(page.locator('#overview').textContent()).resolves.toMatch(
      /司法确认申请期限[\s\S]*还剩 \d+ 天/,
    );

    await ui.submit(
      () => page.getByRole('button', { name: '打印人民调解协议书' }).click(),
      'agreement-document',
    );
    const documentText = await page.locator('article.document').textContent();
    expect(documentText).toContain('人民调解协议书');
    expect(documentText).toContain('公司于 2026 年 12 月 10 日前分两期支付全部拖欠工资 42,000 元。');
    expect(documentText).toContain('310112198805011234'); // printed in full for signing (and audited)
    expect(documentText).toContain('莘松居委工作站人民调解委员会');
    await page.emulateMedia({ media: 'print' });
    await ui.screenshot('agreement-print-media');
    await page.emulateMedia({ media: 'screen' });
    await ui.submit(() => page.getByRole('link', { name: '返回案件' }).click(), 'back-to-case');

    const fulfilled = await openAction(ui, 'FULFILLED');
    await fulfilled.getByLabel('说明').fill('已全部支付，回访确认。');
    await ui.submit(() => fulfilled.getByRole('button', { name: '履行完毕' }).click(), 'closed');
    await expect(headerState(ui)).resolves.toBe('已结案');
    await expect(page.locator('hgroup').textContent()).resolves.toContain('调解成功（履行完毕）');
    await expect(page.locator('#actions').textContent()).resolves.toContain('您现在不能对本案执行操作');

    expect(ui.problems).toEqual([]);
    return ui.visited;
  } finally {
    await ui.close();
  }
}

/**
 * (b) `mediator` escalates a case to 莘庄镇 with a reason code; `mediator.street` finds
 * it on their dashboard and takes it.
 */
export async function escalationToTheTownCentre(browser: Browser, app: RunningApp, viewport: Viewport) {
  // arrange: a case in mediation at the 莘松 workstation, assigned to `mediator` (through the real services)
  const { services, db } = app.testApp;
  const [{ id: mediatorId }] = await db.query(`SELECT id FROM users WHERE username = 'mediator'`);
  const mediator = await services.actors.load(mediatorId);
  if (!mediator) throw new Error('no demo mediator');
  const dispute = await createCase(services, mediatorId, {
    type: 'neighbourhood',
    title: `楼上漏水殃及三户 ${viewport.name}`,
  });
  const workflow: CaseWorkflowService = services.caseWorkflow;
  let row = await workflow.apply(mediator, dispute.id, { type: 'SUBMIT', expectedVersion: 0 });
  row = await workflow.apply(mediator, dispute.id, {
    type: 'ACCEPT',
    track: 'people',
    level: 'community',
    expectedVersion: row.version,
  });
  await workflow.apply(mediator, dispute.id, { type: 'ASSIGN', mediatorId, expectedVersion: row.version });

  const ui = await UiSession.open(browser, app.baseUrl, viewport, 'b-escalate');
  const page = ui.page;
  try {
    await ui.signIn('mediator');
    const mine = page.locator('section[aria-labelledby="mine-title"]');
    await ui.submit(() => mine.getByRole('link', { name: dispute.number }).click(), 'case-in-mediation');
    const escalate = await openAction(ui, 'ESCALATE');
    await expect(escalate.textContent()).resolves.toContain('上报至：莘庄镇');
    await escalate.getByLabel('上报原因').selectOption('cross_area');
    await escalate
      .getByLabel('情况说明')
      .fill('漏水源头在相邻小区的共用管道，需镇里协调两个居委和物业公司。');
    await ui.submit(() => escalate.getByRole('button', { name: '上报' }).click(), 'escalated');
    await expect(headerState(ui)).resolves.toBe('待分派调解员');
    await expect(page.locator('#overview').textContent()).resolves.toContain('莘庄镇');
    expect(ui.problems).toEqual([]);
  } finally {
    await ui.close();
  }

  const street = await UiSession.open(browser, app.baseUrl, viewport, 'b-take');
  try {
    await street.signIn('mediator.street');
    const waiting = street.page.locator('section[aria-labelledby="waiting-title"]');
    await expect(waiting.textContent()).resolves.toContain(dispute.number);
    const handOffs = street.page.locator('section[aria-labelledby="handoffs-title"]');
    await expect(handOffs.textContent()).resolves.toContain('跨区域');
    await street.submit(() => waiting.getByRole('link', { name: dispute.number }).click(), 'handed-off-case');
    const assign = await openAction(street, 'ASSIGN');
    await assign.getByLabel('调解员').selectOption({ label: '莘庄镇调解员 陈刚' });
    await street.submit(() => assign.getByRole('button', { name: '分派调解员' }).click(), 'taken');
    await expect(headerState(street)).resolves.toBe('调解中');
    await expect(street.page.locator('#overview').textContent()).resolves.toContain('莘庄镇调解员 陈刚');
    await expect(street.page.locator('#timeline').textContent()).resolves.toContain('跨区域');
    expect(street.problems).toEqual([]);
  } finally {
    await street.close();
  }
}

/**
 * With JavaScript on, htmx updates parts of the pages in place (the same server-rendered
 * pages, cut with hx-select): the list as its filters change, a party's row when shown in
 * full, the timeline when narrowed.
 */
export async function partialUpdatesWithHtmx(browser: Browser, app: RunningApp, viewport: Viewport) {
  const { services, db } = app.testApp;
  const [{ id: mediatorId }] = await db.query(`SELECT id FROM users WHERE username = 'mediator'`);
  const mediator = await services.actors.load(mediatorId);
  if (!mediator) throw new Error('no demo mediator');
  const labour = await createCase(services, mediatorId, { type: 'labour', title: '保洁员工资纠纷' });
  const neighbour = await createCase(services, mediatorId, { type: 'neighbourhood', title: '楼道堆物纠纷' });
  await services.caseWorkflow.apply(mediator, labour.id, { type: 'SUBMIT', expectedVersion: 0 });

  const ui = await UiSession.open(browser, app.baseUrl, viewport, 'htmx');
  const page = ui.page;
  try {
    await ui.signIn('mediator');
    await ui.goto('/cases', 'list');
    const partial = page.waitForResponse((response) => response.request().headers()['hx-request'] === 'true');
    await page.locator('.case-filters details summary').click();
    await page.getByLabel('纠纷类型').selectOption('labour');
    await partial;
    // the swap follows the response: wait for the list as it is after it
    await page.locator('#case-results').getByText(neighbour.number).waitFor({ state: 'detached' });
    await expect(page.locator('#case-results').textContent()).resolves.toContain(labour.number);
    expect(new URL(page.url()).searchParams.get('type')).toBe('labour'); // still bookmarkable
    await ui.checkPage('list-filtered-in-place');

    await ui.goto(`/cases/${labour.id}`, 'case');
    const revealed = page.waitForResponse((response) => response.url().endsWith('/reveal'));
    await page.locator('#parties button').first().click();
    await revealed;
    await page.locator('#parties').getByText('310104199001031234').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/cases/${labour.id}`);

    const narrowed = page.waitForResponse((response) => response.url().includes('timeline=important'));
    await page.getByRole('link', { name: '只看关键节点' }).click();
    await narrowed;
    await page.locator('#timeline a[aria-current="page"]', { hasText: '只看关键节点' }).waitFor();
    await ui.checkPage('timeline-narrowed-in-place');
    expect(ui.problems).toEqual([]);
  } finally {
    await ui.close();
  }
}
