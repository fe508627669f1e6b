import request from 'supertest';
import { acceptedCase } from '../support/accepted-case';
import { Browser, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { sendEvents } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 21: sessions, hearings, visits and follow-ups planned ahead, logged against the plan,
 * moved and cancelled; the follow-up after an agreement; the calendar page and the feed.
 */
describe('the schedule', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // Thursday 3 December 2026, 10:00 in Shanghai
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
  });
  afterAll(() => testApp.close());

  const caseInMediation = () => acceptedCase(testApp.services, testApp.db);
  const appointmentsOf = (subjectId: string) =>
    testApp.db.query(
      `SELECT id, kind, status, starts_at, place, cancel_reason, held_event_seq, held_visit_id, job_id, owner_user_id
       FROM appointments WHERE subject_id = $1 ORDER BY starts_at, id`,
      [subjectId],
    );
  const nextSessionOf = async (caseId: string) =>
    (await testApp.db.query('SELECT snapshot FROM cases WHERE id = $1', [caseId]))[0].snapshot.context
      .nextSession;
  const jobState = async (appointmentId: string) =>
    (
      await testApp.db.query(
        `SELECT state::text AS state FROM pgboss.job WHERE name = 'appointment-reminder' AND singleton_key = $1
         ORDER BY created_on DESC, id LIMIT 1`,
        [`appointment:${appointmentId}`],
      )
    )[0]?.state;

  it('when two sessions are planned and the first is logged, then it is held, its reminder job goes, and the parties’ next session is the second', async () => {
    const { dispute, mediator } = await caseInMediation();
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SCHEDULE_SESSION', at: '2026-12-10T09:30:00+08:00', kind: 'hearing', place: '听证室' },
      { type: 'SCHEDULE_SESSION', at: '2026-12-04T14:00:00+08:00', place: '调解室' },
    );
    // the sooner one is the one to come, whatever order they were planned in
    expect(await nextSessionOf(dispute.id)).toEqual({ at: '2026-12-04T14:00:00+08:00', place: '调解室' });
    const [first, second] = await appointmentsOf(dispute.id);
    expect([first.kind, second.kind]).toEqual(['session', 'hearing']);

    testApp.clock.advanceMinutes(24 * 60 + 5 * 60); // Friday 15:00
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: '2026-12-04T14:10:00+08:00',
      minutes: '双方到场，达成初步意向。',
      appointmentId: first.id,
    });
    const [held, still] = await appointmentsOf(dispute.id);
    expect(held).toMatchObject({ status: 'held', job_id: null, owner_user_id: mediator.id });
    expect(held.held_event_seq).toBeGreaterThan(0);
    expect(await jobState(held.id)).toBe('cancelled');
    expect(still.status).toBe('planned');
    expect(await nextSessionOf(dispute.id)).toEqual({ at: '2026-12-10T09:30:00+08:00', place: '听证室' });
  });

  it('when a session is logged without naming the plan, then the one of that kind planned that day is held; a plan of another case is refused, naming appointmentId', async () => {
    const { dispute, mediator } = await caseInMediation();
    const later = new Date(testApp.clock.now().getTime() + 2 * 3600_000);
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'SCHEDULE_SESSION',
      at: later.toISOString(),
      kind: 'visit',
    });
    const [plan] = await appointmentsOf(dispute.id);

    const other = await caseInMediation();
    const refused = await request(testApp.app)
      .post(`/api/v1/cases/${other.dispute.id}/events`)
      .set('Authorization', `Bearer ${await tokenOf(other.mediator.username)}`)
      .send({
        type: 'LOG_SESSION',
        kind: 'visit',
        heldAt: testApp.clock.now().toISOString(),
        minutes: '走访记录',
        appointmentId: plan.id,
        expectedVersion: (
          await testApp.db.query('SELECT version FROM cases WHERE id = $1', [other.dispute.id])
        )[0].version,
      });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'appointmentId' })]);
    expect((await appointmentsOf(dispute.id))[0].status).toBe('planned');

    testApp.clock.advanceMinutes(150);
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'LOG_SESSION',
      kind: 'visit',
      heldAt: testApp.clock.now().toISOString(),
      minutes: '走访了被申请人。',
    });
    expect((await appointmentsOf(dispute.id))[0].status).toBe('held');
  });

  it('when a planned session is moved and then cancelled from the calendar, then the parties’ next session follows, the reminder job moves and goes, and the chain records both', async () => {
    const { dispute, mediator } = await caseInMediation();
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'SCHEDULE_SESSION',
      at: '2026-12-21T10:00:00+08:00',
      place: '调解室',
    });
    const [plan] = await appointmentsOf(dispute.id);
    const browser = new Browser(testApp.app);
    await browser.signIn(mediator.username);
    const page = await browser.get('/schedule?view=list&date=2026-12-20');
    expect(page.status).toBe(200);
    expect(page.text).toContain(dispute.number);

    const from = `?from=${encodeURIComponent('/schedule?view=list&date=2026-12-20')}`;
    const moved = await browser.post(`/schedule/appointments/${plan.id}/move${from}`, {
      at: '2026-12-22T15:30',
      place: '村委会',
    });
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe('/schedule?view=list&date=2026-12-20&done=moved');
    const [after] = await appointmentsOf(dispute.id);
    expect(after.starts_at).toEqual(new Date('2026-12-22T15:30:00+08:00'));
    expect(after.place).toBe('村委会');
    const [{ fire_at: fireAt }] = await testApp.db.query('SELECT fire_at FROM appointments WHERE id = $1', [
      plan.id,
    ]);
    expect(fireAt).toEqual(new Date('2026-12-21T09:00:00+08:00'));
    expect(await nextSessionOf(dispute.id)).toEqual({ at: '2026-12-22T15:30:00+08:00', place: '村委会' });

    const blank = await browser.post(`/schedule/appointments/${plan.id}/cancel${from}`, { reason: '' });
    expect(blank.status).toBe(400);
    expect(blank.text).toMatch(new RegExp(`id="error-reason-${plan.id}" class="field-error">[^<]+<`));

    const cancelled = await browser.post(`/schedule/appointments/${plan.id}/cancel`, {
      reason: '申请人出差',
    });
    expect(cancelled.status).toBe(303);
    const [gone] = await appointmentsOf(dispute.id);
    expect(gone).toMatchObject({ status: 'cancelled', cancel_reason: '申请人出差', job_id: null });
    expect(await jobState(plan.id)).toBe('cancelled');
    expect(await nextSessionOf(dispute.id)).toBeNull();
    const chain = await testApp.db.query(
      'SELECT type FROM case_events WHERE case_id = $1 ORDER BY seq DESC LIMIT 2',
      [dispute.id],
    );
    expect(chain.map((row: { type: string }) => row.type)).toEqual(['CANCEL_SESSION', 'SCHEDULE_SESSION']);
  });

  it('when an agreement is reached, then a follow-up (回访) is planned 30 days later by the rule (人民调解法 §31, local practice), and recording the follow-up holds it', async () => {
    const { dispute, mediator } = await caseInMediation();
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'SCHEDULE_SESSION',
      at: '2026-12-28T10:00:00+08:00',
    });
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'REACH_AGREEMENT',
      form: 'oral',
      terms: '被申请人于一周内修复漏水。',
    });
    const today = new Date(testApp.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const due = new Date(`${today}T09:00:00+08:00`);
    due.setUTCDate(due.getUTCDate() + 30);
    const plans = await appointmentsOf(dispute.id);
    expect(plans.map((row: { kind: string; status: string }) => [row.kind, row.status])).toEqual([
      ['session', 'cancelled'],
      ['follow_up', 'planned'],
    ]);
    expect(plans[1].starts_at).toEqual(due);
    expect(plans[1].owner_user_id).toBe(mediator.id);

    // a follow-up is not a case event: moved from the calendar, audited
    const actor = await testApp.services.actors.load(mediator.id);
    if (!actor) throw new Error('no mediator');
    const origin = { actor: { id: actor.id, username: actor.username }, ip: null };
    const movedTo = new Date(due.getTime() + 86_400_000);
    await testApp.services.schedule.move(actor, plans[1].id, { at: movedTo.toISOString() }, origin);
    expect((await appointmentsOf(dispute.id))[1].starts_at).toEqual(movedTo);
    const [audit] = await testApp.db.query(
      `SELECT target_id, details FROM audit_log WHERE action = 'schedule.appointment_moved' AND actor_id = $1`,
      [mediator.id],
    );
    expect(audit).toMatchObject({ target_id: dispute.id, details: { appointmentId: plans[1].id } });

    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'RECORD_FOLLOW_UP',
      visitedAt: testApp.clock.now().toISOString(),
      note: '已修复一半。',
      performed: 'partial',
    });
    expect((await appointmentsOf(dispute.id))[1].status).toBe('held');
  });

  it('when an agent logs a visit with a next visit day, then a visit is planned on that day, and logging that day’s visit holds it', async () => {
    const tree = await createDistrictTree(testApp.db);
    const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id });
    const actor = await testApp.services.actors.load(agent.id);
    if (!actor) throw new Error('no agent');
    const petition = await testApp.services.petitions.register(actor, {
      subject: '拖欠工资反映',
      content: '反映工资拖欠。',
      petitioners: [{ kind: 'person', name: '信访人甲' }],
    } as never);
    await testApp.services.petitions.logVisit(actor, petition.id, {
      visitedAt: testApp.clock.now().toISOString(),
      place: '信访人家中',
      metWith: '信访人',
      summary: '了解诉求。',
      nextVisitOn: '2026-12-15',
    });
    const [planned] = await appointmentsOf(petition.id);
    expect(planned).toMatchObject({ kind: 'visit', status: 'planned', owner_user_id: agent.id });
    expect(planned.starts_at).toEqual(new Date('2026-12-15T09:00:00+08:00'));
    expect((await testApp.services.schedule.upcomingFor(agent.id, 14)).map((entry) => entry.id)).toEqual([
      planned.id,
    ]);

    const visitDay = new Date('2026-12-15T10:30:00+08:00');
    testApp.clock.advanceMinutes(Math.ceil((visitDay.getTime() - testApp.clock.now().getTime()) / 60_000));
    const visit = await testApp.services.petitions.logVisit(actor, petition.id, {
      visitedAt: visitDay.toISOString(),
      place: '信访人家中',
      metWith: '信访人',
      summary: '送达答复。',
    });
    expect((await appointmentsOf(petition.id))[0]).toMatchObject({ status: 'held', held_visit_id: visit.id });
  });

  it('when the case is given to another mediator, then its planned sessions go with it, and so do their reminders', async () => {
    const { tree, dispute, mediator } = await caseInMediation();
    const colleague = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'SCHEDULE_SESSION',
      at: '2026-12-29T10:00:00+08:00',
    });
    await sendEvents(testApp.services, testApp.db, mediator.id, dispute.id, {
      type: 'ASSIGN',
      mediatorId: colleague.id,
    });
    expect((await appointmentsOf(dispute.id))[0].owner_user_id).toBe(colleague.id);
  });

  async function tokenOf(username: string) {
    const response = await request(testApp.app)
      .post('/api/v1/auth/login')
      .send({ username, password: 'Mediate-2026!' });
    return response.body.token as string;
  }
});
