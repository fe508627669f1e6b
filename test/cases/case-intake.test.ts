import { demoPassword } from '../../src/demo/demo-accounts';
import { Browser } from '../support/auth';
import { actorNamed, send } from '../support/case-steps';
import { startDemoApp } from '../support/demo-app';
import { createCase } from '../support/factories';
import type { TestApp } from '../support/test-app';

/** An intake form as a browser sends it: two parties, everything valid. */
function intakeForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    type: 'labour',
    source: 'hotline_12345',
    title: '装修公司拖欠两名工人工资',
    description: '两名瓦工反映装修公司拖欠 10 月工资 16,000 元。',
    amountInDispute: '16,000',
    groupSize: '2',
    'parties.0.role': 'applicant',
    'parties.0.kind': 'person',
    'parties.0.name': '赵大海',
    'parties.0.idNumber': '31011219800103123X',
    'parties.0.phone': '13700001111',
    'parties.0.address': '',
    'parties.1.role': 'respondent',
    'parties.1.kind': 'organisation',
    'parties.1.name': '上海某装饰工程有限公司',
    'parties.1.idNumber': '',
    'parties.1.phone': '',
    'parties.1.address': '闵行区某路 8 号',
    intent: 'save',
    ...overrides,
  };
}

describe('intake: registering a dispute in the browser', () => {
  let testApp: TestApp;
  let mediator: Browser;

  beforeAll(async () => {
    ({ testApp, browser: mediator } = await startDemoApp('mediator'));
  });
  afterAll(() => testApp.close());

  it('the form offers the dispute types, the sources, the grid blocks of the workstation and two party rows', async () => {
    const page = await mediator.get('/cases/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<option value="labour">劳动争议</option>');
    expect(page.text).toContain('<option value="hotline_12345">12345 热线</option>');
    expect(page.text).toContain('莘松居委第1网格');
    expect(page.text).not.toContain('西湖居委第1网格'); // another workstation's grid
    expect(page.text).toContain('登记单位：<strong>莘松居委工作站</strong>');
    expect(page.text.match(/<fieldset class="party">/g)).toHaveLength(2);
  });

  it('when a field is wrong, the form comes back with the message next to it, in Chinese, keeping what was typed', async () => {
    await mediator.get('/cases/new');
    const response = await mediator.post(
      '/cases',
      intakeForm({ title: '', 'parties.0.idNumber': '12345', amountInDispute: '一万' }),
    );
    expect(response.status).toBe(400);
    expect(response.text).toContain('提交的内容有误，请检查标出的字段。');
    expect(response.text).toMatch(/id="error-title" class="field-error">请填写标题/);
    expect(response.text).toMatch(
      /id="field-parties\.0\.idNumber-error" class="field-error">身份证号应为 18 位（最后一位可为 X）</,
    );
    expect(response.text).toMatch(/id="error-amountInDispute" class="field-error">应为数字/);
    expect(response.text).toContain('两名瓦工反映装修公司拖欠 10 月工资 16,000 元。</textarea>');
    expect(response.text).toContain('value="上海某装饰工程有限公司"');
    expect(response.text).toMatch(/<option value="labour" selected>/);
    expect(response.text).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('in English, the messages are in English', async () => {
    const english = new Browser(testApp.app);
    await english.signIn('mediator', demoPassword);
    await english.post('/locale', { locale: 'en', returnTo: '/cases/new' });
    await english.get('/cases/new');
    const response = await english.post('/cases', intakeForm({ title: '' }));
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/id="error-title" class="field-error">Enter the title\./);
    expect(response.text).toContain('Register a dispute');
  });

  it('party rows are added and removed without JavaScript, keeping what was typed', async () => {
    await mediator.get('/cases/new');
    const added = await mediator.post('/cases', intakeForm({ intent: 'addParty' }));
    expect(added.status).toBe(200);
    expect(added.text.match(/<fieldset class="party">/g)).toHaveLength(3);
    expect(added.text).toContain('value="赵大海"');
    const removed = await mediator.post('/cases', intakeForm({ intent: 'removeParty-0' }));
    expect(removed.text.match(/<fieldset class="party">/g)).toHaveLength(1);
    expect(removed.text).not.toContain('value="赵大海"');
    expect(removed.text).toContain('value="上海某装饰工程有限公司"');
  });

  it('a new dispute is saved with its parties sealed, and the page says so', async () => {
    await mediator.get('/cases/new');
    const response = await mediator.post('/cases', intakeForm({ title: '一个全新的纠纷：小区停车位被占用' }));
    expect(response.status).toBe(303);
    const page = await mediator.get(response.headers.location);
    expect(page.text).toContain('已登记本案。');
    expect(page.text).toContain('一个全新的纠纷：小区停车位被占用');
    expect(page.text).toContain('310***********123X');
    expect(page.text).toContain('137****1111');
    expect(page.text).toContain('¥16,000.00');
  });

  it('before saving, it shows possible duplicates, and registers only once the mediator confirms', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const existing = await createCase(testApp.services, actor.id, {
      type: 'labour',
      title: '瓦工工资纠纷',
      parties: [
        { role: 'applicant', kind: 'person', name: '钱多多', idNumber: '310112198202181234' },
        { role: 'respondent', kind: 'organisation', name: '上海某建材有限公司' },
      ],
    });
    const form = intakeForm({
      title: '钱多多要求支付工资',
      'parties.0.name': '钱多多',
      'parties.0.idNumber': '310112198202181234',
      'parties.1.name': '上海某建材有限公司',
    });
    await mediator.get('/cases/new');
    const review = await mediator.post('/cases', form);
    expect(review.status).toBe(200);
    expect(review.text).toContain('可能重复的案件');
    expect(review.text).toContain(existing.number);
    expect(review.text).toMatch(/当事人相同、身份证号相同/);
    expect(review.text).toContain('name="intent" value="confirm"');
    const [{ before }] = await testApp.db.query('SELECT count(*)::int AS before FROM cases');

    const confirmed = await mediator.post('/cases', { ...form, intent: 'confirm' });
    expect(confirmed.status).toBe(303);
    const [{ after }] = await testApp.db.query('SELECT count(*)::int AS after FROM cases');
    expect(after).toBe(before + 1);
  });

  it('人民调解工作若干规定 第二十二条: it names the unit that has accepted the same dispute — also with the roles swapped — but not its number to a mediator who cannot open it, and offers no "register anyway"', async () => {
    const street = await actorNamed(testApp.services, testApp.db, 'mediator.street');
    const elsewhere = await createCase(testApp.services, street.id, {
      type: 'neighbourhood',
      title: '噪音纠纷',
      parties: [
        { role: 'applicant', kind: 'person', name: '孙小美' },
        { role: 'respondent', kind: 'person', name: '周大福' },
      ],
    });
    await send(
      testApp.services,
      street,
      elsewhere,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'street' },
    );

    // 周大福 applies against 孙小美: the same dispute
    const swapped = intakeForm({
      type: 'neighbourhood',
      title: '楼下投诉噪音',
      'parties.0.name': '周大福',
      'parties.0.idNumber': '',
      'parties.0.phone': '',
      'parties.1.kind': 'person',
      'parties.1.name': '孙小美',
      intent: 'check',
    });
    await mediator.get('/cases/new');
    const response = await mediator.post('/cases', swapped);
    expect(response.status).toBe(200);
    expect(response.text).toContain('已有调解组织受理');
    expect(response.text).toContain(
      '莘庄镇已受理同一纠纷（一案一处：不能在两处同时受理，人民调解工作若干规定 第二十二条）',
    );
    expect(response.text).not.toContain(elsewhere.number);
    expect(response.text).not.toContain(`href="/cases/${elsewhere.id}"`);
    expect(response.text).not.toContain('name="intent" value="confirm"');
    const [{ before }] = await testApp.db.query('SELECT count(*)::int AS before FROM cases');
    const confirmed = await mediator.post('/cases', { ...swapped, intent: 'confirm' });
    expect(confirmed.status).toBe(200);
    const [{ after }] = await testApp.db.query('SELECT count(*)::int AS after FROM cases');
    expect(after).toBe(before);

    // the same two people in a dispute of another type: not this forum's matter
    const otherMatter = await mediator.post('/cases', { ...swapped, type: 'property_management' });
    expect(otherMatter.text).not.toContain('已有调解组织受理');
  });

  it('a possible duplicate is found with the roles swapped too (the same parties, whatever their roles)', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const existing = await createCase(testApp.services, actor.id, {
      type: 'property_management',
      title: '物业费纠纷',
      parties: [
        { role: 'applicant', kind: 'organisation', name: '上海某物业管理有限公司' },
        { role: 'respondent', kind: 'person', name: '冯小刚' },
      ],
    });
    await mediator.get('/cases/new');
    const review = await mediator.post(
      '/cases',
      intakeForm({
        type: 'property_management',
        title: '业主投诉物业乱收费',
        'parties.0.name': '冯小刚',
        'parties.0.idNumber': '',
        'parties.0.phone': '',
        'parties.1.name': '上海某物业管理有限公司',
        intent: 'check',
      }),
    );
    expect(review.status).toBe(200);
    expect(review.text).toContain(existing.number);
    expect(review.text).toContain('当事人相同');
  });

  it('a petition agent may not register disputes here', async () => {
    const agent = new Browser(testApp.app);
    await agent.signIn('agent', demoPassword);
    expect((await agent.get('/cases/new')).status).toBe(403);
  });
});
