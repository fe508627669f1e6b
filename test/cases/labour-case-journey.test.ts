import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { UnitRepository } from '../../src/units/unit.repository';
import { apiToken, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { rebuildApp, startTestApp, type TestApp } from '../support/test-app';

describe('a labour dispute from a 莘庄镇 workstation to closure, by the demo accounts through the API', () => {
  let testApp: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true });
    await seedDemoOrganisation(testApp.db);
    for (const username of [
      'mediator',
      'mediator.street',
      'supervisor.street',
      'supervisor',
      'agent',
      'mediator.labour',
    ]) {
      tokens[username] = await apiToken(testApp.app, username, demoPassword);
    }
  });
  afterAll(() => testApp.close());

  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });

  async function send(username: string, caseId: string, event: Record<string, unknown>) {
    const current = await request(testApp.app).get(`/api/v1/cases/${caseId}`).set(as(username));
    return request(testApp.app)
      .post(`/api/v1/cases/${caseId}/events`)
      .set(as(username))
      .send({ expectedVersion: current.body.version, ...event });
  }

  it('SUBMIT → ACCEPT → ASSIGN → LOG_SESSION → ESCALATE → review → ASSIGN → REACH_AGREEMENT → FULFILLED', async () => {
    const registered = await request(testApp.app)
      .post('/api/v1/cases')
      .set(as('mediator'))
      .send({
        type: 'labour',
        title: '某餐饮公司拖欠三名厨师工资',
        description: '三名厨师反映公司拖欠 2026 年 9 月、10 月工资共计 42,000 元。',
        source: 'walk_in',
        amountInDispute: 42000,
        parties: [
          {
            role: 'applicant',
            kind: 'person',
            name: '王建国',
            idNumber: '310112198805011234',
            phone: '13812345678',
          },
          { role: 'respondent', kind: 'organisation', name: '上海某餐饮管理有限公司' },
        ],
      });
    expect(registered.status).toBe(201);
    const caseId = registered.body.id;
    expect(registered.body.number).toMatch(/^MH-\d{4}-\d{6}$/);
    expect(registered.body.state).toBe('registered');
    expect(registered.body.parties[0]).toMatchObject({
      name: '王建国',
      idNumber: '310***********1234',
      phone: '138****5678',
    });
    expect(registered.body.allowedEvents).toEqual(['SUBMIT', 'SET_RISK_GRADE']);

    expect((await send('mediator', caseId, { type: 'SUBMIT' })).body.state).toBe('screening');
    const accepted = await send('mediator', caseId, { type: 'ACCEPT', track: 'people', level: 'community' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      state: 'mediation.awaitingMediator',
      track: 'people',
      level: 'community',
    });
    expect(accepted.body.deadline).toMatchObject({ basis: 'calendar', days: 15, paused: false });
    expect(accepted.body.deadline.source.zh).toBe('劳动争议调解仲裁法 第十四条');

    const assigned = await send('mediator', caseId, { type: 'ASSIGN', mediatorUsername: 'mediator' });
    expect(assigned.body.state).toBe('mediation.inProgress');
    const session = await send('mediator', caseId, {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: '2026-11-20T10:00:00+08:00',
      minutes: '双方到场，公司称资金周转困难，未达成一致。',
    });
    expect(session.body.state).toBe('mediation.inProgress');
    // the case read answers exactly what the event answered for that version: units by
    // name, the mediator, the parties masked in their order, the events allowed now
    const read = await request(testApp.app).get(`/api/v1/cases/${caseId}`).set(as('mediator'));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(session.body);
    expect(read.body.holdingUnit).toMatchObject({ code: expect.any(String), name: expect.any(String) });
    expect(read.body.mediator).toMatchObject({ displayName: expect.any(String) });
    expect(read.body.parties.map((party: { name: string }) => party.name)).toEqual([
      '王建国',
      '上海某餐饮管理有限公司',
    ]);
    expect(read.body.parties[0]).toMatchObject({ idNumber: '310***********1234', phone: '138****5678' });
    expect(read.body.allowedEvents).toContain('LOG_SESSION');

    const escalated = await send('mediator', caseId, {
      type: 'ESCALATE',
      reasonCode: 'beyond_authority',
      reason: '涉及金额较大，需镇劳动保障所协调。',
    });
    expect(escalated.status).toBe(200);
    const xinzhuang = await new UnitRepository(testApp.db).findByCode('MH-XZ');
    expect(escalated.body).toMatchObject({ state: 'mediation.awaitingMediator', level: 'street' });
    expect(escalated.body.holdingUnit.id).toBe(xinzhuang?.id);

    const queue = await request(testApp.app)
      .get('/api/v1/escalations?status=pending')
      .set(as('supervisor.street'));
    const handOff = queue.body.items.find((item: { caseId: string }) => item.caseId === caseId);
    expect(handOff).toMatchObject({
      kind: 'ESCALATE',
      reasonCode: 'beyond_authority',
      sessionsHeld: 1,
      status: 'pending',
    });
    const review = await request(testApp.app)
      .post(`/api/v1/escalations/${handOff.id}/review`)
      .set(as('supervisor.street'))
      .send({ decision: 'endorsed', comment: '金额较大，上报合理。' });
    expect(review.status).toBe(200);
    expect(review.body.status).toBe('endorsed');

    expect(
      (await send('mediator.street', caseId, { type: 'ASSIGN', mediatorUsername: 'mediator.street' })).body
        .state,
    ).toBe('mediation.inProgress');
    const agreement = await send('mediator.street', caseId, {
      type: 'REACH_AGREEMENT',
      form: 'written',
      terms: '公司于 2026 年 12 月 10 日前分两期支付全部拖欠工资 42,000 元。',
      performBy: '2026-12-10',
    });
    expect(agreement.status).toBe(200);
    expect(agreement.body.state).toBe('agreement.awaitingFulfilment');
    expect(agreement.body.confirmationWindowEndsOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(agreement.body.allowedEvents).toEqual(
      expect.arrayContaining(['RECORD_FOLLOW_UP', 'FULFILLED', 'BREACHED', 'REQUEST_JUDICIAL_CONFIRMATION']),
    );

    const closed = await send('mediator.street', caseId, { type: 'FULFILLED', note: '已全部支付。' });
    expect(closed.body).toMatchObject({ state: 'closed', outcome: 'resolved', deadline: null });

    const verify = await request(testApp.app)
      .get(`/api/v1/cases/${caseId}/verify`)
      .set(as('supervisor.street'));
    expect(verify.body).toEqual({ valid: true, events: 9 });
    const timeline = await request(testApp.app).get(`/api/v1/cases/${caseId}/events`).set(as('mediator'));
    expect(timeline.body.items.map((event: { type: string }) => event.type)).toEqual([
      'REGISTERED',
      'SUBMIT',
      'ACCEPT',
      'ASSIGN',
      'LOG_SESSION',
      'ESCALATE',
      'ASSIGN',
      'REACH_AGREEMENT',
      'FULFILLED',
    ]);

    // a restart: a new app (new services, no memory) on the same database sees the same case
    const restarted = await rebuildApp(testApp);
    const again = await request(restarted).get(`/api/v1/cases/${caseId}`).set(as('mediator.street'));
    expect(again.body).toMatchObject({ state: 'closed', outcome: 'resolved', version: 8 });
    expect(
      (await request(restarted).get(`/api/v1/cases/${caseId}/verify`).set(as('mediator'))).body.valid,
    ).toBe(true);
  });
});

describe('bad input never reaches the database', () => {
  it('an event for a case the caller may not see is a 404, well-formed or not; for one they see, a malformed event is a 400; neither writes', async () => {
    const testApp = await startTestApp();
    try {
      const tree = await createDistrictTree(testApp.db);
      const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
      const outsider = await createUser(testApp.db, { role: 'mediator', unitId: tree.farCommunity.id });
      const dispute = await createCase(testApp.services, mediator.id);
      const post = async (username: string, body: Record<string, unknown>) =>
        request(testApp.app)
          .post(`/api/v1/cases/${dispute.id}/events`)
          .set('Authorization', `Bearer ${await apiToken(testApp.app, username)}`)
          .send(body);

      expect((await post(outsider.username, { type: 'SUBMIT', expectedVersion: 0 })).status).toBe(404);
      expect((await post(outsider.username, { type: 'SUBMIT', expectedVersion: 'x' })).status).toBe(404);
      const malformed = await post(mediator.username, { type: 'SUBMIT', expectedVersion: 'x' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.details).toEqual([expect.objectContaining({ field: 'expectedVersion' })]);

      const [row] = await testApp.db.query('SELECT version, state FROM cases WHERE id = $1', [dispute.id]);
      expect(row).toEqual({ version: 0, state: 'registered' });
      const [events] = await testApp.db.query(
        'SELECT count(*)::int AS n FROM case_events WHERE case_id = $1',
        [dispute.id],
      );
      expect(events.n).toBe(1);
    } finally {
      await testApp.close();
    }
  });

  it('a NUL character in a field is a 400 naming the field, not a 500', async () => {
    const testApp = await startTestApp();
    try {
      const tree = await createDistrictTree(testApp.db);
      const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
      const token = await apiToken(testApp.app, mediator.username);
      const response = await request(testApp.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({
          type: 'other',
          title: 'a\u0000b',
          description: 'x',
          source: 'walk_in',
          parties: [{ role: 'applicant', kind: 'person', name: 'x' }],
        });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'title' })]);
    } finally {
      await testApp.close();
    }
  });
});
