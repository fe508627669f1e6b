import { startTestApp, type TestApp } from '../support/test-app';
import { oneDay, type PetitionApi, repliedPetition, reviewLevels } from './petition-review-support';

/** The issue's day: Thursday 3 December 2026, 10:00 in Shanghai. */
const issueDay = new Date('2026-12-03T10:00:00+08:00');

const openCase = {
  type: 'property_management',
  title: '补偿款分配纠纷',
  description: '家庭成员之间对征收补偿款的分配纠纷。',
  parties: [
    { role: 'applicant', kind: 'person', name: '陈建国' },
    { role: 'respondent', kind: 'person', name: '陈建民' },
  ],
};

describe('the review levels, as the review found them (信访工作条例 第三十四条至第三十六条)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  const eventCount = async (id: string) =>
    (
      await testApp.db.query('SELECT count(*)::int AS count FROM petition_events WHERE petition_id = $1', [
        id,
      ])
    )[0].count as number;

  it('信访工作条例 第三十五条 (诉访分离): a case opened from a petition under review goes to the unit of first instance, not the review body; the street may still open it', async () => {
    const id = await repliedPetition(api, tree.street.id, 'streetSupervisor', { subject: '补偿款分配' });
    const review = await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    expect(review.body).toMatchObject({ state: 'accepted.review', holdingUnit: { id: tree.district.id } });

    const linked = await api.send('streetSupervisor', id, { type: 'LINK_CASE', openCase });
    expect(linked.status).toBe(200);
    const caseId = linked.body.linkedCases[0].id as string;
    const [opened] = await testApp.db.query('SELECT holding_unit_id, state FROM cases WHERE id = $1', [
      caseId,
    ]);
    expect(opened).toEqual({ holding_unit_id: tree.street.id, state: 'screening' });
    // the petition itself stays with the review body
    expect((await api.get('agent', id)).body.holdingUnit.id).toBe(tree.district.id);
  });

  it('信访工作条例 第三十五条: a delivery is recorded by the serving unit, once per opinion, and never after the window ran out (no expired window reopened)', async () => {
    const id = await repliedPetition(api, tree.street.id, 'streetSupervisor', { subject: '过渡费发放' });
    const byAgent = await api.send('agent', id, { type: 'RECORD_DELIVERY', deliveredOn: '2026-12-03' });
    expect(byAgent.status).toBe(403);

    testApp.clock.advanceMinutes(2 * oneDay); // Saturday 5 December
    await api.signIn();
    const first = await api.send('streetSupervisor', id, {
      type: 'RECORD_DELIVERY',
      deliveredOn: '2026-12-04',
    });
    expect(first.status).toBe(200);
    expect(first.body.dueDates.reviewRequest).toMatchObject({ startedOn: '2026-12-04', due: '2027-01-04' });
    const events = await eventCount(id);
    const again = await api.send('streetSupervisor', id, {
      type: 'RECORD_DELIVERY',
      deliveredOn: '2026-12-05',
    });
    expect(again.status).toBe(422);
    expect(again.body.error.details).toEqual([
      expect.objectContaining({ field: 'deliveredOn', message: expect.stringContaining('2026-12-04') }),
    ]);
    expect(await eventCount(id)).toBe(events);

    // another reply, its window left to run out: 30 days from 5 December end Monday 4 January
    const late = await repliedPetition(api, tree.street.id, 'streetSupervisor', { subject: '安置房分配' });
    testApp.clock.advanceMinutes(31 * oneDay); // Tuesday 5 January 2027
    await api.signIn();
    const reopened = await api.send('streetSupervisor', late, {
      type: 'RECORD_DELIVERY',
      deliveredOn: '2027-01-04',
    });
    expect(reopened.status).toBe(422);
    expect(reopened.body.error.details).toEqual([
      expect.objectContaining({ field: 'deliveredOn', message: expect.stringContaining('2027-01-04') }),
    ]);
    expect(reopened.body.error.details[0].message).toContain('第三十五条');
    const after = (await api.get('streetSupervisor', late)).body;
    expect(after.dueDates.reviewRequest.due).toBe('2027-01-04');
    expect(after.allowedEvents).not.toContain('RECORD_DELIVERY');
  });
});

describe('the review body’s 30 days run from receiving the request (信访工作条例 第三十五条、第三十六条)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  it('信访工作条例 第三十五条、第三十六条: a request posted days before it is received starts the decision clock on receipt, not on posting; the petitioner’s window still counts the posting day', async () => {
    const id = await repliedPetition(api, tree.community.id, 'communitySupervisor');
    testApp.clock.advanceMinutes(5 * oneDay); // Tuesday 8 December
    await api.signIn();
    // posted Friday 4 December, received (and recorded) on the 8th: 30 days from then end Thursday 7 January
    const review = await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-04' });
    expect(review.status).toBe(200);
    expect(review.body.dueDates.reviewDecision).toMatchObject({ startedOn: '2026-12-08', due: '2027-01-07' });
    expect(review.body.overdue).toBe(false);

    await api.send('streetSupervisor', id, { type: 'REVIEW_DECIDED', opinion: '维持。' });
    testApp.clock.advanceMinutes(4 * oneDay); // Saturday 12 December
    await api.signIn();
    // posted Wednesday 9 December, received Saturday 12: 30 days end Monday 11 January
    const recheck = await api.send('agent', id, { type: 'REQUEST_RECHECK', requestedOn: '2026-12-09' });
    expect(recheck.status).toBe(200);
    expect(recheck.body.dueDates.recheckDecision).toMatchObject({
      startedOn: '2026-12-12',
      due: '2027-01-11',
    });
  });
});

describe('only a claim’s opinion is reviewed (信访工作条例 第三十四条、第三十五条)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  it('信访工作条例 第三十五条: a suggestion’s or a complaint’s reply opens no review window; a review asked is refused naming the article, and the reply closes it', async () => {
    for (const category of ['proposal', 'complaint']) {
      const id = await repliedPetition(api, tree.street.id, 'streetSupervisor', {
        subject: `${category} 事项`,
        category,
      });
      const replied = (await api.get('streetSupervisor', id)).body;
      expect(replied.state).toBe('accepted.replied');
      expect(replied.dueDates.reviewRequest).toBeUndefined();
      expect(replied.allowedEvents).not.toContain('REQUEST_REVIEW');
      const asked = await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
      expect(asked.status).toBe(422);
      expect(asked.body.error.code).toBe('petition.no_review');
      expect(asked.body.error.message).toContain('第三十五条');
      expect((await api.get('agent', id)).body.state).toBe('accepted.replied');
      expect((await api.send('streetSupervisor', id, { type: 'CLOSE' })).status).toBe(200);
    }
    // a claim's reply still opens it
    const claim = await repliedPetition(api, tree.street.id, 'streetSupervisor', { subject: '求决事项' });
    expect((await api.get('agent', claim)).body.dueDates.reviewRequest).toMatchObject({ due: '2027-01-04' });
  });

  it('信访工作条例 第三十五条: when the unit one level up is inactive, the review is refused naming it, not called the highest level', async () => {
    const id = await repliedPetition(api, tree.community.id, 'communitySupervisor', { subject: '停车位' });
    await testApp.db.query('UPDATE units SET active = false WHERE id = $1', [tree.street.id]);
    try {
      const asked = await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
      expect(asked.status).toBe(422);
      expect(asked.body.error.code).toBe('petition.level_above_inactive');
      expect(asked.body.error.message).toContain(tree.street.nameZh);
      expect(asked.body.error.message).not.toContain('最高');
      expect((await api.get('agent', id)).body.state).toBe('accepted.replied');
    } finally {
      await testApp.db.query('UPDATE units SET active = true WHERE id = $1', [tree.street.id]);
    }
  });
});

describe('a recheck’s final mark is not missed by a registration at the same moment (信访工作条例 第三十六条)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  it('信访工作条例 第三十六条: a registration of the same matter while a recheck’s decision is being committed waits for it and is refused', async () => {
    const id = await repliedPetition(api, tree.street.id, 'streetSupervisor');
    // a recheck's decision in flight: it holds the district's final-matter lock until it commits
    const runner = testApp.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `petition-final-matters:${tree.district.id}`,
      ]);
      await runner.query(`UPDATE petitions SET final_on = '2026-12-03' WHERE id = $1`, [id]);

      let settled = false;
      const registering = api
        .register('districtSupervisor', {
          subject: '征收补偿款分配争议',
          content: '再次反映同一问题。',
          petitioners: [{ kind: 'person', name: '陈建国', idNumber: '310112196001191234' }],
          unitId: tree.street.id,
        })
        .then((answer) => {
          settled = true;
          return answer;
        });
      const waiting = async () =>
        (
          await testApp.db.query(
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
          )
        )[0].n > 0;
      while (!settled && !(await waiting())) await new Promise((resolve) => setTimeout(resolve, 20));
      await runner.commitTransaction();

      const answer = await registering;
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('petition.final_decision');
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
