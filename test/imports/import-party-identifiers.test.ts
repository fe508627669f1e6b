import request from 'supertest';
import { apiToken, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The historic import checks the sides' ID numbers as registration does (GB 11643, GB 32100):
 * a wrong check character refuses the row by its cell; a 统一社会信用代码 makes that side an
 * organisation; a first-generation 15-digit number, common in old records, is stored as the
 * 18-character number that replaced it — so that a search by today's number finds the case.
 */

const header =
  'number,type,title,source,unitCode,registeredOn,screenedOn,screening,track,level,closedOn,outcome,applicant,applicantIdNumber,respondent,respondentIdNumber';

let testApp: TestApp;
let tree: Awaited<ReturnType<typeof createDistrictTree>>;
let adminToken: string;

beforeAll(async () => {
  testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
  tree = await createDistrictTree(testApp.db);
  const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
  adminToken = await apiToken(testApp.app, admin.username);
});
afterAll(() => testApp.close());

const importCsv = (rows: string[]) =>
  request(testApp.app)
    .post('/api/v1/imports/cases')
    .set('Authorization', `Bearer ${adminToken}`)
    .set('Content-Type', 'text/csv')
    .send([header, ...rows].join('\n'));

const closedLabourRow = (title: string, applicantId: string, respondentId: string) =>
  `,labour,${title},walk_in,${tree.community.code},2011-03-01,2011-03-02,accepted,people,community,2011-03-20,resolved,周工人,${applicantId},某建筑公司,${respondentId}`;

describe('historic import: the sides’ ID numbers', () => {
  it('GB 11643-1999 / GB 32100-2015: a wrong check character refuses the row, naming its cell; nothing is imported', async () => {
    const response = await importCsv([
      closedLabourRow('欠薪一', '310112198503152016', '91310112MA1GB12347'),
      closedLabourRow('欠薪二', '310112198503152015', '91310112MA1GB12348'),
    ]);

    expect(response.status).toBe(422);
    expect(response.body.error.details).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'applicantIdNumber',
        message: expect.stringContaining('GB 11643'),
      }),
      expect.objectContaining({
        row: 3,
        column: 'respondentIdNumber',
        message: expect.stringContaining('GB 32100'),
      }),
    ]);
  });

  it('GB 11643-1999 appendix: a 15-digit number is stored as its 18-character successor, a credit code as an organisation; the list finds the case by either', async () => {
    const imported = await importCsv([closedLabourRow('欠薪三', '310112850315201', '91310112ma1gb12347')]);
    expect(imported.status).toBe(201);

    const parties = await testApp.db.query(
      `SELECT p.kind, p.id_number_masked FROM parties p JOIN cases c ON c.id = p.case_id
       WHERE c.title = '欠薪三' ORDER BY p.position`,
    );
    expect(parties).toEqual([
      { kind: 'person', id_number_masked: '310***********2015' },
      { kind: 'organisation', id_number_masked: '913***********2347' },
    ]);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id });
    const token = await apiToken(testApp.app, supervisor.username);
    for (const q of ['310112198503152015', '91310112MA1GB12347']) {
      const found = await request(testApp.app)
        .get('/api/v1/cases')
        .query({ q })
        .set('Authorization', `Bearer ${token}`);
      expect(found.body.items.map((item: { title: string }) => item.title)).toEqual(['欠薪三']);
    }
  });
});
