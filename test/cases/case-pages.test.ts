import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { apiToken, Browser } from '../support/auth';
import { actorNamed, caseInState, pathTo, send } from '../support/case-steps';
import { linkCaseToAgent } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** The action forms a case page offers (each `<div class="action" data-action="EVENT">`), as a sorted set. */
function actionsOn(html: string): string[] {
  return [...new Set([...html.matchAll(/data-action="([A-Z_]+)"/g)].map((match) => match[1]))].sort();
}

describe('the case page', () => {
  let testApp: TestApp;
  const browsers: Record<string, Browser> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true });
    await seedDemoOrganisation(testApp.db);
    for (const username of ['mediator', 'mediator.street', 'supervisor.street', 'supervisor', 'agent']) {
      browsers[username] = new Browser(testApp.app);
      await browsers[username].signIn(username, demoPassword);
      tokens[username] = await apiToken(testApp.app, username, demoPassword);
    }
  });
  afterAll(() => testApp.close());

  async function allowedByApi(username: string, caseId: string): Promise<string[]> {
    const response = await request(testApp.app)
      .get(`/api/v1/cases/${caseId}`)
      .set('Authorization', `Bearer ${tokens[username]}`);
    expect(response.status).toBe(200);
    return [...response.body.allowedEvents].sort();
  }

  it.each(Object.keys(pathTo) as Array<keyof typeof pathTo>)(
    'when the case is %s, each role is offered exactly the events the API allows them',
    async (state) => {
      const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
      const agent = await actorNamed(testApp.services, testApp.db, 'agent');
      const row = await caseInState(testApp.services, mediator, state);
      await linkCaseToAgent(testApp.services, testApp.db, row.id, agent.id);

      for (const username of ['mediator', 'supervisor.street', 'supervisor', 'agent']) {
        const page = await browsers[username].get(`/cases/${row.id}`);
        expect(page.status).toBe(200);
        expect({ username, state, actions: actionsOn(page.text) }).toEqual({
          username,
          state,
          actions: await allowedByApi(username, row.id),
        });
      }
    },
  );

  it('the actions follow the workflow and the policy: what a mediator, a supervisor and an agent see', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const inProgress = await caseInState(testApp.services, mediator, 'mediation.inProgress');
    const mediatorPage = await browsers.mediator.get(`/cases/${inProgress.id}`);
    expect(actionsOn(mediatorPage.text)).toEqual(
      [
        'ASSIGN',
        'ESCALATE',
        'FAIL',
        'LOG_SESSION',
        'REACH_AGREEMENT',
        'SCHEDULE_SESSION',
        'SET_RISK_GRADE',
        'SUSPEND',
        'TRANSFER',
        'WITHDRAW',
      ].sort(),
    );
    // ESCALATE needs a reason code, TRANSFER a target unit, FAIL a guidance
    expect(mediatorPage.text).toMatch(/id="ESCALATE-reasonCode"[^>]*name="reasonCode"/);
    expect(mediatorPage.text).toMatch(/id="TRANSFER-administrative-unitId"/);
    expect(mediatorPage.text).toMatch(/id="FAIL-guidance"/);
    expect(mediatorPage.text).toContain('上报至：莘庄镇');
    // a supervisor reassigns and grades the risk they watch (issue 21), and does not mediate
    expect(actionsOn((await browsers['supervisor.street'].get(`/cases/${inProgress.id}`)).text)).toEqual([
      'ASSIGN',
      'SET_RISK_GRADE',
    ]);
    // a closed case: only a supervisor may reopen it
    const closed = await caseInState(testApp.services, mediator, 'closed');
    expect(actionsOn((await browsers.mediator.get(`/cases/${closed.id}`)).text)).toEqual([]);
    expect(actionsOn((await browsers.supervisor.get(`/cases/${closed.id}`)).text)).toEqual(['REOPEN']);
  });

  it('when a mediator hands a case up, they still see it but may do nothing on it; the town centre takes over', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await send(
      testApp.services,
      mediator,
      await caseInState(testApp.services, mediator, 'mediation.inProgress'),
      { type: 'ESCALATE', reasonCode: 'beyond_authority', reason: '需镇里协调。' },
    );
    const before = await browsers.mediator.get(`/cases/${row.id}`);
    expect(before.status).toBe(200);
    expect(actionsOn(before.text)).toEqual([]);
    expect(before.text).toContain('您现在不能对本案执行操作');
    const town = await browsers['mediator.street'].get(`/cases/${row.id}`);
    expect(actionsOn(town.text)).toEqual(await allowedByApi('mediator.street', row.id));
    expect(actionsOn(town.text)).toContain('ASSIGN');
    expect(town.text).toContain('超出本级职权');
  });

  it('a mediator not on the case’s line gets 404 for it, never a hint that it exists', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'registered');
    const outsider = new Browser(testApp.app);
    await outsider.signIn('mediator.labour', demoPassword);
    const response = await outsider.get(`/cases/${row.id}`);
    expect(response.status).toBe(404);
    expect(response.text).not.toContain(row.number);
  });

  it('an event posted from its form moves the case and comes back to the page with a confirmation', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'screening');
    const browser = browsers.mediator;
    await browser.get(`/cases/${row.id}`);
    const accepted = await browser.post(`/cases/${row.id}/events`, {
      type: 'ACCEPT',
      formKey: 'ACCEPT-people',
      expectedVersion: String(row.version),
      track: 'people',
      level: 'community',
    });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe(`/cases/${row.id}?saved=ACCEPT`);
    const page = await browser.get(accepted.headers.location);
    expect(page.text).toContain('已受理本案。');
    expect(page.text).toContain('待分派调解员');
    // 人民调解工作若干规定 §33: one calendar month (民法典 §202, ending on a working day, 民事诉讼法 §85)
    expect(page.text).toMatch(
      /<strong>还剩 (2[89]|3[0-4]) 天<\/strong><br><small>\d{4}年\d{1,2}月\d{1,2}日 · 1个月 · 人民调解工作若干规定 第三十三条/,
    );
  });

  it('a form with a mistake comes back open, with the message next to the field and what was typed', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'mediation.inProgress');
    const browser = browsers.mediator;
    await browser.get(`/cases/${row.id}`);
    const response = await browser.post(`/cases/${row.id}/events`, {
      type: 'ESCALATE',
      formKey: 'ESCALATE',
      expectedVersion: String(row.version),
      reasonCode: '',
      reason: '双方要求由镇里调解。',
    });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/<details open>\s*<summary[^>]*>上报<\/summary>/);
    expect(response.text).toMatch(/id="ESCALATE-reasonCode-error" class="field-error">请选择上报原因/);
    expect(response.text).toContain('>双方要求由镇里调解。</textarea>');
    // the page shown again still carries a CSRF token, so the corrected form can be sent
    expect(response.text).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('when two people act at once, the later one is told the case changed and sees it as it is now', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'mediation.inProgress');
    const browser = browsers.mediator;
    await browser.get(`/cases/${row.id}`);
    const session = {
      type: 'LOG_SESSION',
      formKey: 'LOG_SESSION',
      expectedVersion: String(row.version),
      kind: 'session',
      heldAt: '2026-11-20T10:00',
      minutes: '第一次调解。',
    };
    expect((await browser.post(`/cases/${row.id}/events`, session)).status).toBe(303);
    const stale = await browser.post(`/cases/${row.id}/events`, {
      ...session,
      minutes: '同时提交的另一份记录。',
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('本案已被他人更新');
    expect(stale.text).toContain(`name="expectedVersion" value="${row.version + 1}"`);
  });

  it('a party’s numbers are shown in full only on request, only to those who act on the case, and audited', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const agent = await actorNamed(testApp.services, testApp.db, 'agent');
    const row = await caseInState(testApp.services, mediator, 'registered');
    await linkCaseToAgent(testApp.services, testApp.db, row.id, agent.id);
    const [applicant] = await testApp.services.cases.partiesOf(row.id);

    const page = await browsers.mediator.get(`/cases/${row.id}`);
    expect(page.text).toContain('310***********1234');
    expect(page.text).not.toContain('310104199001031234');
    const revealed = await browsers.mediator.post(`/cases/${row.id}/parties/${applicant.id}/reveal`);
    expect(revealed.status).toBe(200);
    expect(revealed.text).toContain('310104199001031234');
    expect(revealed.text).toContain('13900001111');
    const [{ count }] = await testApp.db.query(
      `SELECT count(*)::int AS count FROM audit_log WHERE action = 'party.revealed' AND target_id = $1`,
      [applicant.id],
    );
    expect(count).toBe(1);

    const agentPage = await browsers.agent.get(`/cases/${row.id}`);
    expect(agentPage.status).toBe(200);
    expect(agentPage.text).not.toContain(`/parties/${applicant.id}/reveal`);
    expect((await browsers.agent.post(`/cases/${row.id}/parties/${applicant.id}/reveal`)).status).toBe(403);
  });

  it('the printable agreement exists once an agreement is recorded, names the committee, and is audited', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const screening = await caseInState(testApp.services, mediator, 'screening');
    const none = await browsers.mediator.get(`/cases/${screening.id}/agreement`);
    expect(none.status).toBe(422);
    expect(none.text).toContain('本案尚未记录调解协议');

    const row = await caseInState(testApp.services, mediator, 'agreement.awaitingFulfilment');
    const page = await browsers.mediator.get(`/cases/${row.id}`);
    expect(page.text).toContain(`href="/cases/${row.id}/agreement"`);
    expect(page.text).toMatch(/司法确认申请期限[\s\S]*还剩 \d+ 天/);
    const document = await browsers.mediator.get(`/cases/${row.id}/agreement`);
    expect(document.status).toBe(200);
    expect(document.text).toMatch(/<link rel="stylesheet" href="\/static\/print\.[0-9a-f]{10}\.css">/);
    expect(document.text).toContain('人民调解协议书');
    expect(document.text).toContain('莘松居委工作站人民调解委员会');
    expect(document.text).toContain('被申请人于月底前赔偿维修费 3,000 元。');
    expect(document.text).toContain('310104199001031234');
    expect(document.text).toContain('第二十九条');
    const [{ count }] = await testApp.db.query(
      `SELECT count(*)::int AS count FROM audit_log WHERE action = 'case.agreement_printed' AND target_id = $1`,
      [row.id],
    );
    expect(count).toBe(1);
  });

  it('the statechart shows the current state and marks the steps this user may take, and nothing else', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'screening');
    const mine = (await browsers.mediator.get(`/cases/${row.id}`)).text;
    expect(mine).toMatch(/<g class="sc-node sc-current" data-state="screening">/);
    expect(mine).toMatch(/<g class="sc-node sc-compound sc-next" data-state="mediation">/);
    expect(mine).toMatch(/<g class="sc-node sc-next" data-state="closed">/);
    const supervisors = (await browsers['supervisor.street'].get(`/cases/${row.id}`)).text;
    expect(supervisors).toMatch(/<g class="sc-node sc-current" data-state="screening">/);
    expect(supervisors).not.toContain('sc-edge sc-next');
  });

  it('the timeline can be narrowed to the key steps', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await send(
      testApp.services,
      mediator,
      await caseInState(testApp.services, mediator, 'mediation.inProgress'),
      { type: 'LOG_SESSION', kind: 'visit', heldAt: '2026-11-21T15:00:00+08:00', minutes: '走访被申请人。' },
    );
    const all = (await browsers.mediator.get(`/cases/${row.id}`)).text;
    expect(all).toContain('data-event="LOG_SESSION"');
    expect(all).toContain('2026年11月21日 15:00');
    const key = (await browsers.mediator.get(`/cases/${row.id}?timeline=important`)).text;
    expect(key).not.toContain('data-event="LOG_SESSION"');
    expect(key).toContain('data-event="ACCEPT"');
  });
});
