import request from 'supertest';
import { apiToken, Browser, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** The administrator's holiday calendar page: paste the notice's dates, see them counted. */
describe('the holiday calendar page (/admin/calendar)', () => {
  let testApp: TestApp;
  let admin: Browser;
  let adminToken: string;
  let mediator: Browser;

  beforeAll(async () => {
    testApp = await startTestApp();
    const tree = await createDistrictTree(testApp.db);
    const adminUser = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const mediatorUser = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    admin = new Browser(testApp.app);
    await admin.signIn(adminUser.username);
    adminToken = await apiToken(testApp.app, adminUser.username);
    mediator = new Browser(testApp.app);
    await mediator.signIn(mediatorUser.username);
  });
  afterAll(() => testApp.close());

  const year2027 = async () =>
    (await request(testApp.app).get('/api/v1/calendar/2027').set('Authorization', `Bearer ${adminToken}`))
      .body;

  it('lists the years entered and the coming ones counted by the statutory days alone, with a link to each', async () => {
    const page = await admin.get('/admin/calendar');

    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/admin/calendar" aria-current="page">节假日安排</a>');
    expect(page.text).toMatch(
      /<th scope="row">2027<\/th>\s*<td><span class="deadline-provisional">仅法定节假日（通知尚未录入）/,
    );
    expect(page.text).toMatch(/<th scope="row">2026<\/th>\s*<td>国务院节假日安排通知<\/td>/);
    expect(page.text).toContain('href="/admin/calendar/2028"');
  });

  it('shows a year without a notice with its statutory days (全国年节及纪念日放假办法 第二条) already in the form', async () => {
    const page = await admin.get('/admin/calendar/2027');

    expect(page.status).toBe(200);
    expect(page.text).toContain('2027 年法定节假日（全国年节及纪念日放假办法 第二条）');
    expect(page.text).toContain('<time datetime="2027-02-05">2027-02-05</time> 春节');
    expect(page.text).toMatch(
      /<textarea id="field-holidays"[^>]*>2027-01-01\n2027-02-05 至 2027-02-08\n2027-04-05/,
    );
  });

  it('when a mediator opens it, then the policy answers 403', async () => {
    expect((await mediator.get('/admin/calendar')).status).toBe(403);
    expect(
      (await mediator.post('/admin/calendar/2027', { source: 'notice', holidays: '1月1日' })).status,
    ).toBe(403);
  });

  it('when the form comes without its CSRF token, then it is refused and nothing is written', async () => {
    const response = await admin.agent
      .post('/admin/calendar/2027')
      .type('form')
      .send({ source: 'notice', holidays: '1月1日' });

    expect(response.status).toBe(403);
    expect((await year2027()).source).toBe('statutory');
  });

  it('when a pasted line cannot be read and a worked day is a weekday, then the form comes back with each message next to its field and what was typed', async () => {
    await admin.get('/admin/calendar/2027');
    const typed =
      '1月1日至3日\n2月5日至12日\n4月3日至5日\n5月1日至5日\n6月9日\n9月15日\n10月1日至7日\n下周一';

    const response = await admin.post('/admin/calendar/2027', {
      source: 'notice',
      holidays: typed,
      workdays: '2027-03-10',
      note: '',
    });

    expect(response.status).toBe(400);
    expect(response.text).toContain(
      '<small id="error-holidays" class="field-error">“下周一”不是日期或日期段</small>',
    );
    expect(response.text).toContain(`>${typed}</textarea>`);
    expect((await year2027()).source).toBe('statutory');

    const weekday = await admin.post('/admin/calendar/2027', {
      source: 'notice',
      holidays: typed.replace('\n下周一', ''),
      workdays: '2027-03-10',
    });
    expect(weekday.status).toBe(422);
    expect(weekday.text).toContain(
      '<small id="error-workdays" class="field-error">2027-03-10 本是工作日：调休上班日只能是星期六或星期日</small>',
    );
    expect((await year2027()).source).toBe('statutory');
  });

  it('when the notice’s dates are pasted as the notice writes them, then the year is entered as a notice, and the page says so', async () => {
    await admin.get('/admin/calendar/2027');

    const response = await admin.post('/admin/calendar/2027', {
      source: 'notice',
      holidays:
        '1月1日（星期五）至3日（星期日）\n2月5日至12日\n4月3日至5日\n5月1日至5日\n6月9日、9月15日\n2027-10-01 至 2027-10-07',
      workdays: '2月20日\n4月25日，5月8日\n9月26日\n10月9日',
      note: '国办发明电〔2026〕（测试）',
    });

    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/admin/calendar/2027?saved=1&moved=0');
    const page = await admin.get(response.headers.location);
    expect(page.text).toContain('已保存 2027 年节假日安排；0 个未结期限随之调整，经办人已收到通知。');
    const entered = await year2027();
    expect(entered).toMatchObject({
      source: 'notice',
      workdays: ['2027-02-20', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09'],
      note: '国办发明电〔2026〕（测试）',
    });
    expect(entered.holidays).toHaveLength(3 + 8 + 3 + 5 + 2 + 7);
    expect(entered.holidays).toContain('2027-02-12');
  });
});
