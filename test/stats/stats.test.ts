import request from 'supertest';
import { addDays } from '../../src/deadlines/plain-date';
import { todayInShanghai } from '../../src/deadlines/working-calendar';
import { apiToken, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the figures supervisors watch (GET /api/v1/stats)', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  const tokens: Record<string, string> = {};
  const usernames: Record<string, string> = {};
  let communityMediatorId: string;
  let streetMediatorId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    tree = await createDistrictTree(testApp.db);
    const users = {
      community: await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id }),
      street: await createUser(testApp.db, { role: 'mediator', unitId: tree.street.id }),
      streetSupervisor: await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id }),
      districtSupervisor: await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id }),
      mediatorElsewhere: await createUser(testApp.db, { role: 'mediator', unitId: tree.farCommunity.id }),
    };
    communityMediatorId = users.community.id;
    streetMediatorId = users.street.id;
    for (const [key, user] of Object.entries(users)) {
      usernames[key] = user.username;
      tokens[key] = await apiToken(testApp.app, user.username);
    }
  });
  afterAll(() => testApp.close());

  const as = (key: string) => ({ Authorization: `Bearer ${tokens[key]}` });
  async function send(key: string, caseId: string, event: Record<string, unknown>) {
    const current = await request(testApp.app).get(`/api/v1/cases/${caseId}`).set(as(key));
    const response = await request(testApp.app)
      .post(`/api/v1/cases/${caseId}/events`)
      .set(as(key))
      .send({ expectedVersion: current.body.version, ...event });
    if (response.status !== 200) throw new Error(`${event.type}: ${response.status} ${response.text}`);
    return response.body;
  }

  it('counts received, handled, closed, resolved where registered, escalated and questioned — each with its parts', async () => {
    const resolved = await createCase(testApp.services, communityMediatorId, { type: 'neighbourhood' });
    const escalated = await createCase(testApp.services, communityMediatorId, { type: 'labour' });
    const declined = await createCase(testApp.services, communityMediatorId, { type: 'family' });
    await createCase(testApp.services, communityMediatorId, { type: 'consumer' }); // still registered

    for (const id of [resolved.id, escalated.id]) {
      await send('community', id, { type: 'SUBMIT' });
      await send('community', id, { type: 'ACCEPT', track: 'people', level: 'community' });
      await send('community', id, { type: 'ASSIGN', mediatorId: communityMediatorId });
    }
    await send('community', resolved.id, {
      type: 'REACH_AGREEMENT',
      form: 'oral',
      terms: '修好水管并赔偿 500 元',
    });
    await send('community', resolved.id, { type: 'FULFILLED' });
    await send('community', escalated.id, {
      type: 'ESCALATE',
      reasonCode: 'multi_party',
      reason: '涉及多家用人单位',
    });
    await send('community', declined.id, { type: 'SUBMIT' });
    await send('community', declined.id, { type: 'DECLINE', reason: '不属于人民调解范围' });

    const queue = await request(testApp.app)
      .get('/api/v1/escalations?status=pending')
      .set(as('streetSupervisor'));
    const handOff = queue.body.items.find((item: { caseId: string }) => item.caseId === escalated.id);
    const questioned = await request(testApp.app)
      .post(`/api/v1/escalations/${handOff.id}/review`)
      .set(as('streetSupervisor'))
      .send({ decision: 'questioned', comment: '只开过一次调解会，应先在社区继续调解。' });
    expect(questioned.status).toBe(200);
    const again = await request(testApp.app)
      .post(`/api/v1/escalations/${handOff.id}/review`)
      .set(as('streetSupervisor'))
      .send({ decision: 'endorsed' });
    expect(again.status).toBe(422);
    await send('street', escalated.id, { type: 'ASSIGN', mediatorId: streetMediatorId });

    const figures = await request(testApp.app)
      .get(`/api/v1/stats?unitId=${tree.street.id}`)
      .set(as('districtSupervisor'));
    expect(figures.status).toBe(200);
    expect(figures.body).toMatchObject({
      received: 4,
      handlingRate: { numerator: 3, denominator: 4, value: 0.75 },
      closureRate: { numerator: 2, denominator: 4, value: 0.5 },
      onTimeClosureRate: { numerator: 2, denominator: 2 },
      mediationSuccessRate: { numerator: 1, denominator: 1, value: 1 },
      lowestLevelResolutionRate: { numerator: 1, denominator: 1 },
      escalationRate: { numerator: 1, denominator: 2, value: 0.5 },
      questionedEscalationRate: { numerator: 1, denominator: 1, value: 1 },
      overdueCount: 0,
    });
    expect(figures.body.medianDaysToClose).toBe(0);
    expect(figures.body.byUnit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          unitId: tree.community.id,
          escalationRate: { numerator: 1, denominator: 4, value: 0.25 },
          questionedRate: { numerator: 1, denominator: 1, value: 1 },
        }),
      ]),
    );
    // most hand-offs first, then most cases held, units alike in both by id: the same order on every request
    type UnitFigure = { unitId: string; escalationRate: { numerator: number; denominator: number } };
    const listed: UnitFigure[] = figures.body.byUnit;
    const ordered = [...listed].sort(
      (a, b) =>
        b.escalationRate.numerator - a.escalationRate.numerator ||
        b.escalationRate.denominator - a.escalationRate.denominator ||
        (a.unitId < b.unitId ? -1 : 1),
    );
    expect(listed.map((unit) => unit.unitId)).toEqual(ordered.map((unit) => unit.unitId));

    const byType = await request(testApp.app)
      .get(`/api/v1/stats?unitId=${tree.street.id}&type=labour`)
      .set(as('districtSupervisor'));
    expect(byType.body.received).toBe(1);
  });

  it('counts the hand-offs of the cases registered in the period, made then or later; no hand-off predates its case', async () => {
    const registeredOn = todayInShanghai(testApp.clock.now());
    const row = await createCase(testApp.services, communityMediatorId, {
      type: 'medical',
      title: '术后感染赔偿',
    });
    await send('community', row.id, { type: 'SUBMIT' });
    await send('community', row.id, { type: 'ACCEPT', track: 'people', level: 'community' });
    await send('community', row.id, { type: 'ASSIGN', mediatorId: communityMediatorId });
    testApp.clock.advanceMinutes(3 * 24 * 60); // handed up three days after it was registered
    for (const key of Object.keys(tokens)) tokens[key] = await apiToken(testApp.app, usernames[key]);
    await send('community', row.id, {
      type: 'ESCALATE',
      reasonCode: 'needs_department',
      reason: '需要卫生健康部门参与鉴定',
    });

    const period = `from=${registeredOn}&to=${registeredOn}&unitId=${tree.street.id}&type=medical`;
    const figures = await request(testApp.app).get(`/api/v1/stats?${period}`).set(as('districtSupervisor'));
    expect(figures.status).toBe(200);
    expect(figures.body).toMatchObject({
      received: 1,
      escalationRate: { numerator: 1, denominator: 1, value: 1 },
    });
    expect(figures.body.byUnit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          unitId: tree.community.id,
          escalationRate: { numerator: 1, denominator: 1, value: 1 },
          questionedRate: { numerator: 0, denominator: 0, value: null },
        }),
      ]),
    );
    // the day of the hand-off counts what was registered then, not the hand-off
    const handOffDay = todayInShanghai(testApp.clock.now());
    const later = await request(testApp.app)
      .get(`/api/v1/stats?from=${handOffDay}&to=${handOffDay}&unitId=${tree.street.id}&type=medical`)
      .set(as('districtSupervisor'));
    expect(later.body).toMatchObject({ received: 0, escalationRate: { numerator: 0, denominator: 0 } });
    expect(later.body.byUnit).toEqual([]);

    await expect(
      testApp.db.query(
        `UPDATE escalations SET created_at = c.created_at - interval '1 day' FROM cases c
         WHERE c.id = escalations.case_id AND c.id = $1`,
        [row.id],
      ),
    ).rejects.toThrow(/before its case was registered/);
  });

  it('counts the agreements due and fulfilled of the cases registered in the period; no agreement predates its case', async () => {
    const today = todayInShanghai(testApp.clock.now());
    const agreed = [];
    for (const title of ['邻里漏水赔偿', '物业费分期', '装修噪音补偿']) {
      const row = await createCase(testApp.services, communityMediatorId, {
        type: 'property_management',
        title,
      });
      await send('community', row.id, { type: 'SUBMIT' });
      await send('community', row.id, { type: 'ACCEPT', track: 'people', level: 'community' });
      await send('community', row.id, { type: 'ASSIGN', mediatorId: communityMediatorId });
      await send('community', row.id, {
        type: 'REACH_AGREEMENT',
        form: 'oral',
        terms: '当日履行',
        performBy: today,
      });
      agreed.push(row);
    }
    await send('community', agreed[0].id, { type: 'FULFILLED' });
    testApp.clock.advanceMinutes(2 * 24 * 60); // the day to perform by has passed
    // (and the bearer tokens with it: 12 hours)
    for (const key of Object.keys(tokens)) tokens[key] = await apiToken(testApp.app, usernames[key]);

    const period = `from=${today}&to=${today}&unitId=${tree.street.id}&type=property_management`;
    const figures = await request(testApp.app).get(`/api/v1/stats?${period}`).set(as('districtSupervisor'));
    expect(figures.body.agreementFulfilmentRate).toMatchObject({ numerator: 1, denominator: 3 });
    const before = await request(testApp.app)
      .get(
        `/api/v1/stats?from=2020-01-01&to=${addDays(today, -1)}&unitId=${tree.street.id}&type=property_management`,
      )
      .set(as('districtSupervisor'));
    expect(before.body.agreementFulfilmentRate).toMatchObject({ numerator: 0, denominator: 0 });

    await expect(
      testApp.db.query('UPDATE agreements SET reached_on = $2 WHERE case_id = $1', [
        agreed[1].id,
        addDays(today, -1),
      ]),
    ).rejects.toThrow(/before its case was registered/);
  });

  it('a supervisor reads their own subtree only; mediators read none', async () => {
    const elsewhere = await request(testApp.app)
      .get(`/api/v1/stats?unitId=${tree.otherStreet.id}`)
      .set(as('streetSupervisor'));
    expect(elsewhere.status).toBe(404);
    expect((await request(testApp.app).get('/api/v1/stats').set(as('mediatorElsewhere'))).status).toBe(403);
    const bad = await request(testApp.app)
      .get('/api/v1/stats?from=2026-02-01&to=2026-01-01')
      .set(as('streetSupervisor'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('to');
  });
});
