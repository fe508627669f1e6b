import request from 'supertest';
import { oneDay, type PetitionApi, reviewLevels, type Who } from '../petitions/petition-review-support';
import { apiToken, createUser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

/** Thursday 3 December 2026, 10:00 in Shanghai. */
const issueDay = new Date('2026-12-03T10:00:00+08:00');

describe('petition statistics (GET /api/v1/stats/petitions): received, accepted, replied on time, by category and flag, 复查 and 复核 rates', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];
  let readerUsername: string;
  /** A district supervisor's figures (signed in afresh: the test clock moves past a token's life). */
  async function figures(query: string) {
    const token = await apiToken(testApp.app, readerUsername);
    return request(testApp.app)
      .get(`/api/v1/stats/petitions${query}`)
      .set('Authorization', `Bearer ${token}`);
  }

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api, tree } = await reviewLevels(testApp));
    const reader = await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id });
    readerUsername = reader.username;
  });
  afterAll(() => testApp.close());

  async function register(unitId: string, idNumber: string, fields: Record<string, unknown> = {}) {
    const registered = await api.register('districtSupervisor', {
      subject: `信访事项 ${idNumber.slice(-4)}`,
      content: '信访人反映的问题。',
      petitioners: [{ kind: 'person', name: `信访人${idNumber.slice(-4)}`, idNumber }],
      unitId,
      ...fields,
    });
    if (registered.status !== 201) throw new Error(`not registered: ${JSON.stringify(registered.body)}`);
    const id = registered.body.id as string;
    await ok('districtSupervisor', id, { type: 'ASSIGN_AGENT', agentId: api.agentId });
    return { id, body: registered.body };
  }
  async function ok(who: Who, id: string, event: Record<string, unknown>) {
    const answer = await api.send(who, id, event);
    if (answer.status !== 200)
      throw new Error(`${event.type}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  it('信访工作条例 第三十一条、第三十四条至第三十六条: the figures of a seeded set, each rate with its numerator and denominator', async () => {
    // 1. a claim at the community: replied on time, reviewed by the street (§35), recheck asked of the district (§36)
    const reviewedTwice = await register(tree.community.id, '310112198503152015');
    await ok('communitySupervisor', reviewedTwice.id, { type: 'ACCEPT' });
    await ok('communitySupervisor', reviewedTwice.id, { type: 'REPLY', opinion: '依法答复。' });
    await ok('agent', reviewedTwice.id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    await ok('streetSupervisor', reviewedTwice.id, { type: 'REVIEW_DECIDED', opinion: '维持。' });
    await ok('agent', reviewedTwice.id, { type: 'REQUEST_RECHECK', requestedOn: '2026-12-03' });
    // 2. a claim at the street: replied on time, reviewed by the district, no recheck
    const reviewedOnce = await register(tree.street.id, '310112199001011233');
    await ok('streetSupervisor', reviewedOnce.id, { type: 'ACCEPT' });
    await ok('streetSupervisor', reviewedOnce.id, { type: 'REPLY', opinion: '依法答复。' });
    await ok('agent', reviewedOnce.id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    await ok('districtSupervisor', reviewedOnce.id, { type: 'REVIEW_DECIDED', opinion: '维持。' });
    // 3. a group claim (集体访, 6 people) at the street: accepted, replied late (below)
    const late = await register(tree.street.id, '310112197808084565', { groupSize: 6 });
    expect(late.body.flags).toMatchObject({ group: true });
    await ok('streetSupervisor', late.id, { type: 'ACCEPT' });
    // 4. a proposal (建议意见类): accepted and answered — no conclusion period, no review (§32, §34)
    const proposal = await register(tree.street.id, '310101199001011234', { category: 'proposal' });
    await ok('streetSupervisor', proposal.id, { type: 'ACCEPT' });
    await ok('streetSupervisor', proposal.id, { type: 'REPLY', opinion: '感谢建议。' });
    // 5. a complaint (检举控告类): not accepted
    const declined = await register(tree.street.id, '310112200002290014', { category: 'complaint' });
    await ok('streetSupervisor', declined.id, { type: 'DECLINE', reason: '不属于本机关职责范围' });
    // 6. the same petitioner again (重复访): registered, not yet decided
    const repeat = await register(tree.street.id, '310112200002290014');
    expect(repeat.body.flags).toMatchObject({ repeat: true });
    // 7. brought to the district though it belongs to the community (越级访): outside the street
    const skipLevel = await register(tree.district.id, '310112196001191234', {
      localUnitId: tree.community.id,
    });
    expect(skipLevel.body.flags).toMatchObject({ skipLevel: true });

    testApp.clock.advanceMinutes(100 * oneDay); // past §34's 60 days
    await api.signIn();
    await ok('streetSupervisor', late.id, { type: 'REPLY', opinion: '逾期答复。' });

    const street = await figures(`?unitId=${tree.street.id}`);
    expect(street.status).toBe(200);
    expect(street.body).toMatchObject({
      received: 6,
      accepted: 4,
      acceptanceRate: { numerator: 4, denominator: 5, value: 0.8 },
      onTimeReplyRate: { numerator: 2, denominator: 3 },
      reviewRate: { numerator: 2, denominator: 3 },
      recheckRate: { numerator: 1, denominator: 2, value: 0.5 },
    });
    expect(street.body.byCategory).toEqual([
      { category: 'proposal', received: 1, accepted: 1, replied: 1 },
      { category: 'complaint', received: 1, accepted: 0, replied: 0 },
      { category: 'claim', received: 4, accepted: 3, replied: 3 },
    ]);
    expect(street.body.byFlag).toEqual([
      { flag: 'repeat', count: 1, share: { numerator: 1, denominator: 6, value: 0.1667 } },
      { flag: 'group', count: 1, share: { numerator: 1, denominator: 6, value: 0.1667 } },
      { flag: 'skipLevel', count: 0, share: { numerator: 0, denominator: 6, value: 0 } },
    ]);

    // the district counts the skip-level petition it received too; a period before them counts none
    const district = await figures(`?unitId=${tree.district.id}`);
    expect(district.body).toMatchObject({ received: 7 });
    expect(district.body.byFlag[2]).toMatchObject({ flag: 'skipLevel', count: 1 });
    const before = await figures(`?unitId=${tree.district.id}&from=2026-11-01&to=2026-12-02`);
    expect(before.body).toMatchObject({
      received: 0,
      acceptanceRate: { numerator: 0, denominator: 0, value: null },
    });
  });

  it('a street supervisor reads its own subtree only (404 elsewhere); an agent reads none (403); a bad period names the field (400)', async () => {
    const streetToken = await apiToken(
      testApp.app,
      (await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id })).username,
    );
    const agentToken = await apiToken(
      testApp.app,
      (await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id })).username,
    );
    const get = (query: string, token: string) =>
      request(testApp.app).get(`/api/v1/stats/petitions${query}`).set('Authorization', `Bearer ${token}`);
    expect((await get(`?unitId=${tree.otherStreet.id}`, streetToken)).status).toBe(404);
    expect((await get('', agentToken)).status).toBe(403);
    const bad = await get('?from=2026-12-31&to=2026-12-01', streetToken);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('to');
  });
});
