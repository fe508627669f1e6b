import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { yearsClock } from '../../src/cases/arbitration-limitation';
import { readClock } from '../../src/deadlines/clock';
import { dueDate } from '../../src/deadlines/period';
import { addDays, daysBetween } from '../../src/deadlines/plain-date';
import { officialCalendar, todayInShanghai } from '../../src/deadlines/working-calendar';
import { MailRenderer } from '../../src/notifications/mail-renderer';
import { formatPlainDate } from '../../src/shared/format';
import { createI18n } from '../../src/shared/i18n/i18n';
import { localesDir } from '../../src/shared/paths';
import type { Unit } from '../../src/units/unit.entity';
import { apiToken, Browser, createUser } from '../support/auth';
import { createUnit } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  bearer,
  type CaseTeam,
  type CaseView,
  createCaseTeam,
  type Member,
  registerCase,
  sendEvent,
  sendEvents,
} from './case-api';

/**
 * Issue 16 items 3, 4 and 6 through the API (and pages) on PostgreSQL: the labour clock of
 * 劳动争议调解仲裁法 §14 and the limitation of §27; medical §38 extensions and expiry, and
 * the health bureau's §40 acceptance period. Dates are computed from today with the same
 * calendar functions the rules name; the edges of the calendar (holidays, 调休 Saturdays,
 * 2027) are pinned in test/workflows/rules/law-clocks.test.ts.
 */

const dayMinutes = 24 * 60;
const zh = JSON.parse(fs.readFileSync(path.join(localesDir, 'zh-CN.json'), 'utf8'));
const en = JSON.parse(fs.readFileSync(path.join(localesDir, 'en.json'), 'utf8'));

interface Scene {
  testApp: TestApp;
  team: CaseTeam;
  /** A department keyed `health` (卫健委) under the district, with a mediator. */
  health: Unit;
  healthMediator: Member;
  today(): string;
  /** Moves the app's clock on by whole days and signs everyone in again (tokens live 12 hours). */
  travel(days: number): Promise<void>;
}

async function openScene(): Promise<Scene> {
  const testApp = await startTestApp();
  const team = await createCaseTeam(testApp);
  const health = await createUnit(testApp.db, {
    kind: 'department',
    parentId: team.units.district.id,
    departmentKey: 'health',
    nameZh: '区卫生健康委员会',
  });
  const user = await createUser(testApp.db, { role: 'mediator', unitId: health.id });
  const healthMediator = { user, token: await apiToken(testApp.app, user.username) };
  const members = () => [...Object.values(team.mediators), team.supervisor, healthMediator];
  return {
    testApp,
    team,
    health,
    healthMediator,
    today: () => todayInShanghai(testApp.clock.now()),
    async travel(days) {
      testApp.clock.advanceMinutes(days * dayMinutes);
      for (const who of members()) who.token = await apiToken(testApp.app, who.user.username);
    },
  };
}

type Body = CaseView & {
  receivedOn: string;
  knewOn: string | null;
  arbitrationLimitation: Record<string, unknown> | null;
  deadline: (CaseView['deadline'] & { clock: string; extendedBy: number; overdue: boolean }) | null;
  overdue: boolean;
};

function expectAnswered(response: request.Response, status: number, code?: string) {
  expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
}

const getCase = async (scene: Scene, who: Member, id: string): Promise<Body> =>
  (await request(scene.testApp.app).get(`/api/v1/cases/${id}`).set(bearer(who))).body;

const timersOf = (scene: Scene, caseId: string) =>
  scene.testApp.db.query(
    `SELECT clock, to_char(warning_on, 'YYYY-MM-DD') AS "warningOn", to_char(due_on, 'YYYY-MM-DD') AS "dueOn"
     FROM deadline_timers WHERE subject_type = 'case' AND subject_id = $1 ORDER BY clock`,
    [caseId],
  );

const noticesOf = (scene: Scene, caseId: string, kind: string) =>
  scene.testApp.db.query(
    `SELECT kind, payload FROM outbox WHERE subject_type = 'case' AND subject_id = $1 AND kind = $2 ORDER BY id`,
    [caseId, kind],
  );

async function registered(scene: Scene, who: Member, fields: Record<string, unknown>): Promise<Body> {
  const response = await registerCase(scene.testApp, who, fields);
  expectAnswered(response, 201);
  return response.body;
}

/** A case registered at the community and taken to mediation.inProgress on the people's track. */
async function inMediation(scene: Scene, fields: Record<string, unknown>): Promise<Body> {
  const { team } = scene;
  const row = await registered(scene, team.mediators.community, fields);
  return (await sendEvents(scene.testApp, row.id, row.version, [
    [team.mediators.community, { type: 'SUBMIT' }],
    [team.mediators.community, { type: 'ACCEPT', track: 'people', level: 'community' }],
    [team.mediators.community, { type: 'ASSIGN', mediatorUsername: team.mediators.community.user.username }],
  ])) as Body;
}

describe('劳动争议调解仲裁法 第十四条、第二十七条 and registration dates, through the API', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene();
  });
  afterAll(() => scene.testApp.close());

  it('第十四条: a labour case received ten days ago is due 15 days after its receipt (rolled per 民事诉讼法 第八十五条), and stays so through ACCEPT and two escalations', async () => {
    const { testApp, team } = scene;
    const receivedOn = addDays(scene.today(), -10);
    const due = dueDate(receivedOn, 15, 'calendar', officialCalendar);
    const row = await registered(scene, team.mediators.community, { type: 'labour', receivedOn });
    expect(row.receivedOn).toBe(receivedOn);

    const steps: Array<[Member, Record<string, unknown>]> = [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'ACCEPT', track: 'people', level: 'community' }],
      [
        team.mediators.community,
        { type: 'ASSIGN', mediatorUsername: team.mediators.community.user.username },
      ],
      [team.mediators.community, { type: 'ESCALATE', reasonCode: 'multi_party', reason: '涉及多名工人。' }],
      [team.mediators.street, { type: 'ASSIGN', mediatorUsername: team.mediators.street.user.username }],
      [team.mediators.street, { type: 'ESCALATE', reasonCode: 'beyond_authority', reason: '需区级协调。' }],
    ];
    let version = row.version;
    const dues: string[] = [];
    for (const step of steps) {
      const body = (await sendEvents(testApp, row.id, version, [step])) as Body;
      version = body.version;
      if (body.deadline) dues.push(body.deadline.due);
      if (body.deadline) expect(body.deadline.source.zh).toBe('劳动争议调解仲裁法 第十四条');
    }

    expect(dues).toEqual([due, due, due, due, due]);
    const last = await getCase(scene, team.mediators.district, row.id);
    expect(last).toMatchObject({ level: 'district', state: 'mediation.awaitingMediator' });
    expect(last.deadline).toMatchObject({ due, days: 15, basis: 'calendar', clock: 'mediation' });
  });

  it('第十四条: once the 15 days have run out, the page says since when a party may apply for arbitration, and REFER_OUT to arbitration is offered and closes the case referred out; before that, or to another agency, it is refused', async () => {
    const { testApp, team } = scene;
    const receivedOn = addDays(scene.today(), -20);
    const runOut = await inMediation(scene, { type: 'labour', receivedOn });
    const due = dueDate(receivedOn, 15, 'calendar', officialCalendar);
    expect(runOut.deadline).toMatchObject({ due, overdue: true });
    expect(runOut.allowedEvents).toContain('REFER_OUT');

    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const page = await browser.get(`/cases/${runOut.id}`);
    expect(page.text).toContain(
      `自 ${formatPlainDate(addDays(due, 1), 'zh-CN')} 起当事人可以依法申请仲裁（劳动争议调解仲裁法 第十四条）`,
    );
    expect(page.text).toMatch(/当事人申请仲裁：移送劳动争议仲裁/);

    expectAnswered(
      await sendEvent(testApp, team.mediators.community, runOut.id, runOut.version, {
        type: 'REFER_OUT',
        agency: 'court',
        reason: '当事人起诉。',
      }),
      422,
      'event_not_allowed',
    );
    const referred = await sendEvent(testApp, team.mediators.community, runOut.id, runOut.version, {
      type: 'REFER_OUT',
      agency: 'arbitration',
      reason: '申请人已向区劳动人事争议仲裁委员会申请仲裁。',
    });
    expectAnswered(referred, 200);
    expect(referred.body).toMatchObject({ state: 'closed', outcome: 'referred_out', deadline: null });
    const timeline = await request(testApp.app)
      .get(`/api/v1/cases/${runOut.id}/events`)
      .set(bearer(team.mediators.community));
    expect(timeline.body.items.at(-1)).toMatchObject({
      type: 'REFER_OUT',
      fromState: 'mediation.inProgress',
      toState: 'closed',
      payload: { agency: 'arbitration', periodRunOut: true },
    });

    const running = await inMediation(scene, { type: 'labour' });
    expect(running.allowedEvents).not.toContain('REFER_OUT');
    expectAnswered(
      await sendEvent(testApp, team.mediators.community, running.id, running.version, {
        type: 'REFER_OUT',
        agency: 'arbitration',
        reason: '申请仲裁。',
      }),
      422,
      'event_not_allowed',
    );
    // another type's month opens no arbitration when it runs out
    const neighbours = await inMediation(scene, { receivedOn: addDays(scene.today(), -60) });
    expect(neighbours.allowedEvents).not.toContain('REFER_OUT');
  });

  it('registration: receivedOn in the future, more than a year back or before the dispute arose, and knewOn after it or for another type, are 422 naming the field in the caller’s language; nothing is written; a malformed date is 400', async () => {
    const { testApp, team } = scene;
    const today = scene.today();
    const [{ count: before }] = await testApp.db.query('SELECT count(*)::int AS count FROM cases');
    const attempt = (fields: Record<string, unknown>, language = 'zh-CN') =>
      request(testApp.app)
        .post('/api/v1/cases')
        .set(bearer(team.mediators.community))
        .set('Accept-Language', language)
        .send({
          type: 'labour',
          title: '拖欠工资',
          description: '工资未发。',
          source: 'walk_in',
          parties: [
            { role: 'applicant', kind: 'person', name: '李工人' },
            { role: 'respondent', kind: 'organisation', name: '某公司' },
          ],
          ...fields,
        });
    const detailOf = (response: request.Response) => response.body.error.details;

    const future = await attempt({ receivedOn: addDays(today, 1) });
    expectAnswered(future, 422, 'validation_failed');
    expect(detailOf(future)).toEqual([{ field: 'receivedOn', message: zh.validation.date_in_future }]);
    const futureEn = await attempt({ receivedOn: addDays(today, 1) }, 'en');
    expect(detailOf(futureEn)).toEqual([{ field: 'receivedOn', message: en.validation.date_in_future }]);

    const old = await attempt({ receivedOn: addDays(today, -400) });
    expectAnswered(old, 422, 'validation_failed');
    expect(detailOf(old)[0].field).toBe('receivedOn');
    expect(detailOf(old)[0].message).toContain('历史案件导入');

    const beforeDispute = await attempt({ receivedOn: addDays(today, -5), occurredOn: addDays(today, -3) });
    expect(detailOf(beforeDispute)).toEqual([
      { field: 'receivedOn', message: zh.validation.received_before_occurred },
    ]);
    const knewLater = await attempt({ receivedOn: addDays(today, -5), knewOn: addDays(today, -2) });
    expect(detailOf(knewLater)).toEqual([{ field: 'knewOn', message: zh.validation.knew_after_application }]);
    const notLabour = await attempt({ type: 'family', knewOn: addDays(today, -30) });
    expect(detailOf(notLabour)).toEqual([
      { field: 'knewOn', message: zh.validation.knew_on_without_limitation },
    ]);
    expectAnswered(await attempt({ receivedOn: '2026-02-30' }), 400, 'validation_failed');

    const [{ count: after }] = await testApp.db.query('SELECT count(*)::int AS count FROM cases');
    expect(after).toBe(before);

    // the intake form: received today unless changed, and the error next to the field, as typed
    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const form = await browser.get('/cases/new');
    expect(form.text).toMatch(new RegExp(`name="receivedOn" type="date" value="${today}"`));
    const refused = await browser.post('/cases', {
      type: 'labour',
      source: 'walk_in',
      title: '拖欠工资',
      description: '工资未发。',
      receivedOn: addDays(today, 2),
      'parties.0.role': 'applicant',
      'parties.0.kind': 'person',
      'parties.0.name': '李工人',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="error-receivedOn"[^>]*>日期不能晚于今天/);
    expect(refused.text).toContain(`value="${addDays(today, 2)}"`);
  });
});

describe('劳动争议调解仲裁法 第二十七条: the arbitration limitation, interrupted by the application, warned 30 days before it ends', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene();
  });
  afterAll(() => scene.testApp.close());

  it('第二十七条: interrupted while mediation goes on; from the day it fails a year runs anew, with a timer that warns the mediator once, 30 days before; then it lapses', async () => {
    const { testApp, team } = scene;
    const today = scene.today();
    const knewOn = addDays(today, -45);
    const running = await inMediation(scene, { type: 'labour', knewOn });
    expect(running.knewOn).toBe(knewOn);
    expect(running.arbitrationLimitation).toMatchObject({
      status: 'interrupted',
      knewOn,
      interruptedOn: today,
      endsOn: null,
      source: { zh: '劳动争议调解仲裁法 第二十七条' },
    });

    const failed = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
      type: 'FAIL',
      reason: '用人单位拒绝调解。',
      guidance: 'arbitration',
    });
    expectAnswered(failed, 200);
    const endsOn = readClock(yearsClock(today, 1), today, officialCalendar).due;
    const warningOn = addDays(endsOn, -30);
    expect(failed.body.arbitrationLimitation).toMatchObject({
      status: 'running',
      runsFrom: today,
      endsOn,
      warningOn,
    });
    expect(await timersOf(scene, running.id)).toEqual([
      { clock: 'arbitrationLimitation', warningOn, dueOn: endsOn },
    ]);

    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const page = await browser.get(`/cases/${running.id}`);
    expect(page.text).toContain(
      `调解于 ${formatPlainDate(today, 'zh-CN')} 结束，一年仲裁时效重新计算，至 ${formatPlainDate(endsOn, 'zh-CN')} 届满。`,
    );

    await scene.travel(daysBetween(today, warningOn) - 1);
    await testApp.services.timers.sweep();
    expect(await noticesOf(scene, running.id, 'limitation.warning')).toEqual([]);

    await scene.travel(1);
    await Promise.all([testApp.services.timers.sweep(), testApp.services.timers.sweep()]);
    const warned = await noticesOf(scene, running.id, 'limitation.warning');
    expect(warned).toHaveLength(1);
    expect(warned[0].payload).toMatchObject({ clock: 'arbitrationLimitation', due: endsOn, knewOn });
    const [{ overdue }] = await testApp.db.query('SELECT overdue FROM cases WHERE id = $1', [running.id]);
    expect(overdue).toBe(false);

    await scene.travel(daysBetween(scene.today(), endsOn) + 1);
    await testApp.services.timers.sweep();
    expect(await timersOf(scene, running.id)).toEqual([]);
    expect((await getCase(scene, team.mediators.community, running.id)).arbitrationLimitation).toMatchObject({
      status: 'lapsed',
      endsOn,
    });
  });
});

describe('医疗纠纷预防和处理条例 第三十八条、第四十条 through the API', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene();
  });
  afterAll(() => scene.testApp.close());

  it('第三十八条: the parties agree to extend — the due date moves by the agreed working days, the event is on the chain; 第四十条: the health bureau’s period cannot be extended', async () => {
    const { testApp, team } = scene;
    const acceptedOn = scene.today();
    const running = await inMediation(scene, { type: 'medical' });
    expect(running.deadline).toMatchObject({ due: dueDate(acceptedOn, 30, 'working', officialCalendar) });

    for (const days of [0, 91, 2.5]) {
      const refused = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
        type: 'EXTEND_PERIOD',
        days,
        reason: '双方同意。',
      });
      expectAnswered(refused, 400, 'validation_failed');
      expect(refused.body.error.details[0].field).toBe('days');
    }
    const extended = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
      type: 'EXTEND_PERIOD',
      days: 10,
      reason: '鉴定意见补充说明需时，医患双方与医调委约定延长。',
    });
    expectAnswered(extended, 200);
    expect(extended.body).toMatchObject({ state: 'mediation.inProgress', version: running.version + 1 });
    expect(extended.body.deadline).toMatchObject({
      days: 40,
      extendedBy: 10,
      due: dueDate(acceptedOn, 40, 'working', officialCalendar),
    });
    const timeline = await request(testApp.app)
      .get(`/api/v1/cases/${running.id}/events`)
      .set(bearer(team.mediators.community));
    expect(timeline.body.items.at(-1)).toMatchObject({
      type: 'EXTEND_PERIOD',
      fromState: 'mediation.inProgress',
      toState: 'mediation.inProgress',
      payload: { days: 10, reason: '鉴定意见补充说明需时，医患双方与医调委约定延长。' },
    });
    const verified = await request(testApp.app)
      .get(`/api/v1/cases/${running.id}/verify`)
      .set(bearer(team.supervisor));
    expect(verified.body).toMatchObject({ valid: true });
    const [timer] = await timersOf(scene, running.id);
    expect(timer).toMatchObject({ clock: 'mediation', dueOn: extended.body.deadline.due });

    // §40: the health bureau's 30 working days have no extension
    const atBureau = await registered(scene, scene.healthMediator, { type: 'medical' });
    const mediating = (await sendEvents(testApp, atBureau.id, atBureau.version, [
      [scene.healthMediator, { type: 'SUBMIT' }],
      [scene.healthMediator, { type: 'ACCEPT', track: 'administrative', unitId: scene.health.id }],
    ])) as Body;
    expect(mediating.allowedEvents).not.toContain('EXTEND_PERIOD');
    const refused = await sendEvent(testApp, scene.healthMediator, atBureau.id, mediating.version, {
      type: 'EXTEND_PERIOD',
      days: 10,
      reason: '双方同意。',
    });
    expectAnswered(refused, 422, 'period_not_extendable');
    expect(refused.body.error.message).toBe(
      '该调解期限不能延长：医疗纠纷预防和处理条例 第四十条 未规定延长。',
    );
    expect((await getCase(scene, scene.healthMediator, atBureau.id)).version).toBe(mediating.version);
  });

  it('第四十条: registered at the health bureau, the case waits under the bureau’s 5 working days to decide, with a timer; ACCEPT starts the 30 working days instead, DECLINE ends it; a department of another body starts nothing', async () => {
    const { testApp, team } = scene;
    const receivedOn = addDays(scene.today(), -1);
    const row = await registered(scene, scene.healthMediator, { type: 'medical', receivedOn });
    const acceptanceDue = dueDate(receivedOn, 5, 'working', officialCalendar);
    expect(row.deadline).toMatchObject({
      clock: 'acceptance',
      days: 5,
      basis: 'working',
      due: acceptanceDue,
      source: { zh: '医疗纠纷预防和处理条例 第四十条' },
    });
    expect(await timersOf(scene, row.id)).toEqual([
      expect.objectContaining({ clock: 'acceptance', dueOn: acceptanceDue }),
    ]);
    const screened = (await sendEvents(testApp, row.id, row.version, [
      [scene.healthMediator, { type: 'SUBMIT' }],
    ])) as Body;
    expect(screened.deadline).toMatchObject({ clock: 'acceptance', due: acceptanceDue });

    const accepted = (await sendEvents(testApp, row.id, screened.version, [
      [scene.healthMediator, { type: 'ACCEPT', track: 'administrative', unitId: scene.health.id }],
    ])) as Body;
    expect(accepted.deadline).toMatchObject({
      clock: 'mediation',
      days: 30,
      due: dueDate(scene.today(), 30, 'working', officialCalendar),
      source: { zh: '医疗纠纷预防和处理条例 第四十条' },
    });
    expect((await timersOf(scene, row.id)).map((timer: { clock: string }) => timer.clock)).toEqual([
      'mediation',
    ]);

    // received a fortnight ago and undecided: overdue at once, and declining ends the clock
    const late = await registered(scene, scene.healthMediator, {
      type: 'medical',
      receivedOn: addDays(scene.today(), -14),
    });
    expect(late).toMatchObject({ overdue: true, deadline: expect.objectContaining({ clock: 'acceptance' }) });
    await testApp.services.timers.sweep();
    expect(await noticesOf(scene, late.id, 'deadline.overdue')).toHaveLength(1);
    const declined = (await sendEvents(testApp, late.id, late.version, [
      [scene.healthMediator, { type: 'SUBMIT' }],
      [scene.healthMediator, { type: 'DECLINE', reason: '当事人已向人民法院起诉并已受理。' }],
    ])) as Body;
    expect(declined).toMatchObject({
      state: 'closed',
      outcome: 'not_accepted',
      deadline: null,
      overdue: false,
    });
    expect(await timersOf(scene, late.id)).toEqual([]);

    // the team's department has no body key: it is not the health bureau
    const elsewhere = await registered(scene, team.mediators.department, { type: 'medical' });
    expect(elsewhere.deadline).toBeNull();
  });

  it('第四十条: a medical case transferred from people’s mediation to the health bureau waits in the bureau’s screening under its 5 working days, and the bureau accepts it', async () => {
    const { testApp, team } = scene;
    const running = await inMediation(scene, { type: 'medical' });
    const transferred = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
      type: 'TRANSFER',
      toTrack: 'administrative',
      unitId: scene.health.id,
      reason: '医患双方申请卫生主管部门行政调解。',
    });
    expectAnswered(transferred, 200);
    expect(transferred.body).toMatchObject({
      state: 'screening',
      track: null,
      mediator: null,
      holdingUnit: expect.objectContaining({ id: scene.health.id }),
    });
    expect(transferred.body.deadline).toMatchObject({
      clock: 'acceptance',
      due: dueDate(scene.today(), 5, 'working', officialCalendar),
    });
    const [handOff] = await testApp.db.query(
      `SELECT kind, from_track AS "fromTrack", to_track AS "toTrack", status FROM escalations WHERE case_id = $1`,
      [running.id],
    );
    expect(handOff).toEqual({
      kind: 'TRANSFER',
      fromTrack: 'people',
      toTrack: 'administrative',
      status: 'pending',
    });

    const atBureau = await getCase(scene, scene.healthMediator, running.id);
    expect(atBureau.allowedEvents).toEqual(expect.arrayContaining(['ACCEPT', 'DECLINE']));
    const accepted = (await sendEvents(testApp, running.id, atBureau.version, [
      [scene.healthMediator, { type: 'ACCEPT', track: 'administrative', unitId: scene.health.id }],
    ])) as Body;
    expect(accepted).toMatchObject({ state: 'mediation.awaitingMediator', track: 'administrative' });
    expect(accepted.deadline).toMatchObject({ clock: 'mediation', days: 30 });
  });
});

describe('医疗纠纷预防和处理条例 第三十八条: once the 30 working days have run out, mediation counts as failed', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene();
  });
  afterAll(() => scene.testApp.close());

  it('第三十八条: past its due date only FAIL and EXTEND_PERIOD are offered and accepted; the overdue notice says mediation counts as failed; an agreed extension opens the rest again', async () => {
    const { testApp, team } = scene;
    const expiring = await inMediation(scene, { type: 'medical' });
    const failing = await inMediation(scene, { type: 'medical' });
    const due = expiring.deadline?.due as string;

    await scene.travel(daysBetween(scene.today(), due) + 1);
    const expired = await getCase(scene, team.mediators.community, expiring.id);
    expect(expired).toMatchObject({ overdue: true, state: 'mediation.inProgress' });
    expect([...(expired.allowedEvents ?? [])].sort()).toEqual(['EXTEND_PERIOD', 'FAIL']);
    for (const event of [
      { type: 'ASSIGN', mediatorUsername: team.mediators.community.user.username },
      {
        type: 'LOG_SESSION',
        kind: 'session',
        heldAt: testApp.clock.now().toISOString(),
        minutes: '继续调解。',
      },
      { type: 'REACH_AGREEMENT', form: 'written', terms: '医院赔偿 5 万元。' },
      { type: 'WITHDRAW', by: 'applicant' },
    ]) {
      const refused = await sendEvent(testApp, team.mediators.community, expiring.id, expired.version, event);
      expectAnswered(refused, 422, 'period_run_out');
    }
    const refusedMessage = await sendEvent(testApp, team.mediators.community, expiring.id, expired.version, {
      type: 'SUSPEND',
      reason: 'appraisal',
    });
    expect(refusedMessage.body.error.message).toContain(
      '依法视为调解不成（医疗纠纷预防和处理条例 第三十八条）',
    );

    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const page = await browser.get(`/cases/${expiring.id}`);
    expect(page.text).toContain(
      `调解期限已于 ${formatPlainDate(due, 'zh-CN')} 届满，依法视为调解不成（医疗纠纷预防和处理条例 第三十八条）`,
    );
    const forms = [...page.text.matchAll(/name="type" value="([A-Z_]+)"/g)].map((match) => match[1]);
    expect([...new Set(forms)].sort()).toEqual(['EXTEND_PERIOD', 'FAIL']);

    await testApp.services.timers.sweep();
    const [notice] = await noticesOf(scene, expiring.id, 'deadline.overdue');
    expect(notice.payload).toMatchObject({
      clock: 'mediation',
      due,
      countsAsFailure: true,
      extendable: true,
    });
    const renderer = new MailRenderer(await createI18n('zh-CN'), 'http://mediation.test');
    const mail = renderer.renderNotice(
      {
        kind: 'deadline.overdue',
        recipientName: '调解员',
        subject: { type: 'case', id: expiring.id, number: expiring.number, title: '医疗纠纷' },
        payload: notice.payload,
      },
      'zh-CN',
    );
    expect(mail.text).toContain('依法视为调解不成（医疗纠纷预防和处理条例 第三十八条）');
    expect(mail.text).toContain('如医患双方同意延长调解期限');

    const extended = await sendEvent(testApp, team.mediators.community, expiring.id, expired.version, {
      type: 'EXTEND_PERIOD',
      days: 5,
      reason: '医患双方同意延长五个工作日。',
    });
    expectAnswered(extended, 200);
    expect(extended.body.deadline).toMatchObject({ overdue: false, extendedBy: 5 });
    expect(extended.body.allowedEvents).toEqual(expect.arrayContaining(['LOG_SESSION', 'REACH_AGREEMENT']));

    const current = await getCase(scene, team.mediators.community, failing.id);
    const failed = await sendEvent(testApp, team.mediators.community, failing.id, current.version, {
      type: 'FAIL',
      reason: '调解期限届满未达成协议。',
      guidance: 'litigation',
    });
    expectAnswered(failed, 200);
    expect(failed.body).toMatchObject({ state: 'closed', outcome: 'unresolved' });
  });
});
