import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

/** Two parties as a browser sends them; the applicant's number given, the respondent's not. */
function intakeForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    type: 'neighbourhood',
    source: 'walk_in',
    title: '楼上空调外机噪声扰民',
    description: '申请人反映楼上空调外机夜间噪声过大。',
    'parties.0.role': 'applicant',
    'parties.0.kind': 'person',
    'parties.0.name': '孙立新',
    'parties.0.idNumber': '310101199001011234',
    'parties.0.phone': '13812345678',
    'parties.0.language': 'zh-CN',
    'parties.1.role': 'respondent',
    'parties.1.kind': 'person',
    'parties.1.name': '周海燕',
    'parties.1.phone': '',
    'parties.1.language': 'zh-CN',
    intent: 'save',
    ...overrides,
  };
}

/** Issue 20: consent to SMS notices is asked per party at intake, explicitly and informed (个人信息保护法 §14). */
describe('intake: a party’s consent to SMS notices', () => {
  let testApp: TestApp;
  let mediator: Browser;

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    await seedDemoOrganisation(testApp.db);
    // the demo passwords were set by the machine's clock; the test's runs on a day of its own
    await testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
    mediator = new Browser(testApp.app);
    await mediator.signIn('mediator', demoPassword);
  });
  afterAll(() => testApp.close());

  it('when the form opens, then each party row asks for consent with an unticked box that says what the party agrees to (个人信息保护法 §14), and for the language of messages', async () => {
    const page = await mediator.get('/cases/new');

    expect(page.status).toBe(200);
    const boxes = page.text.match(
      /<input type="checkbox" id="field-parties\.\d\.smsConsent" name="parties\.\d\.smsConsent"[^>]*>/g,
    );
    expect(boxes).toHaveLength(2);
    for (const box of boxes ?? []) expect(box).not.toContain('checked');
    expect(page.text).toContain('同意接收短信通知');
    expect(page.text).toContain('个人信息保护法第十四条');
    expect(page.text).toContain('<select id="field-parties.0.language" name="parties.0.language"');
  });

  it('when consent is ticked for a party without a phone, then the form comes back with the message next to that box, keeping what was typed', async () => {
    await mediator.get('/cases/new');

    const response = await mediator.post('/cases', intakeForm({ 'parties.1.smsConsent': 'on' }));

    expect(response.status).toBe(422);
    expect(response.text).toContain('id="field-parties.1.smsConsent-error"');
    expect(response.text).toContain('同意接收短信通知须填写手机号码（座机收不到短信）');
    expect(response.text).toMatch(/name="parties\.1\.smsConsent" checked/);
    const [{ n }] = await testApp.db.query(`SELECT count(*)::int AS n FROM parties WHERE name = '周海燕'`);
    expect(n).toBe(0);
  });

  it('when consent is ticked for a party with a phone, then the party is registered with it and the moment it was given, in the language chosen', async () => {
    await mediator.get('/cases/new');

    const response = await mediator.post(
      '/cases',
      intakeForm({
        title: '楼上空调外机噪声扰民（二）',
        'parties.0.name': '孙立新二',
        'parties.0.idNumber': '310112200002290014',
        'parties.0.smsConsent': 'on',
        'parties.0.language': 'en',
        'parties.1.name': '周海燕二',
      }),
    );

    expect(response.status).toBe(303);
    const parties = await testApp.db.query(
      `SELECT name, sms_consent, sms_consent_at IS NOT NULL AS dated, language FROM parties
       WHERE name IN ('孙立新二', '周海燕二') ORDER BY position`,
    );
    expect(parties).toEqual([
      { name: '孙立新二', sms_consent: true, dated: true, language: 'en' },
      { name: '周海燕二', sms_consent: false, dated: false, language: 'zh-CN' },
    ]);
  });
});
