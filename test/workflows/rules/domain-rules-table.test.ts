import request from 'supertest';
import { readClock, warningDayCount } from '../../../src/deadlines/clock';
import { countedDaysOf, dueDate, dueDateOf, nthCountedDay } from '../../../src/deadlines/period';
import { addDays, daysBetween } from '../../../src/deadlines/plain-date';
import { officialCalendar, todayInShanghai } from '../../../src/deadlines/working-calendar';
import type { Unit } from '../../../src/units/unit.entity';
import { disputeTypes, petitionRulesFor, rulesFor } from '../../../src/workflows/rules';
import type { DepartmentKey, DisputeType } from '../../../src/workflows/rules/dispute-rules.types';
import { labourGroupRepresentation } from '../../../src/workflows/rules/labour';
import { medicalAdministrativeAcceptance } from '../../../src/workflows/rules/medical';
import {
  judicialConfirmationDecision,
  judicialConfirmationWindow,
} from '../../../src/workflows/rules/shared-rules';
import {
  bearer,
  type CaseTeam,
  type CaseView,
  createCaseTeam,
  type Member,
  registerCase,
  registration,
  sendEvent,
  sendEvents,
} from '../../cases/case-api';
import { apiToken, createUser } from '../../support/auth';
import { createUnit } from '../../support/factories';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * DOMAIN.md, "The rules the deadlines come from": one spec per row of the table, named
 * with its articles. Each reads the row's rules table and, where the system enforces
 * the rule (a case's deadline, the confirmation window, representative caps, the
 * appraisal pause, failure guidance, one forum per dispute), drives it through the
 * API on PostgreSQL. What dispute-rules.test.ts and petition-rules.test.ts already pin down
 * in the tables is not repeated here.
 */

const dayMinutes = 24 * 60;

interface Scene {
  testApp: TestApp;
  team: CaseTeam;
  /** The type's competent administrative body (rules' `administrativeBody`), a department with a mediator, made once. */
  bodyOf(type: DisputeType): Promise<{ unit: Unit; mediator: Member }>;
  today(): string;
  /** Moves the app's clock on by whole days and signs everyone in again (tokens live 12 hours). */
  travel(days: number): Promise<void>;
}

async function openScene(): Promise<Scene> {
  const testApp = await startTestApp();
  const team = await createCaseTeam(testApp);
  const bodies = new Map<DepartmentKey, { unit: Unit; mediator: Member }>();
  return {
    testApp,
    team,
    async bodyOf(type) {
      const key = rulesFor(type).administrativeBody?.departmentKey;
      if (!key) return { unit: team.units.department, mediator: team.mediators.department };
      let body = bodies.get(key);
      if (!body) {
        const unit = await createUnit(testApp.db, {
          kind: 'department',
          parentId: team.units.district.id,
          departmentKey: key,
        });
        const user = await createUser(testApp.db, { role: 'mediator', unitId: unit.id });
        body = { unit, mediator: { user, token: await apiToken(testApp.app, user.username) } };
        bodies.set(key, body);
      }
      return body;
    },
    today: () => todayInShanghai(testApp.clock.now()),
    async travel(days) {
      testApp.clock.advanceMinutes(days * dayMinutes);
      const bodyMediators = [...bodies.values()].map((body) => body.mediator);
      for (const who of [...Object.values(team.mediators), team.supervisor, ...bodyMediators]) {
        who.token = await apiToken(testApp.app, who.user.username);
      }
    },
  };
}

function expectAnswered(response: request.Response, status: number, code?: string) {
  expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
}

/** Registers a case and takes it to mediation.inProgress on a track, returning its id and version. */
async function caseInMediation(
  scene: Scene,
  type: DisputeType,
  options: { track?: 'people' | 'administrative'; parties?: unknown[] } = {},
): Promise<{ id: string; number: string; version: number; mediator: Member; body: CaseView }> {
  const { testApp, team } = scene;
  const registered = await registerCase(testApp, team.mediators.community, {
    type,
    ...(options.parties ? { parties: options.parties } : {}),
  });
  expectAnswered(registered, 201);
  const track = options.track ?? 'people';
  const competent = await scene.bodyOf(type);
  const mediator = track === 'people' ? team.mediators.community : competent.mediator;
  const body = await sendEvents(testApp, registered.body.id, 0, [
    [team.mediators.community, { type: 'SUBMIT' }],
    [
      team.mediators.community,
      track === 'people'
        ? { type: 'ACCEPT', track: 'people', level: 'community' }
        : { type: 'ACCEPT', track: 'administrative', unitId: competent.unit.id },
    ],
    [mediator, { type: 'ASSIGN', mediatorUsername: mediator.user.username }],
  ]);
  return {
    id: registered.body.id,
    number: registered.body.number,
    version: body.version,
    mediator,
    body,
  };
}

async function agreed(scene: Scene, type: DisputeType, form: 'written' | 'oral') {
  const running = await caseInMediation(scene, type);
  const response = await sendEvent(scene.testApp, running.mediator, running.id, running.version, {
    type: 'REACH_AGREEMENT',
    form,
    terms: '被申请人承担维修费 3,000 元，于一个月内付清。',
  });
  expectAnswered(response, 200);
  return { ...running, version: response.body.version as number, body: response.body };
}

function getCase(scene: Scene, who: Member, id: string) {
  return request(scene.testApp.app).get(`/api/v1/cases/${id}`).set(bearer(who));
}

function parties(
  applicants: number,
  respondents: number,
  fields: { idNumber?: string; respondent?: string } = {},
) {
  return [
    ...Array.from({ length: applicants }, (_, index) => ({
      role: 'applicant',
      kind: 'person',
      name: `患者家属${index + 1}`,
      representative: true,
      ...(index === 0 && fields.idNumber ? { idNumber: fields.idNumber } : {}),
    })),
    ...Array.from({ length: respondents }, (_, index) => ({
      role: 'respondent',
      kind: index === 0 ? 'organisation' : 'person',
      name: index === 0 ? (fields.respondent ?? '某区中心医院') : `医院代表${index}`,
      representative: true,
    })),
  ];
}

describe('the rules the deadlines come from (DOMAIN.md), one row at a time', () => {
  let scene: Scene;

  beforeAll(async () => {
    scene = await openScene();
  });
  afterAll(() => scene.testApp.close());

  it('人民调解工作若干规定 第三十三条: people’s mediation normally concludes within one month (a calendar month, 民法典 第二百零二条) — a target that flags the case overdue, not a bar that ends it', async () => {
    for (const type of disputeTypes.filter((each) => !rulesFor(each).firstClass)) {
      expect(rulesFor(type).deadlines.people).toMatchObject({ months: 1, basis: 'calendar' });
      expect(rulesFor(type).deadlines.people.source.zh).toBe('人民调解工作若干规定 第三十三条');
    }

    const own = await openScene();
    try {
      const accepted = await caseInMediation(own, 'neighbourhood');
      const startedOn = own.today();
      const month = { months: 1, basis: 'calendar' } as const;
      const due = dueDateOf(startedOn, month, officialCalendar);
      const days = countedDaysOf(month, startedOn);
      expect(accepted.body.deadline).toMatchObject({
        months: 1,
        days,
        basis: 'calendar',
        due,
        warningOn: nthCountedDay(startedOn, warningDayCount(days), 'calendar', officialCalendar),
        overdue: false,
        daysLeft: daysBetween(startedOn, due),
      });
      expect(accepted.body.deadline?.source.zh).toBe('人民调解工作若干规定 第三十三条');

      await own.travel(daysBetween(startedOn, due) + 1);
      const late = await getCase(own, accepted.mediator, accepted.id);
      expect(late.body).toMatchObject({ state: 'mediation.inProgress', overdue: true });
      expect(late.body.deadline).toMatchObject({ due, overdue: true, overdueBy: 1 });
      expect(late.body.allowedEvents).toEqual(expect.arrayContaining(['LOG_SESSION', 'REACH_AGREEMENT']));
    } finally {
      await own.testApp.close();
    }
  });

  it('人民调解法 第四条、第十七条、第二十六条、第三十一条: free of charge; a refusing party ends it; a failed mediation is closed with the other remedies; performance is followed up', async () => {
    const { testApp, team } = scene;
    // §4: there is nothing to charge — a registration naming a fee is refused
    expectAnswered(
      await request(testApp.app)
        .post('/api/v1/cases')
        .set(bearer(team.mediators.community))
        .send(registration({ fee: 200 })),
      400,
      'validation_failed',
    );

    // §17: a party refuses mediation before any session: the case fails, no mediator needed
    const refused = await registerCase(testApp, team.mediators.community);
    const screened = await sendEvents(testApp, refused.body.id, 0, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'ACCEPT', track: 'people', level: 'community' }],
    ]);
    expect(screened.state).toBe('mediation.awaitingMediator');
    // §26: the remedies offered are the type's own; one it does not offer is refused
    expectAnswered(
      await sendEvent(testApp, team.mediators.community, refused.body.id, 2, {
        type: 'FAIL',
        reason: '被申请人拒绝调解。',
        guidance: 'payment_order',
      }),
      422,
      'event_not_allowed',
    );
    const failed = await sendEvent(testApp, team.mediators.community, refused.body.id, 2, {
      type: 'FAIL',
      reason: '被申请人拒绝调解。',
      guidance: 'litigation',
    });
    expectAnswered(failed, 200);
    expect(failed.body).toMatchObject({ state: 'closed', outcome: 'unresolved', deadline: null });
    expect(rulesFor('neighbourhood').failureGuidance).toEqual(['litigation', 'arbitration', 'other']);
    const timeline = await request(testApp.app)
      .get(`/api/v1/cases/${refused.body.id}/events`)
      .set(bearer(team.mediators.community));
    expect(timeline.body.items.at(-1)).toMatchObject({
      type: 'FAIL',
      fromState: 'mediation.awaitingMediator',
      toState: 'closed',
      payload: { guidance: 'litigation', reason: '被申请人拒绝调解。' },
    });

    // §31: the committee follows up performance, as often as needed, while the agreement stands
    const agreement = await agreed(scene, 'family', 'oral');
    const followedUp = await sendEvents(testApp, agreement.id, agreement.version, [
      [
        agreement.mediator,
        {
          type: 'RECORD_FOLLOW_UP',
          visitedAt: '2026-11-20T10:00:00+08:00',
          note: '已付一半。',
          performed: 'partial',
        },
      ],
      [
        agreement.mediator,
        {
          type: 'RECORD_FOLLOW_UP',
          visitedAt: '2026-11-27T10:00:00+08:00',
          note: '已全部付清。',
          performed: 'full',
        },
      ],
    ]);
    expect(followedUp.state).toBe('agreement.awaitingFulfilment');
    const [stored] = await testApp.db.query('SELECT status FROM agreements WHERE case_id = $1', [
      agreement.id,
    ]);
    expect(stored.status).toBe('active');
  });

  it('人民调解法 第二十九条、第三十条: a written agreement takes effect when signed (the confirmation window opens that day), an oral one when reached (nothing to confirm)', async () => {
    const { testApp, team } = scene;
    const today = scene.today();

    const written = await agreed(scene, 'neighbourhood', 'written');
    expect(written.body).toMatchObject({
      state: 'agreement.awaitingFulfilment',
      confirmationWindowEndsOn: dueDate(today, 30, 'calendar', officialCalendar),
    });
    expect(written.body.allowedEvents).toContain('REQUEST_JUDICIAL_CONFIRMATION');

    const oral = await agreed(scene, 'neighbourhood', 'oral');
    expect(oral.body).toMatchObject({
      state: 'agreement.awaitingFulfilment',
      confirmationWindowEndsOn: null,
    });
    expect(oral.body.allowedEvents).not.toContain('REQUEST_JUDICIAL_CONFIRMATION');
    expectAnswered(
      await sendEvent(testApp, oral.mediator, oral.id, oral.version, {
        type: 'REQUEST_JUDICIAL_CONFIRMATION',
        court: team.units.court.id,
        appliedOn: today,
        jointlyApplied: true,
      }),
      422,
      'event_not_allowed',
    );

    const stored = await testApp.db.query(
      `SELECT form, reached_on::text AS "reachedOn", confirmation_window_ends_on::text AS "windowEndsOn"
       FROM agreements WHERE case_id = ANY($1) ORDER BY form DESC`,
      [[written.id, oral.id]],
    );
    expect(stored).toEqual([
      { form: 'written', reachedOn: today, windowEndsOn: written.body.confirmationWindowEndsOn },
      { form: 'oral', reachedOn: today, windowEndsOn: null },
    ]);
  });

  it('人民调解法 第三十三条；民事诉讼法 第二百零五条、第二百零六条、第一百八十七条: both parties apply jointly within 30 days of the agreement, not before it; the court rules in a special procedure of 30 days from the application', async () => {
    expect(judicialConfirmationWindow).toMatchObject({ days: 30, basis: 'calendar', pausedBy: [] });
    expect(judicialConfirmationDecision).toMatchObject({ days: 30, basis: 'calendar' });
    expect(judicialConfirmationDecision.source.zh).toBe('民事诉讼法 第一百八十七条、第二百零六条');

    const own = await openScene();
    try {
      const { testApp, team } = own;
      const agreedOn = own.today();
      const windowEndsOn = dueDate(agreedOn, 30, 'calendar', officialCalendar);
      const onTime = await agreed(own, 'labour', 'written');
      const late = await agreed(own, 'labour', 'written');
      expect(onTime.body.confirmationWindowEndsOn).toBe(windowEndsOn);
      const application = { type: 'REQUEST_JUDICIAL_CONFIRMATION', court: team.units.court.id };

      // §33: one party alone does not apply; nor does anyone before the agreement took effect
      expectAnswered(
        await sendEvent(testApp, onTime.mediator, onTime.id, onTime.version, {
          ...application,
          appliedOn: agreedOn,
          jointlyApplied: false,
        }),
        422,
        'validation_failed',
      );
      const early = await sendEvent(testApp, onTime.mediator, onTime.id, onTime.version, {
        ...application,
        appliedOn: addDays(agreedOn, -1),
        jointlyApplied: true,
      });
      expectAnswered(early, 422, 'validation_failed');
      expect(early.body.error.details).toEqual([expect.objectContaining({ field: 'appliedOn' })]);

      // on the last day of the window the joint application is still in time
      await own.travel(daysBetween(agreedOn, windowEndsOn));
      const appliedOn = own.today();
      const requested = await sendEvent(testApp, onTime.mediator, onTime.id, onTime.version, {
        ...application,
        appliedOn,
        jointlyApplied: true,
      });
      expectAnswered(requested, 200);
      expect(requested.body.state).toBe('agreement.judicialConfirmation');
      // §187: the court's 30 days run from the application, counted like every period (§85)
      expect(requested.body.deadline).toMatchObject({
        clock: 'confirmation',
        days: 30,
        due: dueDate(appliedOn, 30, 'calendar', officialCalendar),
      });
      expect(requested.body.deadline?.source.zh).toBe('民事诉讼法 第一百八十七条、第二百零六条');

      // a day later it is not, and an application dated in the future is not one
      await own.travel(1);
      expectAnswered(
        await sendEvent(testApp, late.mediator, late.id, late.version, {
          ...application,
          appliedOn: own.today(),
          jointlyApplied: true,
        }),
        422,
        'event_not_allowed',
      );
      expectAnswered(
        await sendEvent(testApp, late.mediator, late.id, late.version, {
          ...application,
          appliedOn: addDays(own.today(), 1),
          jointlyApplied: true,
        }),
        // a day of fact after today: 422 naming appliedOn (issue 19)
        422,
        'validation_failed',
      );

      // §206: the court rules — its user, not the mediator whose agreement it is; the ruling not before the application
      const ruling = { type: 'CONFIRMED', rulingNo: '(2026)沪0112民特88号', ruledOn: own.today() };
      expectAnswered(
        await sendEvent(testApp, onTime.mediator, onTime.id, requested.body.version, ruling),
        403,
        'event_forbidden',
      );
      expectAnswered(
        await sendEvent(testApp, team.mediators.court, onTime.id, requested.body.version, {
          ...ruling,
          ruledOn: addDays(appliedOn, -1),
        }),
        422,
        'validation_failed',
      );
      const confirmed = await sendEvents(testApp, onTime.id, requested.body.version, [
        [team.mediators.court, ruling],
      ]);
      expect(confirmed).toMatchObject({
        state: 'agreement.awaitingFulfilment',
        judiciallyConfirmed: true,
        deadline: null,
      });
      // a confirmed agreement, if breached, goes to enforcement; an unconfirmed one does not
      const enforced = await sendEvents(testApp, onTime.id, confirmed.version as number, [
        [onTime.mediator, { type: 'BREACHED', note: '逾期未付。' }],
      ]);
      expect(enforced).toMatchObject({ state: 'closed', outcome: 'enforcement_referred' });
      const unconfirmed = await sendEvents(testApp, late.id, late.version, [
        [late.mediator, { type: 'BREACHED', note: '逾期未付。' }],
      ]);
      expect(unconfirmed).toMatchObject({ state: 'closed', outcome: 'unresolved' });
      const stored = await testApp.db.query(
        `SELECT ruling_no AS "rulingNo", ruled_on::text AS "ruledOn" FROM agreements WHERE case_id = $1`,
        [onTime.id],
      );
      expect(stored).toEqual([{ rulingNo: ruling.rulingNo, ruledOn: ruling.ruledOn }]);
    } finally {
      await own.testApp.close();
    }
  });

  it('劳动争议调解仲裁法 第十四条、第十五条、第十六条、第七条: labour mediation ends after 15 days, which no suspension stops; failed mediation goes to arbitration (no agreement, so no payment order); ten or more workers elect representatives, uncapped', async () => {
    const { testApp } = scene;
    const labour = rulesFor('labour');
    expect(labour.deadlines.administrative).toEqual(labour.deadlines.people);
    expect(labour.failureNote.zh).toContain('劳动争议调解仲裁法 第十五条');
    expect(labour.failureNote.zh).toContain('劳动争议调解仲裁法 第十六条');
    expect(labourGroupRepresentation).toEqual({
      minWorkers: 10,
      source: expect.objectContaining({ zh: '劳动争议调解仲裁法 第七条' }),
    });
    expect(labour.representativeCap).toBeNull();

    // §7: twelve workers with one claim, all representatives: no cap applies
    const workers = Array.from({ length: 12 }, (_, index) => ({
      role: 'applicant',
      kind: 'person',
      name: `厨师${index + 1}`,
      representative: true,
    }));
    const group = await registerCase(testApp, scene.team.mediators.community, {
      type: 'labour',
      groupSize: 12,
      parties: [...workers, { role: 'respondent', kind: 'organisation', name: '某餐饮管理有限公司' }],
    });
    expectAnswered(group, 201);

    // §14: 15 calendar days from the day the application was received (here: registered and accepted
    // today), on either the people's or the labour bureau's track; later receipts: test/cases/law-clocks.test.ts
    const today = scene.today();
    const running = await caseInMediation(scene, 'labour');
    const due = dueDate(today, 15, 'calendar', officialCalendar);
    expect(running.body.deadline).toMatchObject({ days: 15, basis: 'calendar', due, paused: false });
    expect(running.body.deadline?.source.zh).toBe('劳动争议调解仲裁法 第十四条');
    const atBureau = await caseInMediation(scene, 'labour', { track: 'administrative' });
    expect(atBureau.body.deadline).toMatchObject({ days: 15, basis: 'calendar', due });
    expect(atBureau.body.deadline?.source.zh).toBe('劳动争议调解仲裁法 第十四条');

    // the right to arbitration arises on day 15 whatever happens: an appraisal does not stop the clock
    const suspended = await sendEvent(testApp, running.mediator, running.id, running.version, {
      type: 'SUSPEND',
      reason: 'appraisal',
    });
    expect(suspended.body).toMatchObject({ state: 'mediation.suspended' });
    expect(suspended.body.deadline).toMatchObject({ due, paused: false });

    // §14: failed mediation goes to arbitration; a lawsuit is not the labour route, and a payment order
    // (§16) rests on an agreement, which a failed mediation does not have
    for (const guidance of ['litigation', 'payment_order']) {
      expectAnswered(
        await sendEvent(testApp, running.mediator, running.id, suspended.body.version, {
          type: 'FAIL',
          reason: '公司拒不支付。',
          guidance,
        }),
        422,
        'event_not_allowed',
      );
    }
    const failed = await sendEvent(testApp, running.mediator, running.id, suspended.body.version, {
      type: 'FAIL',
      reason: '公司拒不支付。',
      guidance: 'arbitration',
    });
    expect(failed.body).toMatchObject({ state: 'closed', outcome: 'unresolved' });
  });

  it('医疗纠纷预防和处理条例 第三十八条、第三十条、第三十一条: the 医调委 concludes within 30 working days, appraisal time not counted; at most 5 representatives a side; not while another forum has the dispute', async () => {
    const own = await openScene();
    try {
      const { testApp, team } = own;
      expect(rulesFor('medical').failureNote.zh).toContain('医疗纠纷预防和处理条例 第三十一条');

      // §30: five representatives a side are allowed, a sixth is refused, and nothing is written
      expectAnswered(
        await registerCase(testApp, team.mediators.community, { type: 'medical', parties: parties(5, 5) }),
        201,
      );
      const [{ count: before }] = await testApp.db.query('SELECT count(*)::int AS count FROM cases');
      const tooMany = await registerCase(testApp, team.mediators.community, {
        type: 'medical',
        parties: parties(6, 1),
      });
      expectAnswered(tooMany, 422, 'representatives_over_cap');
      expect(tooMany.body.error.message).toBe('每方代表人最多 5 名（医疗纠纷预防和处理条例 第三十条）。');
      const [{ count: after }] = await testApp.db.query('SELECT count(*)::int AS count FROM cases');
      expect(after).toBe(before);

      // §38: 30 working days from acceptance
      const acceptedOn = own.today();
      const running = await caseInMediation(own, 'medical', {
        parties: parties(1, 1, { idNumber: '310104198001021234', respondent: '某区第一人民医院' }),
      });
      const due = dueDate(acceptedOn, 30, 'working', officialCalendar);
      expect(running.body.deadline).toMatchObject({ days: 30, basis: 'working', due, paused: false });
      expect(running.body.deadline?.source.zh).toBe('医疗纠纷预防和处理条例 第三十八条');
      const heard = await caseInMediation(own, 'medical');

      // §38: the days waiting for an appraisal are not counted; a hearing's are
      await own.travel(3);
      const suspendedOn = own.today();
      const appraisal = await sendEvent(testApp, running.mediator, running.id, running.version, {
        type: 'SUSPEND',
        reason: 'appraisal',
        note: '委托医疗损害鉴定。',
      });
      expect(appraisal.body.deadline).toMatchObject({ paused: true, due });
      const hearing = await sendEvent(testApp, heard.mediator, heard.id, heard.version, {
        type: 'SUSPEND',
        reason: 'hearing',
      });
      expect(hearing.body.deadline).toMatchObject({ paused: false, due });

      await own.travel(7);
      const resumedOn = own.today();
      const stillWaiting = await getCase(own, running.mediator, running.id);
      expect(stillWaiting.body.deadline).toMatchObject({
        paused: true,
        due: readClock(
          { startedOn: acceptedOn, days: 30, basis: 'working', pauses: [{ from: suspendedOn }] },
          resumedOn,
          officialCalendar,
        ).due,
      });
      const resumed = await sendEvent(testApp, running.mediator, running.id, appraisal.body.version, {
        type: 'RESUME',
      });
      const dueAfterAppraisal = dueDate(
        acceptedOn,
        30,
        'working',
        officialCalendar,
        (date) => date >= suspendedOn && date < resumedOn,
      );
      expect(resumed.body.deadline).toMatchObject({ paused: false, due: dueAfterAppraisal });
      expect(dueAfterAppraisal >= due).toBe(true);
      const heardResumed = await sendEvent(testApp, heard.mediator, heard.id, hearing.body.version, {
        type: 'RESUME',
      });
      expect(heardResumed.body.deadline).toMatchObject({ paused: false, due });

      // §31, §40: while one forum has the same dispute, no other takes it — refused as soon as it is registered
      const refused = await registerCase(testApp, team.mediators.community, {
        type: 'medical',
        parties: parties(1, 1, { idNumber: '310104198001021234', respondent: '某区第一人民医院' }),
      });
      expectAnswered(refused, 422, 'already_in_forum');
      expect(refused.body.error.message).toContain(running.number);
    } finally {
      await own.testApp.close();
    }
  });

  it('医疗纠纷预防和处理条例 第四十条: the health bureau decides within 5 working days whether to mediate, then concludes within 30 working days — not while a committee has the dispute', async () => {
    const { testApp, team } = scene;
    expect(medicalAdministrativeAcceptance).toMatchObject({ days: 5, basis: 'working' });
    expect(medicalAdministrativeAcceptance.source.zh).toBe('医疗纠纷预防和处理条例 第四十条');

    const today = scene.today();
    const atBureau = await caseInMediation(scene, 'medical', {
      track: 'administrative',
      parties: parties(1, 1, { idNumber: '310104197502051234', respondent: '某区妇幼保健院' }),
    });
    expect(atBureau.body).toMatchObject({ track: 'administrative', level: null });
    expect(atBureau.body.holdingUnit?.id).toBe((await scene.bodyOf('medical')).unit.id);
    expect(atBureau.body.deadline).toMatchObject({
      days: 30,
      basis: 'working',
      due: dueDate(today, 30, 'working', officialCalendar),
    });
    expect(atBureau.body.deadline?.source.zh).toBe('医疗纠纷预防和处理条例 第四十条');

    // §40, §31: the committee does not take what the bureau has — refused as soon as it is registered
    const refused = await registerCase(testApp, team.mediators.community, {
      type: 'medical',
      parties: parties(1, 1, { idNumber: '310104197502051234', respondent: '某区妇幼保健院' }),
    });
    expectAnswered(refused, 422, 'already_in_forum');
    expect(refused.body.error.message).toContain(atBureau.number);
  });

  it('土地管理法 第四十七条、第十四条; 民诉法解释 第三百五十五条: the plan is announced 30 days and heard if most object; ownership disputes go to the government, then to court within 30 days — an agreement on sharing compensation may be confirmed, one determining ownership (确权) may not', async () => {
    const { testApp, team } = scene;
    const land = rulesFor('land_requisition');
    expect(land.failureNote.zh).toContain('至少三十日');
    expect(land.failureNote.zh).toContain('土地管理法 第四十七条');
    expect(land.failureNote.zh).toContain('三十日内向人民法院起诉');
    expect(land.failureNote.zh).toContain('土地管理法 第十四条');
    expect(land.failureGuidance).toEqual(['administrative_ruling', 'litigation']);

    // villagers sharing the compensation: a civil agreement the court can confirm
    const sharing = await agreed(scene, 'land_requisition', 'written');
    expect(sharing.body.confirmationWindowEndsOn).toBe(
      dueDate(scene.today(), 30, 'calendar', officialCalendar),
    );
    expect(sharing.body.allowedEvents).toContain('REQUEST_JUDICIAL_CONFIRMATION');

    // who owns the land (确权, §355(5)): recorded as not confirmable, with the reason — required
    const ownership = await caseInMediation(scene, 'land_requisition');
    const agreement = {
      type: 'REACH_AGREEMENT',
      form: 'written',
      terms: '双方确认争议地块的使用权归属。',
      confirmable: false,
    };
    const noReason = await sendEvent(testApp, ownership.mediator, ownership.id, ownership.version, agreement);
    expectAnswered(noReason, 422, 'validation_failed');
    expect(noReason.body.error.details).toEqual([expect.objectContaining({ field: 'notConfirmableReason' })]);
    const written = await sendEvent(testApp, ownership.mediator, ownership.id, ownership.version, {
      ...agreement,
      notConfirmableReason: 'ownership',
    });
    expectAnswered(written, 200);
    expect(written.body.confirmationWindowEndsOn).toBeNull();
    expect(written.body.allowedEvents).not.toContain('REQUEST_JUDICIAL_CONFIRMATION');
    expectAnswered(
      await sendEvent(testApp, ownership.mediator, ownership.id, written.body.version, {
        type: 'REQUEST_JUDICIAL_CONFIRMATION',
        court: team.units.court.id,
        appliedOn: scene.today(),
        jointlyApplied: true,
      }),
      422,
      'event_not_allowed',
    );
    const [stored] = await testApp.db.query(
      'SELECT confirmable, not_confirmable_reason AS reason FROM agreements WHERE case_id = $1',
      [ownership.id],
    );
    expect(stored).toEqual({ confirmable: false, reason: 'ownership' });

    const disputed = await caseInMediation(scene, 'land_requisition');
    expectAnswered(
      await sendEvent(testApp, disputed.mediator, disputed.id, disputed.version, {
        type: 'FAIL',
        reason: '权属争议协商不成。',
        guidance: 'arbitration',
      }),
      422,
      'event_not_allowed',
    );
    const ruled = await sendEvent(testApp, disputed.mediator, disputed.id, disputed.version, {
      type: 'FAIL',
      reason: '权属争议协商不成，由人民政府处理。',
      guidance: 'administrative_ruling',
    });
    expect(ruled.body).toMatchObject({ state: 'closed', outcome: 'unresolved' });
  });

  it('国有土地上房屋征收与补偿条例 第十一条、第二十六条、第二十七条: without an agreement the government decides compensation, challenged by reconsideration or a lawsuit; no one is forced out by cutting water or power', async () => {
    const { testApp, team } = scene;
    const demolition = rulesFor('demolition_relocation');
    expect(demolition.failureNote.zh).toContain('国有土地上房屋征收与补偿条例 第二十六条');
    expect(demolition.failureNote.zh).toContain('中断供水、供热、供气、供电');
    expect(demolition.failureNote.zh).toContain('国有土地上房屋征收与补偿条例 第二十七条');
    expect(demolition.failureGuidance).toEqual(['administrative_ruling', 'litigation']);

    const noAgreement = await caseInMediation(scene, 'demolition_relocation');
    const decided = await sendEvent(testApp, noAgreement.mediator, noAgreement.id, noAgreement.version, {
      type: 'FAIL',
      reason: '签约期限内未达成补偿协议，报请政府作出补偿决定。',
      guidance: 'administrative_ruling',
    });
    expect(decided.body).toMatchObject({ state: 'closed', outcome: 'unresolved' });

    // a challenge to the compensation decision is for administrative reconsideration, not mediation
    const challenge = await registerCase(testApp, team.mediators.community, {
      type: 'demolition_relocation',
    });
    const referred = await sendEvents(testApp, challenge.body.id, 0, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [
        team.mediators.community,
        { type: 'REFER_OUT', agency: 'reconsideration', reason: '对补偿决定不服。' },
      ],
    ]);
    expect(referred).toMatchObject({ state: 'closed', outcome: 'referred_out' });
  });

  it('信访工作条例 第二十二条、第二十三条、第三十四条、第三十五条、第三十六条、第二十条、第十九条: decide in 15 days, conclude in 60; 复查 and 复核 30 + 30 each, the 复核 final; at most 5 representatives, 5 people a group; the same matter filed upward is flagged', async () => {
    const { testApp, team } = scene;
    const rules = petitionRulesFor();
    // a community's petition: replied there, reviewed one level up at the street (§35), rechecked
    // one further up at the district (§36)
    const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: team.units.community.id });
    const agentToken = await apiToken(testApp.app, agent.username);
    const communitySupervisor = await createUser(testApp.db, {
      role: 'supervisor',
      unitId: team.units.community.id,
    });
    const supervisorToken = await apiToken(testApp.app, communitySupervisor.username);
    const streetSupervisor = await createUser(testApp.db, {
      role: 'supervisor',
      unitId: team.units.street.id,
    });
    const streetToken = await apiToken(testApp.app, streetSupervisor.username);
    const petitioners = (count: number, representatives: number) =>
      Array.from({ length: count }, (_, index) => ({
        kind: 'person',
        name: `信访人${index + 1}`,
        representative: index < representatives,
        ...(index === 0 ? { idNumber: '31011219680818123X' } : {}),
      }));
    const register = (body: Record<string, unknown>) =>
      request(testApp.app)
        .post('/api/v1/petitions')
        .set(bearer(agentToken))
        .send({ subject: '小区停车收费争议', content: '业主反映停车费上涨未经业主大会表决。', ...body });

    // §20: five representatives is the most; five people make a group petition, four do not
    const receivedOn = addDays(scene.today(), -3);
    const group = await register({ petitioners: petitioners(5, 5), receivedOn });
    expectAnswered(group, 201);
    expect(group.body.flags.group).toBe(true);
    expect(group.body.dueDates.decision).toMatchObject({
      days: 15,
      due: dueDateOf(receivedOn, rules.decideAndNotify, officialCalendar),
    });
    const small = await register({ petitioners: petitioners(4, 0) });
    expect(small.body.flags.group).toBe(false);

    // §34, §35, §36: conclude in 60 days; then the petitioner's 30 days to ask, and 30 to decide, twice
    const id = group.body.id;
    let version = group.body.version as number;
    const send = async (token: string, event: Record<string, unknown>) => {
      const response = await request(testApp.app)
        .post(`/api/v1/petitions/${id}/events`)
        .set(bearer(token))
        .send({ expectedVersion: version, ...event });
      expectAnswered(response, 200);
      version = response.body.version;
      return response.body;
    };
    const today = scene.today();
    const in30 = dueDate(today, 30, 'calendar', officialCalendar);
    // §19: the same matter taken to the district while the street handles it is flagged, not taken twice
    const upward = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(bearer(team.supervisor))
      .send({ subject: '停车收费（到区反映）', content: '同一事项。', petitioners: petitioners(1, 0) });
    expectAnswered(upward, 201);
    expect(upward.body.flags.repeat).toBe(true);
    expect((await send(supervisorToken, { type: 'ACCEPT' })).dueDates.conclusion).toMatchObject({
      days: 60,
      due: dueDate(today, 60, 'calendar', officialCalendar),
    });
    expect(
      (await send(supervisorToken, { type: 'REPLY', opinion: '停车费调整程序合规。' })).dueDates
        .reviewRequest,
    ).toMatchObject({ days: 30, due: in30 });
    expect(
      (await send(agentToken, { type: 'REQUEST_REVIEW', requestedOn: today })).dueDates.reviewDecision,
    ).toMatchObject({ days: 30, due: in30 });
    expect(
      (await send(streetToken, { type: 'REVIEW_DECIDED', opinion: '维持原处理意见。' })).dueDates
        .recheckRequest,
    ).toMatchObject({ days: 30, due: in30 });
    const recheck = await send(agentToken, { type: 'REQUEST_RECHECK', requestedOn: today });
    expect(recheck).toMatchObject({ state: 'accepted.recheck' });
    expect(recheck.dueDates.recheckDecision).toMatchObject({ days: 30, due: in30 });
    expect(rules.recheckDecision.pausedBy).toEqual(['hearing']);
    const final = await send(team.supervisor.token, { type: 'RECHECK_DECIDED', opinion: '维持复查意见。' });
    expect(final).toMatchObject({ state: 'closed', allowedEvents: [] });
  });
});
