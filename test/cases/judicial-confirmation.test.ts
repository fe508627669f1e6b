import request from 'supertest';
import { casePageView } from '../../src/cases/case-page.view-model';
import { dashboardView } from '../../src/cases/dashboard.view-model';
import { dueDate } from '../../src/deadlines/period';
import { daysBetween } from '../../src/deadlines/plain-date';
import { officialCalendar } from '../../src/deadlines/working-calendar';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { createI18n } from '../../src/shared/i18n/i18n';
import type { RunningWorker } from '../../src/worker';
import { apiToken } from '../support/auth';
import { SmtpPeer, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, registration } from './case-api';

/**
 * Issue 19, "the court's hand": a case sent for judicial confirmation (人民调解法 §33;
 * 民事诉讼法 §205, §206, §187) reaches the court's own users — in their queue, by mail, on
 * the case — and they, not the street's mediator, record the ruling. Run on the demo
 * organisation (闵行区, court MH-FY) with its demo accounts, as the "done when" says.
 */
describe('judicial confirmation at the court (demo organisation)', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;
  const tokens: Record<string, string> = {};
  let courtId: string;

  const api = (username: string) => ({
    get: (path: string) => request(testApp.app).get(path).set(bearer(tokens[username])),
    post: (path: string, body: object) =>
      request(testApp.app).post(path).set(bearer(tokens[username])).send(body),
  });

  const actorOf = async (username: string) => {
    const actor = await testApp.services.actors.load(await userId(username));
    if (!actor) throw new Error(`no ${username}`);
    return actor;
  };
  const viewContext = async () => {
    const i18n = await createI18n('zh-CN');
    return { t: i18n.getFixedT('zh-CN'), locale: 'zh-CN' as const };
  };

  const userId = async (username: string): Promise<string> =>
    (await testApp.db.query('SELECT id FROM users WHERE username = $1', [username]))[0].id;

  /** Sends events in turn, each at the version the last answer gave; fails loudly on a refusal. */
  async function send(username: string, caseId: string, version: number, ...events: object[]) {
    let body = { version } as { version: number; [key: string]: unknown };
    for (const event of events) {
      const answer = await api(username).post(`/api/v1/cases/${caseId}/events`, {
        expectedVersion: body.version,
        ...event,
      });
      if (answer.status !== 200) throw new Error(`${JSON.stringify(event)}: ${answer.status} ${answer.text}`);
      body = answer.body;
    }
    return body;
  }

  /** A case of the street centre (莘庄镇) with a written agreement, mediated by mediator.street. */
  async function agreedAtStreet(type = 'neighbourhood', agreement: object = {}) {
    const registered = await api('mediator.street').post('/api/v1/cases', registration({ type }));
    expect(registered.status).toBe(201);
    const me = await userId('mediator.street');
    const body = await send(
      'mediator.street',
      registered.body.id,
      registered.body.version,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'street' },
      { type: 'ASSIGN', mediatorId: me },
      {
        type: 'REACH_AGREEMENT',
        form: 'written',
        terms: '被申请人赔偿维修费 3,000 元，十日内付清。',
        ...agreement,
      },
    );
    return { id: registered.body.id as string, number: registered.body.number as string, body };
  }

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    testApp = await startTestApp(
      { demoMode: true, smtpUrl: smtp.url },
      { startAt: new Date('2026-12-03T10:00:00+08:00') },
    );
    await seedDemoOrganisation(testApp.db);
    // the court's judge reads English: the notice comes in the reader's language
    await testApp.db.query(`UPDATE users SET locale = 'en' WHERE username = 'mediator.court'`);
    worker = await startTestWorker(testApp);
    for (const username of ['mediator.street', 'mediator.court', 'mediator'])
      tokens[username] = await apiToken(testApp.app, username, demoPassword);
    [{ id: courtId }] = await testApp.db.query(`SELECT id FROM units WHERE code = 'MH-FY'`);
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  it('人民调解法 第三十三条；民事诉讼法 第二百零五条、第二百零六条: mediator.court (MH-FY) sees a case sent for judicial confirmation in its queue, is told by mail, and confirms it; the case goes back to the street', async () => {
    const agreed = await agreedAtStreet();
    // before the application the court does not see the case
    expect((await api('mediator.court').get(`/api/v1/cases/${agreed.id}`)).status).toBe(404);

    const requested = await send('mediator.street', agreed.id, agreed.body.version, {
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court: courtId,
      appliedOn: '2026-12-03',
      jointlyApplied: true,
    });
    expect(requested).toMatchObject({ state: 'agreement.judicialConfirmation' });
    // §187: the court's 30 days from filing, counted as every period (§85): day 30 is Saturday
    // 2 January 2027, the day after 元旦 (a statutory holiday of a year whose notice is not
    // out), so the period ends on the next working day, Monday 4 January — provisionally
    const due = '2027-01-04';
    expect(dueDate('2026-12-03', 30, 'calendar', officialCalendar)).toBe(due);
    expect(requested.deadline).toMatchObject({
      clock: 'confirmation',
      days: 30,
      due,
      provisional: true,
      yearsWithoutNotice: [2027],
    });

    // the court's queue: its case list and its dashboard
    const court = api('mediator.court');
    const list = await court.get('/api/v1/cases?state=agreement.judicialConfirmation');
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { id: string }) => item.id)).toContain(agreed.id);
    const dashboard = await testApp.services.caseDashboard.forActor(await actorOf('mediator.court'));
    expect(dashboard.waiting?.items.map((item) => item.id)).toContain(agreed.id);
    expect(dashboard.waiting?.counts['agreement.judicialConfirmation']).toBeGreaterThanOrEqual(1);
    const home = dashboardView(dashboard, await actorOf('mediator.court'), await viewContext());
    expect(home.waiting?.counts.map((count) => count.state)).toContain('agreement.judicialConfirmation');

    // the case, with the ruling to record — and the street's mediator may no longer act on it
    const seen = await court.get(`/api/v1/cases/${agreed.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.allowedEvents.sort()).toEqual(['CONFIRMATION_REJECTED', 'CONFIRMED']);
    const street = await api('mediator.street').get(`/api/v1/cases/${agreed.id}`);
    expect(street.body.allowedEvents).toEqual([]);
    const byStreet = await api('mediator.street').post(`/api/v1/cases/${agreed.id}/events`, {
      expectedVersion: requested.version,
      type: 'CONFIRMED',
      rulingNo: '(2026)沪0112民特1号',
      ruledOn: '2026-12-03',
    });
    expect(byStreet.status).toBe(403);

    // told by mail, in the reader's language
    const mail = await waitFor(
      'the confirmation mail',
      () => smtp.to('mediator.court@demo.minhang.example')[0],
    );
    expect(mail.subject).toBe(
      `[${agreed.number}] Agreement sent for judicial confirmation: ${seen.body.title}`,
    );
    expect(mail.text).toContain('applied jointly for judicial confirmation on 2026-12-03');
    expect(mail.text).toContain(`rule by ${due}`);

    const confirmed = await send('mediator.court', agreed.id, requested.version, {
      type: 'CONFIRMED',
      rulingNo: '(2026)沪0112民特1号',
      ruledOn: '2026-12-03',
    });
    expect(confirmed).toMatchObject({
      state: 'agreement.awaitingFulfilment',
      judiciallyConfirmed: true,
      deadline: null,
    });
    // back at the street, which follows up the performance; the court still sees what it ruled on
    const [row] = await testApp.db.query(
      `SELECT u.code FROM cases c JOIN units u ON u.id = c.holding_unit_id WHERE c.id = $1`,
      [agreed.id],
    );
    expect(row.code).toBe('MH-XZ');
    expect((await court.get(`/api/v1/cases/${agreed.id}`)).status).toBe(200);
    const followed = await api('mediator.street').get(`/api/v1/cases/${agreed.id}`);
    expect(followed.body.allowedEvents).toEqual(expect.arrayContaining(['FULFILLED', 'BREACHED']));
  });

  it('民事诉讼法 第二百零六条: when the court rejects the application, mediation resumes at the street on the people’s track', async () => {
    const agreed = await agreedAtStreet();
    const requested = await send('mediator.street', agreed.id, agreed.body.version, {
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court: courtId,
      appliedOn: '2026-12-03',
      jointlyApplied: true,
    });
    const rejected = await send('mediator.court', agreed.id, requested.version, {
      type: 'CONFIRMATION_REJECTED',
      reason: '协议内容不明确，无法执行。',
    });
    expect(rejected).toMatchObject({ state: 'mediation.inProgress', track: 'people' });
    expect(rejected.deadline).toMatchObject({ clock: 'mediation' });
    const street = await api('mediator.street').get(`/api/v1/cases/${agreed.id}`);
    expect(street.body.allowedEvents).toContain('REACH_AGREEMENT');
  });

  it('民事诉讼法 第二百零五条第一项: a written agreement from the court’s 委派调解 (judicial track) goes to judicial confirmation at that court', async () => {
    const registered = await api('mediator.street').post('/api/v1/cases', registration());
    const me = await userId('mediator.court');
    const accepted = await send(
      'mediator.street',
      registered.body.id,
      registered.body.version,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'judicial', unitId: courtId },
    );
    const agreed = await send(
      'mediator.court',
      registered.body.id,
      accepted.version,
      { type: 'ASSIGN', mediatorId: me },
      { type: 'REACH_AGREEMENT', form: 'written', terms: '双方同意分两期付清货款。' },
    );
    expect(agreed.confirmationWindowEndsOn).toBe(dueDate('2026-12-03', 30, 'calendar', officialCalendar));
    expect(agreed.allowedEvents).toContain('REQUEST_JUDICIAL_CONFIRMATION');
    const requested = await send('mediator.court', registered.body.id, agreed.version, {
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court: courtId,
      appliedOn: '2026-12-03',
      jointlyApplied: true,
    });
    expect(requested).toMatchObject({ state: 'agreement.judicialConfirmation' });
    // the answers say what the court may do now: rule while it decides, follow up once it has
    expect((requested.allowedEvents as string[]).sort()).toEqual(['CONFIRMATION_REJECTED', 'CONFIRMED']);
    const confirmed = await send('mediator.court', registered.body.id, requested.version, {
      type: 'CONFIRMED',
      rulingNo: '(2026)沪0112民特4号',
      ruledOn: '2026-12-03',
    });
    expect(confirmed.allowedEvents).toEqual(expect.arrayContaining(['FULFILLED', 'BREACHED']));
  });

  it('劳动争议调解仲裁法 第十五条、第十六条: a breached labour agreement records arbitration, and the payment order where it concerns wages; the case page shows it', async () => {
    const wages = await agreedAtStreet('labour');
    const breached = await send('mediator.street', wages.id, wages.body.version, {
      type: 'BREACHED',
      concerns: ['wages', 'economic_compensation'],
      note: '公司逾期未支付。',
    });
    expect(breached).toMatchObject({ state: 'closed', outcome: 'unresolved' });
    const [stored] = await testApp.db.query(
      `SELECT breach_guidance AS guidance FROM agreements WHERE case_id = $1`,
      [wages.id],
    );
    expect(stored.guidance).toEqual({
      concerns: ['wages', 'economic_compensation'],
      guidance: [
        { guidance: 'arbitration', source: expect.objectContaining({ zh: '劳动争议调解仲裁法 第十五条' }) },
        { guidance: 'payment_order', source: expect.objectContaining({ zh: '劳动争议调解仲裁法 第十六条' }) },
      ],
    });
    const street = await actorOf('mediator.street');
    const page = casePageView(
      await testApp.services.caseFiles.open(street, wages.id),
      { timeline: 'all' },
      await viewContext(),
    );
    expect(page.case.breach?.guidance).toEqual([
      { label: '申请仲裁', source: '劳动争议调解仲裁法 第十五条' },
      { label: '向人民法院申请支付令', source: '劳动争议调解仲裁法 第十六条' },
    ]);

    // an agreement on something else (working hours): arbitration only (§15)
    const hours = await agreedAtStreet('labour');
    await send('mediator.street', hours.id, hours.body.version, { type: 'BREACHED' });
    const [other] = await testApp.db.query(
      `SELECT breach_guidance AS guidance FROM agreements WHERE case_id = $1`,
      [hours.id],
    );
    expect(other.guidance.guidance.map((g: { guidance: string }) => g.guidance)).toEqual(['arbitration']);
  });
  it('民事诉讼法 第二百零六条: the street is told of the court’s ruling — a confirmed agreement to follow up, a rejected one to mediate again under its new period', async () => {
    const ruled = async (ruling: object) => {
      const agreed = await agreedAtStreet();
      const requested = await send('mediator.street', agreed.id, agreed.body.version, {
        type: 'REQUEST_JUDICIAL_CONFIRMATION',
        court: courtId,
        appliedOn: '2026-12-03',
        jointlyApplied: true,
      });
      return { ...agreed, answer: await send('mediator.court', agreed.id, requested.version, ruling) };
    };
    const mailOf = (number: string) =>
      waitFor(`the ruling mail of ${number}`, () =>
        smtp
          .to('mediator.street@demo.minhang.example')
          .find((mail) => mail.subject?.startsWith(`【${number}】法院已对调解协议作出裁定：`)),
      );

    const confirmed = await ruled({
      type: 'CONFIRMED',
      rulingNo: '(2026)沪0112民特2号',
      ruledOn: '2026-12-03',
    });
    const confirmedMail = await mailOf(confirmed.number);
    expect(confirmedMail.text).toContain(
      `裁定纠纷案件 ${confirmed.number} 的调解协议有效（(2026)沪0112民特2号，2026-12-03）`,
    );
    expect(confirmedMail.text).toContain('可以向人民法院申请执行（民事诉讼法第二百零六条）');

    const rejected = await ruled({ type: 'CONFIRMATION_REJECTED', reason: '协议内容不明确，无法执行。' });
    const rejectedMail = await mailOf(rejected.number);
    expect(rejectedMail.text).toContain(`裁定驳回纠纷案件 ${rejected.number} 的司法确认申请`);
    expect(rejectedMail.text).toContain('协议内容不明确，无法执行。');
    expect(rejectedMail.text).toContain(
      `新的调解期限至 ${(rejected.answer.deadline as { due: string }).due}`,
    );
  });

  it('民事诉讼法 第二百零六条: the ruling is a day of fact — dated tomorrow, 422 naming ruledOn, like appliedOn', async () => {
    const agreed = await agreedAtStreet();
    const requested = await send('mediator.street', agreed.id, agreed.body.version, {
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court: courtId,
      appliedOn: '2026-12-03',
      jointlyApplied: true,
    });
    const tomorrow = await api('mediator.court').post(`/api/v1/cases/${agreed.id}/events`, {
      expectedVersion: requested.version,
      type: 'CONFIRMED',
      rulingNo: '(2026)沪0112民特3号',
      ruledOn: '2026-12-04',
    });
    expect(tomorrow.status).toBe(422);
    expect(tomorrow.body.error.details).toEqual([
      expect.objectContaining({
        field: 'ruledOn',
        message: expect.stringContaining('cannot be after today (2026-12-03)'), // the judge reads English
      }),
    ]);
  });

  it('人民调解法 第三十三条、民事诉讼法 第二百零五条: jointlyApplied missing is required, of the wrong type an invalid value', async () => {
    const agreed = await agreedAtStreet();
    const apply = (extra: object) =>
      api('mediator.street').post(`/api/v1/cases/${agreed.id}/events`, {
        expectedVersion: agreed.body.version,
        type: 'REQUEST_JUDICIAL_CONFIRMATION',
        court: courtId,
        appliedOn: '2026-12-03',
        ...extra,
      });
    const missing = await apply({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ field: 'jointlyApplied', message: '必填' }]);
    const wrongType = await apply({ jointlyApplied: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.details).toEqual([{ field: 'jointlyApplied', message: '不是允许的取值' }]);
  });

  it('民诉法解释 第三百五十五条: a confirmable agreement keeps no reason why it could not be confirmed, in its event or on the timeline', async () => {
    const agreed = await agreedAtStreet('neighbourhood', {
      confirmable: true,
      notConfirmableReason: 'ownership',
    });
    const [event] = await testApp.db.query(
      `SELECT payload FROM case_events WHERE case_id = $1 AND type = 'REACH_AGREEMENT'`,
      [agreed.id],
    );
    expect(event.payload).toMatchObject({ confirmable: true });
    expect(event.payload).not.toHaveProperty('notConfirmableReason');
    const timeline = await api('mediator.street').get(`/api/v1/cases/${agreed.id}/events`);
    expect(JSON.stringify(timeline.body)).not.toContain('确权');
    expect(agreed.body.confirmationWindowEndsOn).toBe(
      dueDate('2026-12-03', 30, 'calendar', officialCalendar),
    );
  });

  it('人民调解法 第三十二条: a breached people’s mediation agreement tells the parties they may sue; one from the court’s 委派调解 (judicial track) does not cite §32', async () => {
    const people = await agreedAtStreet();
    const breached = await send('mediator.street', people.id, people.body.version, { type: 'BREACHED' });
    expect(breached).toMatchObject({ state: 'closed', outcome: 'unresolved' });
    const guidanceOf = async (caseId: string) =>
      (await testApp.db.query(`SELECT breach_guidance AS g FROM agreements WHERE case_id = $1`, [caseId]))[0]
        .g;
    expect((await guidanceOf(people.id)).guidance).toEqual([
      { guidance: 'litigation', source: expect.objectContaining({ zh: '人民调解法 第三十二条' }) },
    ]);

    const registered = await api('mediator.street').post('/api/v1/cases', registration());
    const accepted = await send(
      'mediator.street',
      registered.body.id,
      registered.body.version,
      { type: 'SUBMIT' },
      {
        type: 'ACCEPT',
        track: 'judicial',
        unitId: courtId,
      },
    );
    await send(
      'mediator.court',
      registered.body.id,
      accepted.version,
      { type: 'ASSIGN', mediatorId: await userId('mediator.court') },
      { type: 'REACH_AGREEMENT', form: 'oral', terms: '双方同意当场付清。' },
      { type: 'BREACHED' },
    );
    expect((await guidanceOf(registered.body.id)).guidance).toEqual([]);
  });

  // last: it moves the app's clock on
  it('民事诉讼法 第一百八十七条: the court’s 30 days run from filing (the day the application is recorded, not the day it is dated) and run out like any clock — the case shows overdue in the court’s list until it rules', async () => {
    const agreed = await agreedAtStreet();
    // the parties applied on the day of the agreement; the application reaches the record 20 days later
    testApp.clock.advanceMinutes(20 * 24 * 60);
    tokens['mediator.street'] = await apiToken(testApp.app, 'mediator.street', demoPassword);
    const requested = await send('mediator.street', agreed.id, agreed.body.version, {
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court: courtId,
      appliedOn: '2026-12-03',
      jointlyApplied: true,
    });
    const due = dueDate('2026-12-23', 30, 'calendar', officialCalendar);
    expect(requested.deadline).toMatchObject({ clock: 'confirmation', due, overdue: false });

    // the day after the last day (§85: the period ends at the end of its last day)
    testApp.clock.advanceMinutes((daysBetween('2026-12-23', due) + 1) * 24 * 60);
    tokens['mediator.court'] = await apiToken(testApp.app, 'mediator.court', demoPassword);
    const seen = await api('mediator.court').get(`/api/v1/cases/${agreed.id}`);
    expect(seen.body.deadline).toMatchObject({ clock: 'confirmation', due, overdue: true, overdueBy: 1 });
    const overdue = await api('mediator.court').get('/api/v1/cases?overdue=true');
    expect(overdue.body.items.map((item: { id: string }) => item.id)).toContain(agreed.id);
  });
});
