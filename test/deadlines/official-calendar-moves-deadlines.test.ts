import request from 'supertest';
import type { Services } from '../../src/composition-root';
import { databaseSchema } from '../../src/database-schema';
import { todayInShanghai } from '../../src/deadlines/working-calendar';
import { createDataSource } from '../../src/shared/db/data-source';
import { createLogger } from '../../src/shared/logger';
import type { RunningWorker } from '../../src/worker';
import {
  bearer,
  type CaseTeam,
  type CaseView,
  createCaseTeam,
  type Member,
  registerCase,
  sendEvents,
} from '../cases/case-api';
import { apiToken, createUser } from '../support/auth';
import { SmtpPeer, servicesOn, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/** Days from `from` to `to`, both included. */
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

/** An invented 2027 notice (the real one is not out) whose Spring Festival runs 5–12 February, Saturday 20 February worked. */
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
};

/**
 * Issue 16: entering a year's notice moves, in the same request, every open deadline it
 * changes, and the holder hears of it (a deadline.moved notice, mailed in their language).
 */
describe('entering a year’s holiday notice moves the open deadlines it changes', () => {
  let smtp: SmtpPeer;
  let testApp: TestApp;
  let worker: RunningWorker;
  let team: CaseTeam;
  let admin: Member;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    // the day, 10:00 in Shanghai: the dates below are counted from it
    testApp = await startTestApp({ smtpUrl: smtp.url }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    worker = await startTestWorker(testApp);
    // 25 days on: Monday 28 December 2026, a month before the Spring Festival of a year with no notice
    testApp.clock.advanceMinutes(25 * 24 * 60);
    team = await createCaseTeam(testApp);
    const user = await createUser(testApp.db, { role: 'admin', unitId: team.units.district.id });
    admin = { user, token: await apiToken(testApp.app, user.username) };
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  async function acceptedCase(type: string, assignTo?: string) {
    const mediator = team.mediators.community;
    const registered = await registerCase(testApp, mediator, { type });
    const events: Array<[Member, Record<string, unknown>]> = [
      [mediator, { type: 'SUBMIT' }],
      [mediator, { type: 'ACCEPT', track: 'people', level: 'community' }],
    ];
    if (assignTo) events.push([mediator, { type: 'ASSIGN', mediatorUsername: assignTo }]);
    const body = await sendEvents(testApp, registered.body.id, 0, events);
    return { id: registered.body.id as string, number: registered.body.number as string, body };
  }
  const caseView = async (id: string) =>
    (await request(testApp.app).get(`/api/v1/cases/${id}`).set(bearer(team.supervisor))).body as CaseView;
  const movedNotices = () =>
    testApp.db.query(
      `SELECT subject_id, recipient_user_id, recipient_unit_id, unit_audience, payload FROM outbox
       WHERE kind = 'deadline.moved' AND parent_id IS NULL ORDER BY id`,
    );

  it('医疗纠纷预防和处理条例 第三十八条 across 2027 with no notice: 30 working days from 2026-12-28 end on 2027-02-11 (除夕 to 初三 off by law); the notice closes 9–12 February, so it moves to 2027-02-17 and the mediator is told, by mail in English', async () => {
    expect(todayInShanghai(testApp.clock.now())).toBe('2026-12-28');
    const holder = await createUser(testApp.db, {
      role: 'mediator',
      unitId: team.units.community.id,
      locale: 'en',
      displayName: 'Wang Fang',
    });
    const medical = await acceptedCase('medical', holder.username);
    const unassigned = await acceptedCase('medical');
    // 人民调解工作若干规定 §33: one month, 2027-01-28, a Thursday the notice leaves alone
    const neighbours = await acceptedCase('neighbourhood', team.mediators.community.user.username);
    expect(medical.body.deadline).toMatchObject({ due: '2027-02-11', provisional: true });
    expect(unassigned.body.deadline).toMatchObject({ due: '2027-02-11', provisional: true });
    expect(neighbours.body.deadline).toMatchObject({ due: '2027-01-28', months: 1, provisional: true });

    const entered = await request(testApp.app)
      .put('/api/v1/calendar/2027')
      .set(bearer(admin))
      .send(notice2027);

    expect(entered.status).toBe(200);
    expect(entered.body.deadlinesMoved).toBe(2);
    // in the same request: the case, its stored dates and its timer all follow the notice
    expect((await caseView(medical.id)).deadline).toMatchObject({
      due: '2027-02-17',
      provisional: false,
      yearsWithoutNotice: [],
    });
    expect((await caseView(neighbours.id)).deadline).toMatchObject({ due: '2027-01-28', provisional: false });
    const [stored] = await testApp.db.query(
      `SELECT to_char(c.deadline_due, 'YYYY-MM-DD') AS due, c.deadline->>'due' AS json_due,
              to_char(t.due_on, 'YYYY-MM-DD') AS timer_due
       FROM cases c JOIN deadline_timers t ON t.subject_id = c.id WHERE c.id = $1`,
      [medical.id],
    );
    expect(stored).toEqual({ due: '2027-02-17', json_due: '2027-02-17', timer_due: '2027-02-17' });

    // the holder, or with no mediator yet the workstation's mediators, hear of each moved date; nobody of the untouched one
    const notices = await movedNotices();
    expect(notices).toHaveLength(2);
    expect(notices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subject_id: unassigned.id,
          recipient_user_id: null,
          recipient_unit_id: team.units.community.id,
          unit_audience: 'members',
        }),
        expect.objectContaining({
          subject_id: medical.id,
          recipient_user_id: holder.id,
          recipient_unit_id: null,
          payload: expect.objectContaining({ from: '2027-02-11', due: '2027-02-17', provisional: false }),
        }),
      ]),
    );
    // the holder is also one of the workstation's mediators, told of the unassigned case's date as well:
    // the two mails go out concurrently, in either order
    const mail = await waitFor("the deadline-moved mail of the holder's case", () =>
      smtp
        .to(holder.email as string)
        .find((each) => each.subject?.includes('Deadline moved') && each.subject.includes(medical.number)),
    );
    expect(mail.subject).toBe(`[${medical.number}] Deadline moved: 2027-02-11 → 2027-02-17`);
    expect(mail.text).toContain(`the deadline of case ${medical.number} moved from 2027-02-11 to 2027-02-17`);
    expect(mail.html).toContain('<s>2027-02-11</s>');

    // entering the same notice again moves nothing and tells nobody
    const again = await request(testApp.app).put('/api/v1/calendar/2027').set(bearer(admin)).send(notice2027);
    expect(again.body.deadlinesMoved).toBe(0);
    expect(await movedNotices()).toHaveLength(2);
  });

  it('when another app process runs on the same database, then the change notice brings it the new calendar', async () => {
    const otherDb = createDataSource(testApp.config.databaseUrl as string, {
      ...databaseSchema,
      poolSize: 2,
    });
    await otherDb.initialize();
    let other: Services | undefined;
    try {
      other = await servicesOn(testApp, otherDb);
      await other.calendarCache.start(testApp.config.databaseUrl as string, createLogger('silent'));
      const was = other.calendar().isWorkingDay('2027-03-01');

      const entered = await request(testApp.app)
        .put('/api/v1/calendar/2027')
        .set(bearer(admin))
        .send({ ...notice2027, holidays: [...notice2027.holidays, '2027-03-01'], note: '补充' });
      expect(entered.status).toBe(200);

      expect(was).toBe(true);
      // this process counts with it at once; the other as soon as the notice arrives
      expect(testApp.services.calendar().isWorkingDay('2027-03-01')).toBe(false);
      const services = other;
      await waitFor('the other process to read the calendar again', () =>
        services.calendar().isWorkingDay('2027-03-01') ? null : true,
      );
      expect(other.calendar().coversYear(2027)).toBe(true);
    } finally {
      await other?.calendarCache.stop();
      await otherDb.destroy();
    }
  });
});
