import request from 'supertest';
import { todayInShanghai } from '../../src/deadlines/working-calendar';
import {
  bearer,
  type CaseTeam,
  type CaseView,
  createCaseTeam,
  type Member,
  registerCase,
  sendEvents,
} from '../cases/case-api';
import { apiToken, Browser, createUser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * An invented notice for 2027 (the State Council has not published the real one): 元旦
 * 1–3 January, 春节 5–12 February with Saturday 20 February worked, 清明 3–5 April, 劳动节
 * 1–5 May with Sunday 25 April and Saturday 8 May worked, 端午 9 June, 中秋 15 September,
 * 国庆 1–7 October with Sunday 26 September and Saturday 9 October worked.
 */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let day = new Date(`${from}T00:00:00Z`);
    day <= new Date(`${to}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 1)
  )
    out.push(day.toISOString().slice(0, 10));
  return out;
}
const notice2027 = {
  year: 2027,
  source: 'notice',
  holidays: [
    ...days('2027-01-01', '2027-01-03'),
    ...days('2027-02-05', '2027-02-12'),
    ...days('2027-04-03', '2027-04-05'),
    ...days('2027-05-01', '2027-05-05'),
    '2027-06-09',
    '2027-09-15',
    ...days('2027-10-01', '2027-10-07'),
  ],
  workdays: ['2027-02-20', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09'],
  note: '国办发明电〔2026〕（测试用）',
};

const statutory2027 = [
  '2027-01-01',
  '2027-02-05',
  '2027-02-06',
  '2027-02-07',
  '2027-02-08',
  '2027-04-05',
  '2027-05-01',
  '2027-05-02',
  '2027-06-09',
  '2027-09-15',
  '2027-10-01',
  '2027-10-02',
  '2027-10-03',
];

async function adminOf(testApp: TestApp, team: CaseTeam): Promise<Member> {
  const user = await createUser(testApp.db, { role: 'admin', unitId: team.units.district.id });
  return { user, token: await apiToken(testApp.app, user.username) };
}

/** A medical dispute at a workstation, accepted today on the people's track (医疗纠纷预防和处理条例 §38), with its mediator. */
async function medicalCaseAcceptedToday(testApp: TestApp, team: CaseTeam) {
  const mediator = team.mediators.community;
  const registered = await registerCase(testApp, mediator, { type: 'medical' });
  expect(registered.status).toBe(201);
  const body = await sendEvents(testApp, registered.body.id, 0, [
    [mediator, { type: 'SUBMIT' }],
    [mediator, { type: 'ACCEPT', track: 'people', level: 'community' }],
    [mediator, { type: 'ASSIGN', mediatorUsername: mediator.user.username }],
  ]);
  return { id: registered.body.id as string, body };
}

const getCase = async (testApp: TestApp, who: Member, id: string) =>
  (await request(testApp.app).get(`/api/v1/cases/${id}`).set(bearer(who))).body as CaseView;

const putYear = (testApp: TestApp, who: Member, year: number | string, body: unknown, language = 'zh-CN') =>
  request(testApp.app)
    .put(`/api/v1/calendar/${year}`)
    .set(bearer(who))
    .set('Accept-Language', language)
    .send(body as object);

describe('the official calendar through the API (GET/PUT /api/v1/calendar/:year)', () => {
  let testApp: TestApp;
  let team: CaseTeam;
  let admin: Member;

  beforeAll(async () => {
    // the day, 10:00 in Shanghai: the dates below are counted from it
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    team = await createCaseTeam(testApp);
    admin = await adminOf(testApp, team);
  });
  afterAll(() => testApp.close());

  const auditEntries = async () =>
    Number(
      (
        await testApp.db.query(`SELECT count(*) AS n FROM audit_log WHERE action = 'calendar.year_entered'`)
      )[0].n,
    );

  it('全国年节及纪念日放假办法 第二条: GET of 2027, a year with no notice, answers source statutory with its 13 statutory holidays', async () => {
    const answer = await request(testApp.app)
      .get('/api/v1/calendar/2027')
      .set(bearer(team.mediators.community));

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      year: 2027,
      source: 'statutory',
      holidays: statutory2027,
      workdays: [],
      note: null,
      enteredBy: null,
      enteredAt: null,
    });
  });

  it('when 2026 is asked for, then it is the notice filled from chinese-days, with its 调休 Saturdays', async () => {
    const answer = await request(testApp.app).get('/api/v1/calendar/2026').set(bearer(team.supervisor));

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      year: 2026,
      source: 'notice',
      enteredBy: null,
      note: 'chinese-days 1.5.7',
    });
    expect(answer.body.holidays).toEqual(expect.arrayContaining(['2026-02-15', '2026-10-07']));
    expect(answer.body.workdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('when a mediator or a supervisor PUTs a year, then the policy answers 403 and nothing is written', async () => {
    for (const who of [team.mediators.community, team.supervisor]) {
      const answer = await putYear(testApp, who, 2027, notice2027);
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('forbidden');
    }
    expect((await request(testApp.app).get('/api/v1/calendar/2027').set(bearer(admin))).body.source).toBe(
      'statutory',
    );
    expect(await auditEntries()).toBe(0);
  });

  it.each([
    ['a date that is not a day', 400, 'holidays.0', { holidays: ['2027-02-30'] }],
    ['an unknown source', 400, 'source', { source: 'rumour' }],
    ['no list of days off', 400, 'holidays', { holidays: undefined }],
    ['a field the API does not know', 400, '', { extra: 1 }],
    ['a year other than the address’s', 422, 'year', { year: 2028 }],
    ['a day off outside the year', 422, 'holidays.13', { holidays: [...statutory2027, '2028-01-01'] }],
    ['a day both off and worked', 422, 'workdays.0', { workdays: ['2027-01-02'] }],
    ['a worked day that is a weekday (Wednesday 10 March)', 422, 'workdays.0', { workdays: ['2027-03-10'] }],
    ['a statutory holiday left out (元旦)', 422, 'holidays', { holidays: statutory2027.slice(1) }],
  ])(
    'when the body has %s, then %i names the field (%s) and nothing is written',
    async (_what, status, field, change) => {
      const answer = await putYear(testApp, admin, 2027, { ...notice2027, ...change });

      expect(answer.status).toBe(status);
      expect(answer.body.error.code).toBe('validation_failed');
      expect(answer.body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
      expect((await request(testApp.app).get('/api/v1/calendar/2027').set(bearer(admin))).body.source).toBe(
        'statutory',
      );
      expect(await auditEntries()).toBe(0);
    },
  );

  it('when the address names no year the app takes, then 400 names `year`', async () => {
    const answer = await request(testApp.app).get('/api/v1/calendar/1999').set(bearer(admin));

    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0]).toMatchObject({ field: 'year' });
  });

  it('when the refusal is read in English, then the message says what is wrong in the caller’s language', async () => {
    const answer = await putYear(testApp, admin, 2027, { ...notice2027, workdays: ['2027-03-10'] }, 'en');

    expect(answer.status).toBe(422);
    expect(answer.body.error.details[0].message).toBe(
      '2027-03-10 is a weekday: an adjusted working day is a Saturday or a Sunday',
    );
    const chinese = await putYear(testApp, admin, 2027, { ...notice2027, holidays: statutory2027.slice(1) });
    expect(chinese.body.error.details[0].message).toBe(
      '缺少法定节假日 2027-01-01（全国年节及纪念日放假办法 第二条）',
    );
  });

  it('the OpenAPI document describes both operations from their schemas', async () => {
    const document = (await request(testApp.app).get('/api/openapi.json')).body;

    expect(document.paths['/api/v1/calendar/{year}'].get.responses['200']).toBeDefined();
    expect(
      document.paths['/api/v1/calendar/{year}'].put.requestBody.content['application/json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/CalendarYearInput',
    });
    expect(document.components.schemas.CalendarYearInput.required).toEqual([
      'year',
      'source',
      'holidays',
      'workdays',
    ]);
  });

  it('信访工作条例 第三十四条 across 2027: a petition accepted today is concluded by 2027-02-01 (60 days), provisional, and its page says why', async () => {
    const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: team.units.district.id });
    const agentToken = await apiToken(testApp.app, agent.username);
    const registered = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(bearer(agentToken))
      .send({
        subject: '小区停车收费争议',
        content: '业主反映停车费上涨。',
        petitioners: [{ kind: 'person', name: '周敏' }],
      });
    expect(registered.status).toBe(201);
    // the decision period (§22, 15 days) ends in 2026: settled
    expect(registered.body.dueDates.decision).toMatchObject({ due: '2026-12-18', provisional: false });

    const accepted = await request(testApp.app)
      .post(`/api/v1/petitions/${registered.body.id}/events`)
      .set(bearer(team.supervisor))
      .send({ type: 'ACCEPT', expectedVersion: registered.body.version });

    expect(accepted.status).toBe(200);
    expect(accepted.body.dueDates.conclusion).toMatchObject({
      due: '2027-02-01',
      provisional: true,
      yearsWithoutNotice: [2027],
    });
    expect(accepted.body.currentDue).toMatchObject({ due: '2027-02-01', provisional: true });
    const browser = new Browser(testApp.app);
    await browser.signIn(team.supervisor.user.username);
    const page = await browser.get(`/petitions/${registered.body.id}`);
    expect(page.text).toContain(
      '<small class="deadline-provisional">2027 年节假日安排尚未录入，期限暂按法定节假日计算</small>',
    );
  });

  it('Done when (issue 16): a medical case accepted today at a workstation counts 1 January 2027 and the other statutory days as holidays and is provisional; after PUT of the 2027 notice it follows the notice and is not', async () => {
    const today = todayInShanghai(testApp.clock.now());
    expect(today).toBe('2026-12-03'); // the day: the test clock starts on it

    const { id, body } = await medicalCaseAcceptedToday(testApp, team);
    // 医疗纠纷预防和处理条例 §38: 30 working days; 20 in December, then 1 January is off by law
    expect(body.deadline).toMatchObject({
      due: '2027-01-15',
      basis: 'working',
      days: 30,
      provisional: true,
      yearsWithoutNotice: [2027],
    });
    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const provisionalLine = '2027 年节假日安排尚未录入，期限暂按法定节假日计算';
    expect((await browser.get(`/cases/${id}`)).text).toContain(provisionalLine);
    expect((await browser.get('/cases')).text).toContain(provisionalLine);

    const entered = await putYear(testApp, admin, 2027, notice2027);
    expect(entered.status).toBe(200);
    expect(entered.body).toMatchObject({
      year: 2027,
      source: 'notice',
      holidays: notice2027.holidays,
      workdays: notice2027.workdays,
      note: notice2027.note,
      enteredBy: { id: admin.user.id, username: admin.user.username },
    });

    // the notice gives 2–3 January off, a weekend anyway: the date stands, and it is no longer provisional
    const after = await getCase(testApp, team.mediators.community, id);
    expect(after.deadline).toMatchObject({ due: '2027-01-15', provisional: false, yearsWithoutNotice: [] });
    expect((await browser.get(`/cases/${id}`)).text).not.toContain(provisionalLine);
    expect((await request(testApp.app).get('/api/v1/calendar/2027').set(bearer(admin))).body).toMatchObject({
      source: 'notice',
      holidays: notice2027.holidays,
    });
    const [audit] = await testApp.db.query(
      `SELECT actor_id, target_type, target_id, details FROM audit_log WHERE action = 'calendar.year_entered'`,
    );
    expect(audit).toMatchObject({ actor_id: admin.user.id, target_type: 'calendar_year', target_id: '2027' });
    expect(audit.details).toMatchObject({
      source: { from: 'statutory', to: 'notice' },
      workdays: { added: notice2027.workdays, removed: [] },
    });
    expect(audit.details.holidays.added).toContain('2027-02-09');
  });
});
