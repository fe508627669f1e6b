import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Case } from '../../src/cases/case.entity';
import { apiToken, createUser } from '../support/auth';
import { send } from '../support/case-steps';
import { createCase, createDistrictTreeWithCourt, createUnit } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const header =
  'number,type,title,source,unitCode,registeredOn,screenedOn,screening,track,level,closedOn,outcome,referredTo,applicant,applicantIdNumber,respondent,respondentIdNumber';

/** Two parties no other test names (matched by name hash: no ID numbers). */
const twoParties = () => {
  const suffix = randomUUID().slice(0, 8);
  return [`甲${suffix}`, `乙${suffix}`] as const;
};

/**
 * Review findings 3 and 4 of issue 19: the historic import checks one forum per dispute
 * on the rows it should (open ones, by their outcome), between the rows of one file,
 * with imported referrals holding the forum, in the write transaction; and an open
 * accepted row sits where ACCEPT would have put it.
 */
describe('historic import: one forum per matter and where open rows sit', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTreeWithCourt>>;
  let adminToken: string;
  let humanResources: Awaited<ReturnType<typeof createUnit>>;
  let health: Awaited<ReturnType<typeof createUnit>>;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    tree = await createDistrictTreeWithCourt(testApp.db);
    humanResources = await createUnit(testApp.db, {
      kind: 'department',
      parentId: tree.district.id,
      departmentKey: 'human_resources',
      nameZh: '测试区人力资源和社会保障局',
    });
    health = await createUnit(testApp.db, {
      kind: 'department',
      parentId: tree.district.id,
      departmentKey: 'health',
      nameZh: '测试区卫生健康委员会',
      nameEn: 'Test District Health Commission',
    });
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    adminToken = await apiToken(testApp.app, admin.username);
  });
  afterAll(() => testApp.close());

  const importCsv = (lines: string[], locale = 'zh-CN') =>
    request(testApp.app)
      .post('/api/v1/imports/cases')
      .set('Authorization', `Bearer ${adminToken}`)
      .set('Content-Type', 'text/csv')
      .set('Accept-Language', locale)
      .send([header, ...lines].join('\n'));
  const caseCount = () => testApp.db.getRepository(Case).count();

  it('人民调解工作若干规定 第二十二条: two open rows of one file with the same two parties (either way round) and type — the later is refused naming the accepted row; another type, or two rows still in screening, import', async () => {
    const [a, b] = twoParties();
    const unit = tree.community.code;
    const before = await caseCount();
    const refused = await importCsv(
      [
        `,neighbourhood,漏水一,walk_in,${unit},2026-11-02,2026-11-03,accepted,people,community,,,,${a},,${b},`,
        `,neighbourhood,漏水二,walk_in,${unit},2026-11-05,,,,,,,,${b},,${a},`,
        `,neighbourhood,漏水三,walk_in,${unit},2026-11-06,2026-11-07,accepted,people,community,,,,${b},,${a},`,
      ],
      'en',
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      { row: 3, column: 'applicant', message: expect.stringContaining('the same dispute as row 2') },
      { row: 4, column: 'applicant', message: expect.stringContaining('the same dispute as row 2') },
    ]);
    expect(refused.body.error.details[0].message).toBe(
      'the same dispute as row 2 (the same parties, the same type), which holds the forum (one forum per dispute, ' +
        'Several Provisions on People’s Mediation Work (Ministry of Justice, 2002), Art. 22): it cannot be imported as an open case',
    );
    expect(await caseCount()).toBe(before);

    const zh = await importCsv([
      `,neighbourhood,漏水一,walk_in,${unit},2026-11-02,2026-11-03,accepted,people,community,,,,${a},,${b},`,
      `,neighbourhood,漏水三,walk_in,${unit},2026-11-06,2026-11-07,accepted,people,community,,,,${b},,${a},`,
    ]);
    expect(zh.status).toBe(422);
    expect(zh.body.error.details).toEqual([
      {
        row: 3,
        column: 'applicant',
        message: expect.stringMatching(/^与第 2 行是同一纠纷（当事人相同，纠纷类型相同）.*第二十二条/),
      },
    ]);

    const imported = await importCsv([
      `,neighbourhood,漏水一,walk_in,${unit},2026-11-02,2026-11-03,accepted,people,community,,,,${a},,${b},`,
      `,property_management,物业费,walk_in,${unit},2026-11-05,2026-11-06,accepted,people,community,,,,${b},,${a},`,
    ]);
    expect(imported.status).toBe(201);
    const [c, d] = twoParties();
    const screening = await importCsv([
      `,neighbourhood,未受理一,walk_in,${unit},2026-11-02,,,,,,,,${c},,${d},`,
      `,neighbourhood,未受理二,walk_in,${unit},2026-11-03,,,,,,,,${d},,${c},`,
    ]);
    expect(screening.status).toBe(201);
  });

  it('人民调解工作若干规定 第二十二条: a row closed by its screening (declined or referred out, no closing date) is history and is not checked against a stored forum', async () => {
    const [a, b] = twoParties();
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const actor = await testApp.services.actors.load(mediator.id);
    if (!actor) throw new Error('no actor');
    const held = await createCase(testApp.services, mediator.id, {
      type: 'neighbourhood',
      parties: [
        { role: 'applicant', kind: 'person', name: a },
        { role: 'respondent', kind: 'person', name: b },
      ],
    });
    await send(testApp.services, actor, held, { type: 'SUBMIT' }, { type: 'ACCEPT', track: 'people' });
    const unit = tree.community.code;

    const history = await importCsv([
      `,neighbourhood,不予受理,walk_in,${unit},2026-10-02,2026-10-03,declined,,,,,,${b},,${a},`,
      `,neighbourhood,移送,walk_in,${unit},2026-10-04,2026-10-05,referred_out,,,,,,${a},,${b},`,
    ]);
    expect(history.status).toBe(201);
    expect(history.body).toEqual({ imported: 2 });

    const open = await importCsv([`,neighbourhood,仍在受理,walk_in,${unit},2026-11-02,,,,,,,,${b},,${a},`]);
    expect(open.status).toBe(422);
    expect(open.body.error.details).toEqual([
      { row: 2, column: 'applicant', message: expect.stringContaining(tree.community.nameZh) },
    ]);
  });

  it('医疗纠纷预防和处理条例 第三十一条、第四十条: a medical row referred to the court (referredTo) holds the forum — an open row of the same file, and of a later import, is refused; a referral to arbitration does not hold it; referredTo only on a referral', async () => {
    const [patient, hospital] = twoParties();
    const unit = tree.community.code;
    const referred = `,medical,手术纠纷,walk_in,${unit},2026-09-01,2026-09-02,referred_out,,,,,court,${patient},,${hospital},`;
    const open = `,medical,手术纠纷（再次申请）,walk_in,${health.code},2026-11-10,,,,,,,,${hospital},,${patient},`;
    const before = await caseCount();

    const inFile = await importCsv([referred, open], 'en');
    expect(inFile.status).toBe(422);
    expect(inFile.body.error.details).toEqual([
      {
        row: 3,
        column: 'applicant',
        message: expect.stringMatching(/^the same dispute as row 2 .*Arts\. 31 and 40/),
      },
    ]);
    expect(await caseCount()).toBe(before);

    expect((await importCsv([referred])).status).toBe(201);
    const later = await importCsv([open], 'en');
    expect(later.status).toBe(422);
    // the stored case holds the forum as a referral: the message says so, not "accepted"
    expect(later.body.error.details).toEqual([
      {
        row: 2,
        column: 'applicant',
        message: expect.stringMatching(
          /referred the same dispute to Court .*: it cannot be imported as an open case/,
        ),
      },
    ]);

    const [other, clinic] = twoParties();
    const toArbitration = await importCsv([
      `,medical,转仲裁,walk_in,${unit},2026-09-01,2026-09-02,referred_out,,,,,arbitration,${other},,${clinic},`,
      `,medical,再申请,walk_in,${health.code},2026-11-10,,,,,,,,${clinic},,${other},`,
    ]);
    expect(toArbitration.status).toBe(201);

    const notReferred = await importCsv(
      [
        `,neighbourhood,结案,walk_in,${unit},2026-09-01,2026-09-02,accepted,people,community,2026-09-20,resolved,court,,,,`,
      ],
      'en',
    );
    expect(notReferred.status).toBe(422);
    expect(notReferred.body.error.details).toEqual([
      {
        row: 2,
        column: 'referredTo',
        message: 'only a case closed by referral out (referred_out) names the agency it was referred to',
      },
    ]);
  });

  it('routing of open accepted rows as ACCEPT decides it (issue 19 item 5): the unit’s own level, a people’s unit, the type’s competent body without an override (劳动争议 → 人力资源和社会保障局), a court; closed rows are history', async () => {
    const community = tree.community.code;
    const before = await caseCount();
    const refused = await importCsv(
      [
        `,neighbourhood,越级,walk_in,${community},2026-11-02,2026-11-03,accepted,people,street,,,,,,,`,
        `,neighbourhood,部门人民调解,walk_in,${health.code},2026-11-02,2026-11-03,accepted,people,district,,,,,,,`,
        `,labour,欠薪,walk_in,${health.code},2026-11-02,2026-11-03,accepted,administrative,,,,,,,,`,
        `,labour,欠薪（居委）,walk_in,${community},2026-11-02,2026-11-03,accepted,administrative,,,,,,,,`,
        `,neighbourhood,司法调解,walk_in,${community},2026-11-02,2026-11-03,accepted,judicial,,,,,,,,`,
      ],
      'en',
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      {
        row: 2,
        column: 'level',
        message:
          'an open case is accepted at its unit’s own level (Community level): import an escalated case to the unit it went up to',
      },
      { row: 3, column: 'unitCode', message: expect.stringContaining('on the people’s track') },
      {
        row: 4,
        column: 'unitCode',
        message:
          'the competent body for Labour dispute is the Human Resources and Social Security Bureau (labour dispute arbitration commission): an open administrative-track case is imported to it only',
      },
      { row: 5, column: 'unitCode', message: expect.stringContaining('administrative department') },
      { row: 6, column: 'unitCode', message: expect.stringContaining('people’s court') },
    ]);
    expect(await caseCount()).toBe(before);

    const zh = await importCsv([
      `,labour,欠薪,walk_in,${health.code},2026-11-02,2026-11-03,accepted,administrative,,,,,,,,`,
    ]);
    expect(zh.body.error.details).toEqual([
      {
        row: 2,
        column: 'unitCode',
        message: expect.stringMatching(/的主管机关是 人力资源和社会保障局（劳动人事争议仲裁委员会）：/),
      },
    ]);

    const placed = await importCsv([
      `,neighbourhood,本级,walk_in,${community},2026-11-02,2026-11-03,accepted,people,community,,,,,,,`,
      `,neighbourhood,街镇,walk_in,${tree.street.code},2026-11-02,2026-11-03,accepted,people,street,,,,,,,`,
      `,labour,欠薪,walk_in,${humanResources.code},2026-11-02,2026-11-03,accepted,administrative,,,,,,,,`,
      `,other,其他纠纷,walk_in,${health.code},2026-11-02,2026-11-03,accepted,administrative,,,,,,,,`,
      `,neighbourhood,法院,walk_in,${tree.court.code},2026-11-02,2026-11-03,accepted,judicial,,,,,,,,`,
      // history: handled where it was, closed — recorded as it was
      `,labour,旧欠薪,walk_in,${health.code},2016-11-02,2016-11-03,accepted,administrative,,2016-11-20,resolved,,,,,`,
      `,neighbourhood,旧越级,walk_in,${community},2016-11-02,2016-11-03,accepted,people,street,2016-11-20,resolved,,,,,`,
    ]);
    expect(placed.status).toBe(201);
    expect(placed.body).toEqual({ imported: 7 });
  });
});
