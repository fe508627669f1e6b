import { demoPassword } from '../../src/demo/demo-accounts';
import { Browser } from '../support/auth';
import { actorNamed, caseInState, send } from '../support/case-steps';
import { startDemoApp } from '../support/demo-app';
import type { TestApp } from '../support/test-app';

/** An intake form as a browser sends it: two parties, everything valid. */
function intakeForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    type: 'neighbourhood',
    source: 'walk_in',
    title: '楼上漏水损坏楼下吊顶',
    description: '楼下住户反映楼上卫生间漏水，吊顶受损。',
    'parties.0.role': 'applicant',
    'parties.0.kind': 'person',
    'parties.0.name': '孙丽华',
    'parties.1.role': 'respondent',
    'parties.1.kind': 'person',
    'parties.1.name': '钱志强',
    intent: 'save',
    ...overrides,
  };
}

/**
 * Issue 24, the small frictions of the case page and its forms, as a browser without
 * JavaScript meets them: messages that say what to choose and what the limit is, a form
 * too large to read that comes back to its page, party rows added in place, a paused
 * deadline and a case at the court explained, the message after an action, a long
 * description folded.
 */
describe('the case page and its forms say what to do (issue 24)', () => {
  let testApp: TestApp;
  let mediator: Browser;

  beforeAll(async () => {
    ({ testApp, browser: mediator } = await startDemoApp('mediator'));
  });
  afterAll(() => testApp.close());

  it('when a list is left unselected, the message says what to choose, in Chinese and in English', async () => {
    await mediator.get('/cases/new');
    const refused = await mediator.post('/cases', intakeForm({ type: '', source: '' }));
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/id="error-type" class="field-error">请选择纠纷类型</);
    expect(refused.text).toMatch(/id="error-source" class="field-error">请选择来源渠道</);
    expect(refused.text).not.toContain('不是允许的取值');

    const english = new Browser(testApp.app);
    await english.signIn('mediator', demoPassword);
    await english.post('/locale', { locale: 'en', returnTo: '/cases/new' });
    await english.get('/cases/new');
    const inEnglish = await english.post('/cases', intakeForm({ type: '', description: '' }));
    expect(inEnglish.text).toMatch(/id="error-type" class="field-error">Choose the dispute type\.</);
    expect(inEnglish.text).toMatch(
      /id="error-description" class="field-error">Enter the facts and matters in dispute\.</,
    );
  });

  it('when a description is over its limit, the message says the limit, its length and by how much; the form counts as one types', async () => {
    const form = await mediator.get('/cases/new');
    expect(form.text).toMatch(/<textarea id="field-description"[^>]*data-max-length="10000"/);
    expect(form.text).toMatch(/<script src="\/static\/js\/text-limit\.[0-9a-f]{10}\.js" defer><\/script>/);

    const refused = await mediator.post('/cases', intakeForm({ description: '漏'.repeat(10_005) }));
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(
      /id="error-description" class="field-error">纠纷事实和争议事项太长：最多 10000 个字，现有 10005 个字，超出 5 个字</,
    );
    // what was typed comes back
    expect(refused.text).toContain(`${'漏'.repeat(10_005)}</textarea>`);
  });

  it('when a form is too large to be read at all, the browser is sent back to its page, which says the limit, not a bare 413', async () => {
    await mediator.get('/cases/new');
    const host = 'mediation.test';
    const tooLarge = await mediator.agent
      .post('/cases')
      .set('Host', host)
      .set('Referer', `http://${host}/cases/new`)
      .type('form')
      .send({ _csrf: mediator.csrf, ...intakeForm({ description: '漏'.repeat(132_000) }) });
    expect(tooLarge.status).toBe(303);
    expect(tooLarge.headers.location).toBe('/cases/new?tooLarge=1');

    const page = await mediator.get('/cases/new?tooLarge=1');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(
      /class="form-error" role="alert">提交的内容太大，服务器没有读取，也没有保存（纠纷事实等文字最多 10000 字）/,
    );

    // from another site, or an API call: still the plain 413
    const elsewhere = await mediator.agent
      .post('/cases')
      .set('Referer', 'http://elsewhere.test/cases/new')
      .type('form')
      .send({ description: '漏'.repeat(132_000) });
    expect(elsewhere.status).toBe(413);
  });

  it('adding a party row swaps only the parties (htmx) and, without JavaScript, lands on the parties', async () => {
    const form = await mediator.get('/cases/new');
    expect(form.text).toContain('<fieldset class="parties" id="parties">');
    expect(form.text).toMatch(
      /<button type="submit" name="intent" value="addParty" class="secondary small" formaction="\/cases#parties" hx-post="\/cases" hx-target="#parties" hx-select="#parties" hx-swap="outerHTML">/,
    );
    const added = await mediator.agent
      .post('/cases')
      .set('HX-Request', 'true')
      .type('form')
      .send({ _csrf: mediator.csrf, ...intakeForm({ intent: 'addParty' }) });
    expect(added.status).toBe(200);
    expect(added.text.match(/<fieldset class="party">/g)).toHaveLength(3);
    expect(added.text).toContain('value="钱志强"');
  });

  it('a paused deadline says since when and why, that paused days do not count, and that the due date moves on', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.suspended');
    const page = await mediator.get(`/cases/${row.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<strong>已暂停：暂停期间不计入期限</strong>');
    expect(page.text).toMatch(
      /id="deadline-paused"><small>自 \d{4}年\d{1,2}月\d{1,2}日 起暂停，原因：鉴定。恢复计时后，期限从暂停处接着计算。<\/small>/,
    );
    expect(page.text).toMatch(
      /若今天恢复计时，\d{4}年\d{1,2}月\d{1,2}日 到期；仍在暂停的每一天，到期日相应顺延/,
    );
  });

  it('a case at the court with no clock kept says since when it waits and the court’s period with its article', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const agreed = await caseInState(testApp.services, actor, 'agreement.awaitingFulfilment');
    const [{ id: court }] = await testApp.db.query(`SELECT id FROM units WHERE code = 'MH-FY'`);
    const atCourt = await send(testApp.services, actor, agreed, {
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court,
      appliedOn: new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(testApp.clock.now()),
      jointlyApplied: true,
    } as never);
    expect(atCourt.state).toBe('agreement.judicialConfirmation');
    // a case that reached the court before its period was counted (or imported so)
    await testApp.db.query('UPDATE cases SET deadline = NULL, deadline_due = NULL WHERE id = $1', [
      atCourt.id,
    ]);
    const page = await mediator.get(`/cases/${atCourt.id}`);
    expect(page.text).toMatch(
      /id="court-period"><strong>由人民法院审查，自 \d{4}年[^<]+起等待法院决定：法院应在 30日内作出裁定（民事诉讼法[^）]*）<\/strong>/,
    );
    expect(page.text).not.toContain('暂无期限');
  });

  it('after recording a hearing the page says a hearing was recorded, not "saved: mediation record"', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    await mediator.get(`/cases/${row.id}`);
    const recorded = await mediator.post(`/cases/${row.id}/events`, {
      type: 'LOG_SESSION',
      formKey: 'LOG_SESSION-hearing',
      expectedVersion: String(row.version),
      kind: 'hearing',
      heldAt: `${new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(testApp.clock.now())}T00:00`,
      place: '莘松居委调解室',
      minutes: '双方陈述意见。',
    });
    expect(recorded.status).toBe(303);
    expect(recorded.headers.location).toBe(`/cases/${row.id}?saved=LOG_SESSION-hearing`);
    const page = await mediator.get(recorded.headers.location);
    expect(page.text).toContain('<p class="flash" role="status">已记录听证会。</p>');
  });

  it('a long description folds under 展开全文, so the parties follow close below; a short one is shown whole', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const long = await caseInState(testApp.services, actor, 'registered', {
      description: `${'楼上漏水，楼下吊顶受损。'.repeat(200)}`,
    });
    const page = await mediator.get(`/cases/${long.id}`);
    expect(page.text).toMatch(/<details id="description-full"><summary>展开全文（共 2400 字）<\/summary>/);
    const short = await caseInState(testApp.services, actor, 'registered');
    expect((await mediator.get(`/cases/${short.id}`)).text).not.toContain('description-full');
  });
});
