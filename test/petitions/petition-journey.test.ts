import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { UnitRepository } from '../../src/units/unit.repository';
import { apiToken, createUser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

describe('a petition followed by its agent, decided by supervisors (信访工作条例)', () => {
  let testApp: TestApp;
  const tokens: Record<string, string> = {};
  let xinzhuangId: string;
  let xinsongId: string;

  beforeAll(async () => {
    // the dates below (received 20 November, the reply's delivery) are read against the day
    testApp = await startTestApp({ demoMode: true }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    await seedDemoOrganisation(testApp.db);
    for (const username of ['agent', 'supervisor.street', 'supervisor', 'mediator.street', 'mediator']) {
      tokens[username] = await apiToken(testApp.app, username, demoPassword);
    }
    const units = new UnitRepository(testApp.db);
    xinzhuangId = (await units.findByCode('MH-XZ'))?.id as string;
    xinsongId = (await units.findByCode('MH-XZ-XS'))?.id as string;
  });
  afterAll(() => testApp.close());

  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });
  const petitioner = (name: string, idNumber?: string) => ({
    kind: 'person',
    name,
    ...(idNumber ? { idNumber } : {}),
  });

  async function send(username: string, id: string, event: Record<string, unknown>) {
    const current = await request(testApp.app).get(`/api/v1/petitions/${id}`).set(as(username));
    return request(testApp.app)
      .post(`/api/v1/petitions/${id}/events`)
      .set(as(username))
      .send({ expectedVersion: current.body.version, ...event });
  }

  it('register → accept → visit → open a case → extend once → reply → 复查 one level up → close, with clocks, flags and a valid chain', async () => {
    const registered = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(as('agent'))
      .send({
        subject: '小区加装电梯补偿分摊争议',
        content: '一楼住户反映加装电梯后采光受影响，要求补偿。',
        petitioners: [petitioner('李秀英', '310112196505031234'), petitioner('张伟')],
        groupSize: 6,
        receivedOn: '2026-11-20',
      });
    expect(registered.status).toBe(201);
    const id = registered.body.id;
    expect(registered.body.number).toMatch(/^MH-XF-2026-\d{6}$/);
    expect(registered.body).toMatchObject({ state: 'registered', agentId: expect.any(String) });
    expect(registered.body.flags).toEqual({ repeat: false, group: true, skipLevel: false });
    // §22: decide within 15 days of receipt
    expect(registered.body.dueDates.decision).toMatchObject({ due: '2026-12-07', days: 15 });
    expect(registered.body.dueDates.decision.source.zh).toContain('信访工作条例');
    expect(registered.body.petitioners[0]).toMatchObject({ name: '李秀英', idNumber: '310***********1234' });
    expect(registered.body.allowedEvents).toEqual(['LINK_CASE']);

    // the agent cannot decide; the supervisor of 莘庄镇 can
    expect((await send('agent', id, { type: 'ACCEPT' })).status).toBe(403);
    const accepted = await send('supervisor.street', id, { type: 'ACCEPT' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.state).toBe('accepted.handling');
    expect(accepted.body.dueDates.conclusion.days).toBe(60);

    const visit = await request(testApp.app).post(`/api/v1/petitions/${id}/visits`).set(as('agent')).send({
      visitedAt: '2026-11-22T15:30:00+08:00',
      place: '莘松小区 12 号楼',
      metWith: '李秀英及其女儿',
      summary: '了解加装电梯对采光的影响，转达街道意见。',
      demands: '一次性补偿 2 万元',
      mood: 'anxious',
      risk: 'medium',
      promises: '一周内反馈协调结果',
      nextVisitOn: '2026-11-29',
    });
    expect(visit.status).toBe(201);
    const afterVisit = await request(testApp.app).get(`/api/v1/petitions/${id}`).set(as('agent'));
    expect(afterVisit.body.nextVisitOn).toBe('2026-11-29');

    // 诉访分离: the legal claim goes to mediation as a case in screening at 莘庄镇
    const linked = await send('agent', id, {
      type: 'LINK_CASE',
      openCase: {
        type: 'property_management',
        title: '加装电梯采光补偿纠纷',
        description: '一楼住户与加装电梯业主之间的补偿纠纷。',
        parties: [
          { role: 'applicant', kind: 'person', name: '李秀英' },
          { role: 'respondent', kind: 'organisation', name: '莘松小区加装电梯业主代表' },
        ],
      },
    });
    expect(linked.status).toBe(200);
    expect(linked.body.linkedCases).toEqual([
      expect.objectContaining({ state: 'screening', title: '加装电梯采光补偿纠纷' }),
    ]);
    const caseId = linked.body.linkedCases[0].id;
    const seenByAgent = await request(testApp.app).get(`/api/v1/cases/${caseId}`).set(as('agent'));
    expect(seenByAgent.status).toBe(200);
    expect(seenByAgent.body).toMatchObject({ source: 'petition', state: 'screening', allowedEvents: [] });
    expect(seenByAgent.body.holdingUnit.id).toBe(xinzhuangId);
    const seenByStreetMediator = await request(testApp.app)
      .get(`/api/v1/cases/${caseId}`)
      .set(as('mediator.street'));
    expect(seenByStreetMediator.body.allowedEvents).toEqual(
      expect.arrayContaining(['ACCEPT', 'DECLINE', 'REFER_OUT']),
    );

    const extended = await send('supervisor.street', id, {
      type: 'EXTEND',
      days: 30,
      reason: '需协调多方业主。',
    });
    expect(extended.status).toBe(200);
    expect(extended.body.dueDates.conclusion).toMatchObject({ days: 90, extendedBy: 30 });
    const again = await send('supervisor.street', id, { type: 'EXTEND', days: 10, reason: '再次延期' });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('event_not_allowed');
    const tooLong = await send('supervisor.street', id, { type: 'EXTEND', days: 31, reason: '过长' });
    expect(tooLong.status).toBe(400);

    const replied = await send('supervisor.street', id, {
      type: 'REPLY',
      opinion: '经协调，加装电梯业主同意给予补偿。',
    });
    expect(replied.body.state).toBe('accepted.replied');
    expect(replied.body.dueDates.reviewRequest.days).toBe(30);
    const review = await send('agent', id, {
      type: 'REQUEST_REVIEW',
      requestedOn: '2026-12-03',
      reason: '补偿金额过低',
    });
    expect(review.status).toBe(200);
    expect(review.body.state).toBe('accepted.review');
    // 信访工作条例 第三十五条: the review is the district centre's, one level above 莘庄镇
    expect(review.body.holdingUnit.code).toBe('MH');
    // … and 莘庄镇, whose reply it reviews, may not decide it
    const byStreet = await send('supervisor.street', id, {
      type: 'REVIEW_DECIDED',
      opinion: '维持原处理意见。',
    });
    expect(byStreet.status).toBe(403);
    const decided = await send('supervisor', id, { type: 'REVIEW_DECIDED', opinion: '维持原处理意见。' });
    expect(decided.body.state).toBe('accepted.reviewed');
    const closed = await send('supervisor', id, { type: 'CLOSE', note: '信访人未申请复核。' });
    expect(closed.body.state).toBe('closed');

    const verify = await request(testApp.app).get(`/api/v1/petitions/${id}/verify`).set(as('agent'));
    expect(verify.body).toEqual({ valid: true, events: 9 });
    const timeline = await request(testApp.app)
      .get(`/api/v1/petitions/${id}/events`)
      .set(as('supervisor.street'));
    expect(timeline.body.items.map((event: { type: string }) => event.type)).toEqual([
      'REGISTERED',
      'ACCEPT',
      'VISIT_LOGGED',
      'LINK_CASE',
      'EXTEND',
      'REPLY',
      'REQUEST_REVIEW',
      'REVIEW_DECIDED',
      'CLOSE',
    ]);
  });

  it('flags a repeat petition by the same person, and a skip-level one', async () => {
    const first = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(as('agent'))
      .send({
        subject: '拖欠工资',
        content: '第一次反映',
        petitioners: [petitioner('赵大勇', '31011219700102123X')],
      });
    expect(first.body.flags.repeat).toBe(false);
    const second = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(as('supervisor'))
      .send({
        subject: '拖欠工资（再次反映）',
        content: '到区里反映',
        petitioners: [petitioner('赵大勇', '31011219700102123x')],
        localUnitId: xinsongId,
      });
    expect(second.status).toBe(201);
    expect(second.body.flags).toMatchObject({ repeat: true, skipLevel: true, group: false });
  });

  it('refuses more than 5 representatives (信访工作条例 第二十条) and writes nothing', async () => {
    const before = await request(testApp.app).get('/api/v1/petitions').set(as('agent'));
    const representatives = Array.from({ length: 6 }, (_, i) => ({
      ...petitioner(`代表${i + 1}`),
      representative: true,
    }));
    const refused = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(as('agent'))
      .send({ subject: '集体反映', content: '内容', petitioners: representatives });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('representatives_over_cap');
    const after = await request(testApp.app).get('/api/v1/petitions').set(as('agent'));
    expect(after.body.total).toBe(before.body.total);
  });

  it('an event for a petition the caller may not see is a 404, well-formed or not; a malformed one for a petition they may act on is a 400; neither writes', async () => {
    const registered = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(as('agent'))
      .send({ subject: '物业费争议', content: '业主反映物业费上涨。', petitioners: [petitioner('王芳')] });
    const id = registered.body.id;
    const [elsewhere] = await testApp.db.query(
      `SELECT id FROM units WHERE kind = 'street' AND id <> $1 ORDER BY code LIMIT 1`,
      [xinzhuangId],
    );
    const outsider = await createUser(testApp.db, { role: 'supervisor', unitId: elsewhere.id });
    const outsiderToken = await apiToken(testApp.app, outsider.username);
    const post = (token: string, body: Record<string, unknown>) =>
      request(testApp.app)
        .post(`/api/v1/petitions/${id}/events`)
        .set('Authorization', `Bearer ${token}`)
        .send(body);

    expect((await post(outsiderToken, { type: 'ACCEPT', expectedVersion: 0 })).status).toBe(404);
    expect((await post(outsiderToken, { type: 'ACCEPT', expectedVersion: 'x' })).status).toBe(404);
    const malformed = await post(tokens['supervisor.street'], { type: 'ACCEPT', expectedVersion: 'x' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details).toEqual([expect.objectContaining({ field: 'expectedVersion' })]);
    const after = await request(testApp.app).get(`/api/v1/petitions/${id}`).set(as('agent'));
    expect(after.body).toMatchObject({ version: 0, state: 'registered' });
  });

  it('a mediator sees no petitions and cannot register one', async () => {
    expect((await request(testApp.app).get('/api/v1/petitions').set(as('mediator'))).status).toBe(403);
    expect(
      (
        await request(testApp.app)
          .post('/api/v1/petitions')
          .set(as('mediator'))
          .send({ subject: 'x', content: 'y', petitioners: [petitioner('a')] })
      ).status,
    ).toBe(403);
  });

  it('when an agent logs 8 visits to one petition at once, then every one is recorded on its own link of a chain that verifies', async () => {
    const registered = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(as('agent'))
      .send({
        subject: '物业费争议',
        content: '业主对物业费上涨有异议。',
        petitioners: [petitioner('赵敏')],
      });
    const id = registered.body.id;

    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        request(testApp.app)
          .post(`/api/v1/petitions/${id}/visits`)
          .set(as('agent'))
          .send({
            visitedAt: `2026-11-2${index}T09:00:00+08:00`,
            place: '莘松小区物业办公室',
            metWith: '赵敏',
            summary: `第 ${index + 1} 次走访。`,
          }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
    const verify = await request(testApp.app).get(`/api/v1/petitions/${id}/verify`).set(as('agent'));
    expect(verify.body).toEqual({ valid: true, events: 9 });
  });
});
