import request from 'supertest';
import { dueDate, dueDateOf } from '../../src/deadlines/period';
import { addDays } from '../../src/deadlines/plain-date';
import { officialCalendar, todayInShanghai } from '../../src/deadlines/working-calendar';
import { generalPeopleMediation } from '../../src/workflows/rules/shared-rules';
import { apiToken, createUser } from '../support/auth';
import { createDistrictTree, createUnit } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const header =
  'number,type,title,source,unitCode,registeredOn,screenedOn,screening,track,level,closedOn,outcome';

/**
 * Issue 16 item 6: cases the historic import brings in still open get the clock the
 * workflow would have started for them, from the import's dates and their type's rules,
 * so the sweep warns about them and flags them overdue like any other.
 */
describe('imported open cases get their clocks', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let adminToken: string;
  let supervisorToken: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    tree = await createDistrictTree(testApp.db);
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id });
    adminToken = await apiToken(testApp.app, admin.username);
    supervisorToken = await apiToken(testApp.app, supervisor.username);
  });
  afterAll(() => testApp.close());

  const caseByTitle = async (title: string) => {
    const [row] = await testApp.db.query(
      `SELECT id, state, deadline, to_char(deadline_due, 'YYYY-MM-DD') AS "deadlineDue", overdue FROM cases WHERE title = $1`,
      [title],
    );
    return row;
  };

  it('when open cases are imported, then each has its type’s clock from the import’s dates (labour: from receipt, 劳动争议调解仲裁法 第十四条), and the sweep gives them timers, flags the overdue one and tells its unit', async () => {
    const today = todayInShanghai(testApp.clock.now());
    const health = await createUnit(testApp.db, {
      kind: 'department',
      parentId: tree.district.id,
      departmentKey: 'health',
    });
    const registeredOn = addDays(today, -40);
    const csv = [
      header,
      `,labour,导入-拖欠工资,walk_in,${tree.community.code},${registeredOn},${addDays(today, -35)},accepted,people,community,,`,
      `,neighbourhood,导入-噪音纠纷,walk_in,${tree.community.code},${addDays(today, -8)},${addDays(today, -5)},accepted,people,community,,`,
      `,medical,导入-医疗纠纷,walk_in,${health.code},${addDays(today, -2)},,,,,,`,
      `,family,导入-已结案件,walk_in,${tree.community.code},${registeredOn},${registeredOn},accepted,people,community,${addDays(today, -1)},resolved`,
    ].join('\n');

    const response = await request(testApp.app)
      .post('/api/v1/imports/cases')
      .set('Authorization', `Bearer ${adminToken}`)
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(response.status).toBe(201);

    const labour = await caseByTitle('导入-拖欠工资');
    const labourDue = dueDate(registeredOn, 15, 'calendar', officialCalendar);
    expect(labour).toMatchObject({
      state: 'mediation.awaitingMediator',
      deadlineDue: labourDue,
      overdue: true,
    });
    expect(labour.deadline).toMatchObject({ startedOn: registeredOn, days: 15, clock: 'mediation' });
    const noise = await caseByTitle('导入-噪音纠纷');
    // one calendar month (人民调解工作若干规定 第三十三条; 民法典 第二百零二条), not 30 days: started on
    // 1 December, for one, it ends on 1 January, New Year's Day, and rolls to the next working day
    expect(noise).toMatchObject({
      deadlineDue: dueDateOf(addDays(today, -5), generalPeopleMediation, officialCalendar),
      overdue: false,
    });
    const medical = await caseByTitle('导入-医疗纠纷');
    expect(medical).toMatchObject({
      state: 'screening',
      deadlineDue: dueDate(addDays(today, -2), 5, 'working', officialCalendar),
    });
    expect(medical.deadline.clock).toBe('acceptance');
    expect(await caseByTitle('导入-已结案件')).toMatchObject({
      state: 'closed',
      deadline: null,
      overdue: false,
    });

    const shown = await request(testApp.app)
      .get(`/api/v1/cases/${labour.id}`)
      .set('Authorization', `Bearer ${supervisorToken}`);
    expect(shown.body).toMatchObject({ overdue: true, receivedOn: registeredOn });
    expect(shown.body.deadline).toMatchObject({
      due: labourDue,
      source: { zh: '劳动争议调解仲裁法 第十四条' },
    });

    const result = await testApp.services.timers.sweep();
    expect(result.failures).toEqual([]);
    const timers = await testApp.db.query(
      `SELECT subject_id AS "caseId", clock, job_id IS NOT NULL OR overdue_at IS NOT NULL AS "scheduled"
       FROM deadline_timers WHERE subject_type = 'case' AND subject_id = ANY($1) ORDER BY clock`,
      [[labour.id, noise.id, medical.id]],
    );
    expect(timers).toEqual(
      expect.arrayContaining([
        { caseId: medical.id, clock: 'acceptance', scheduled: true },
        { caseId: labour.id, clock: 'mediation', scheduled: true },
        { caseId: noise.id, clock: 'mediation', scheduled: true },
      ]),
    );
    expect(timers).toHaveLength(3);
    const overdueNotices = await testApp.db.query(
      `SELECT subject_id AS "caseId", recipient_unit_id AS "unitId" FROM outbox
       WHERE kind = 'deadline.overdue' AND subject_id = ANY($1)`,
      [[labour.id, noise.id, medical.id]],
    );
    expect(overdueNotices).toEqual([{ caseId: labour.id, unitId: tree.community.id }]);
  });
});
