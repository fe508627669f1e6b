import request from 'supertest';
import { Browser, createUser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, type CaseTeam, createCaseTeam, registration } from './case-api';

/**
 * Issue 20 item 4 through the API on PostgreSQL: parties identified by kind — a person by a
 * resident ID with its GB 11643 check digit, an organisation by its 统一社会信用代码 with its
 * GB 32100 check character, phones as mobile or landline — and found by them: `q` that is a
 * whole number matches the parties' keyed hashes exactly, a part of one matches nothing, and
 * nobody finds a case they may not see.
 */

const startAt = new Date('2026-12-03T10:00:00+08:00');
const workerId = '310112198503152015';
const employerCode = '91310112MA1GB12347';
const workerMobile = '13812345678';
const employerLandline = '021-64123456';

let testApp: TestApp;
let team: CaseTeam;

beforeAll(async () => {
  testApp = await startTestApp({}, { startAt });
  team = await createCaseTeam(testApp);
});
afterAll(() => testApp.close());

/** A labour dispute between a worker and their employer, each with their numbers. */
const wageDispute = (parties: Array<Record<string, unknown>>) =>
  registration({
    type: 'labour',
    title: '拖欠工资纠纷',
    description: '工人反映公司拖欠三个月工资，要求支付。',
    parties,
  });

const worker = (fields: Record<string, unknown> = {}) => ({
  role: 'applicant',
  kind: 'person',
  name: '王建军',
  idNumber: workerId,
  phone: workerMobile,
  ...fields,
});
const employer = (fields: Record<string, unknown> = {}) => ({
  role: 'respondent',
  kind: 'organisation',
  name: '上海某建筑劳务有限公司',
  idNumber: employerCode,
  phone: employerLandline,
  ...fields,
});

const register = (parties: Array<Record<string, unknown>>, language = 'zh-CN') =>
  request(testApp.app)
    .post('/api/v1/cases')
    .set(bearer(team.mediators.community))
    .set('Accept-Language', language)
    .send(wageDispute(parties));

const search = (q: string, who = team.mediators.community) =>
  request(testApp.app).get('/api/v1/cases').query({ q }).set(bearer(who));

describe('registering parties by what identifies them (GB 11643, GB 32100)', () => {
  it('GB 32100-2015: an organisation with a valid 统一社会信用代码 registers; its code is stored upper case, shown masked', async () => {
    const registered = await register([worker(), employer({ idNumber: '91310112ma1gb12347' })]);

    expect(registered.status).toBe(201);
    expect(registered.body.parties[1]).toMatchObject({
      kind: 'organisation',
      idNumber: '913***********2347',
    });
    const [row] = await testApp.db.query(
      'SELECT id_number_masked, phone_masked FROM parties WHERE case_id = $1 AND position = 1',
      [registered.body.id],
    );
    expect(row).toEqual({ id_number_masked: '913***********2347', phone_masked: '021****3456' });
  });

  it('GB 32100-2015: a wrong check character is refused naming parties.0.idNumber, in Chinese and in English', async () => {
    const wrong = { ...employer({ idNumber: '91310112MA1GB12348' }), role: 'applicant' };
    const refused = await register([wrong, worker({ role: 'respondent' })]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ field: 'parties.0.idNumber', message: expect.stringContaining('GB 32100') }),
    ]);

    const inEnglish = await register([wrong, worker({ role: 'respondent' })], 'en');
    expect(inEnglish.body.error.details[0]).toMatchObject({
      field: 'parties.0.idNumber',
      message: expect.stringContaining('does not match its check character (GB 32100)'),
    });
  });

  it('GB 11643-1999: a personal ID with a wrong check digit is refused naming the field; one ending in a lower-case x registers', async () => {
    const refused = await register([worker({ idNumber: '310112198503152016' }), employer()]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ field: 'parties.0.idNumber', message: expect.stringContaining('校验位') }),
    ]);

    const withX = await register([worker({ idNumber: '11010519491231002x' }), employer()]);
    expect(withX.status).toBe(201);
    expect(withX.body.parties[0].idNumber).toBe('110***********002X');
  });

  it('居民身份证法 §17: a 15-digit first-generation ID is refused, asking for the 18-character number', async () => {
    const refused = await register([worker({ idNumber: '310112850315201' }), employer()]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]).toMatchObject({
      field: 'parties.0.idNumber',
      message: expect.stringContaining('2013 年 1 月 1 日停止使用'),
    });
  });

  it('a personal ID on an organisation, and a credit code on a person, are refused saying which number it is', async () => {
    const idOnOrganisation = await register([worker(), employer({ idNumber: workerId })]);
    expect(idOnOrganisation.status).toBe(400);
    expect(idOnOrganisation.body.error.details[0]).toMatchObject({
      field: 'parties.1.idNumber',
      message: expect.stringContaining('这是个人身份证号'),
    });

    const codeOnPerson = await register([worker({ idNumber: employerCode }), employer()]);
    expect(codeOnPerson.body.error.details[0]).toMatchObject({
      field: 'parties.0.idNumber',
      message: expect.stringContaining('这是统一社会信用代码'),
    });
  });

  it('a 10-digit mobile number is refused naming parties.0.phone; a landline with its area code is accepted', async () => {
    const refused = await register([worker({ phone: '1381234567' }), employer()]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ field: 'parties.0.phone', message: '手机号应为 11 位' }),
    ]);

    const landline = await register([
      worker({ phone: '(021) 6412 3456' }),
      employer({ phone: '021-64123456-802' }),
    ]);
    expect(landline.status).toBe(201);
  });
});

describe('finding cases by a whole ID, credit code or phone number (keyed hash, exact)', () => {
  let caseId: string;
  let number: string;
  const worker2Id = '310112199001011233';

  beforeAll(async () => {
    const registered = await register([
      worker({ name: '李桂兰', idNumber: worker2Id, phone: '+86 139-0000-1111' }),
      employer({ name: '上海某物业管理有限公司', idNumber: '913100006072212342', phone: '021-54321098' }),
    ]);
    expect(registered.status).toBe(201);
    ({ id: caseId, number } = registered.body);
  });

  it('GB 11643-1999: q = the applicant’s 18-digit ID finds the case; its first 10 or 17 digits find nothing', async () => {
    const found = await search(worker2Id);
    expect(found.status).toBe(200);
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([caseId]);
    expect(found.body.total).toBe(1);

    for (const part of [worker2Id.slice(0, 10), worker2Id.slice(0, 17), worker2Id.slice(-6)]) {
      const nothing = await search(part);
      expect(nothing.status).toBe(200);
      expect(nothing.body).toMatchObject({ items: [], total: 0 });
    }
  });

  it('GB 32100-2015: q = the employer’s credit code finds the case', async () => {
    const found = await search('913100006072212342');
    expect(found.body.items.map((item: { number: string }) => item.number)).toEqual([number]);
  });

  it('q = a phone number however typed (+86, spaces, hyphens; a landline with its area code) finds the case', async () => {
    for (const typed of [
      '13900001111',
      '+86 139 0000 1111',
      '139-0000-1111',
      '021-54321098',
      '02154321098',
    ]) {
      const found = await search(typed);
      expect({ typed, ids: found.body.items.map((item: { id: string }) => item.id) }).toEqual({
        typed,
        ids: [caseId],
      });
    }
    expect((await search('1390000111')).body.total).toBe(0);
  });

  it('a mediator who cannot see the case finds nothing by the same numbers, answered exactly as for a number nobody has', async () => {
    const outsider = team.mediators.otherDepartment;
    const byId = await search(worker2Id, outsider);
    const unknown = await search('310112197808084565', outsider);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(unknown.body);
    expect(byId.body).toMatchObject({ items: [], total: 0 });
    expect((await search('13900001111', outsider)).body.total).toBe(0);
  });

  it('the web list finds the case by its ID number typed with spaces and a lower-case x', async () => {
    const withX = await register([
      worker({ name: '周小红', idNumber: '11010519491231002X', phone: '13900001111' }),
      employer(),
    ]);
    const mediator = new Browser(testApp.app);
    await mediator.signIn(team.mediators.community.user.username);
    const page = await mediator.get(`/cases?q=${encodeURIComponent('110105 19491231 002x')}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(withX.body.number);
    expect(page.text).not.toContain(number);
  });
});

describe('the intake duplicate check', () => {
  it('matches an open case by the full ID number of a party, typed with spaces', async () => {
    const registered = await register([
      worker({ name: '陈立新', idNumber: '310112197808084565' }),
      employer(),
    ]);
    const user = await createUser(testApp.db, { role: 'mediator', unitId: team.units.community.id });
    const mediator = new Browser(testApp.app);
    await mediator.signIn(user.username);
    await mediator.get('/cases/new');
    const review = await mediator.post('/cases', {
      type: 'neighbourhood',
      source: 'walk_in',
      title: '邻里噪声',
      description: '楼上夜间噪声。',
      'parties.0.role': 'applicant',
      'parties.0.kind': 'person',
      'parties.0.name': '陈某',
      'parties.0.idNumber': '310112 19780808 4565',
      'parties.1.role': 'respondent',
      'parties.1.kind': 'person',
      'parties.1.name': '楼上住户',
      intent: 'check',
    });
    expect(review.status).toBe(200);
    expect(review.text).toContain('可能重复的案件');
    expect(review.text).toContain(registered.body.number);
    expect(review.text).toContain('身份证号相同');
  });

  it('matches an open case by a party’s phone number, typed with +86 and hyphens', async () => {
    const registered = await register([
      worker({ name: '郑秀兰', idNumber: '310112200002290014', phone: '021-64998877' }),
      employer(),
    ]);
    const user = await createUser(testApp.db, { role: 'mediator', unitId: team.units.community.id });
    const mediator = new Browser(testApp.app);
    await mediator.signIn(user.username);
    await mediator.get('/cases/new');
    const review = await mediator.post('/cases', {
      type: 'property_management',
      source: 'walk_in',
      title: '物业费争议',
      description: '业主对物业费有异议。',
      'parties.0.role': 'applicant',
      'parties.0.kind': 'person',
      'parties.0.name': '郑女士',
      'parties.0.phone': '+86 21 6499 8877',
      'parties.1.role': 'respondent',
      'parties.1.kind': 'organisation',
      'parties.1.name': '某物业公司',
      intent: 'check',
    });
    expect(review.status).toBe(200);
    expect(review.text).toContain(registered.body.number);
    expect(review.text).toContain('电话号码相同');
  });

  it('the form’s ID field takes text (a phone keypad can type X), and is labelled for the kind: 统一社会信用代码 for an organisation', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId: team.units.community.id });
    const mediator = new Browser(testApp.app);
    await mediator.signIn(user.username);
    const blank = await mediator.get('/cases/new');
    expect(blank.text).toMatch(/name="parties\.0\.idNumber"[^>]* inputmode="text"/);
    expect(blank.text).not.toMatch(/name="parties\.0\.idNumber"[^>]* inputmode="numeric"/);
    expect(blank.text).toMatch(/name="parties\.0\.phone" type="tel"[^>]* inputmode="tel"/);
    expect(blank.text).toContain('<label for="field-parties.0.idNumber">身份证号（选填）</label>');

    const refused = await mediator.post('/cases', {
      type: 'labour',
      source: 'walk_in',
      title: '拖欠工资',
      description: '公司拖欠工资。',
      'parties.0.role': 'applicant',
      'parties.0.kind': 'person',
      'parties.0.name': '工人甲',
      'parties.0.phone': '1381234567',
      'parties.1.role': 'respondent',
      'parties.1.kind': 'organisation',
      'parties.1.name': '某公司',
      'parties.1.idNumber': '91310112MA1GB12348',
      intent: 'save',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('<label for="field-parties.1.idNumber">统一社会信用代码（选填）</label>');
    expect(refused.text).toMatch(
      /id="field-parties\.1\.idNumber-error" class="field-error">统一社会信用代码校验位不符/,
    );
    expect(refused.text).toMatch(/id="field-parties\.0\.phone-error" class="field-error">手机号应为 11 位/);
    expect(refused.text).toContain('value="91310112MA1GB12348"');
  });
});
