import { SortPetitionsAndMarkFinalRechecks1764200100000 as Migration } from '../../migrations/1764200100000-SortPetitionsAndMarkFinalRechecks';
import { startTestApp, type TestApp } from '../support/test-app';
import { type PetitionApi, repliedPetition, reviewLevels } from './petition-review-support';

describe('petitions registered before issue 19 (migration 1764200100000)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  it('信访工作条例 第三十一条、第三十五条、第三十六条: become claims with the statechart’s new context; one closed by a recheck is marked final; one under review moves to the body one level up, which alone decides it; all still take events', async () => {
    const open = (
      await api.register('streetSupervisor', {
        subject: '旧信访件',
        content: '迁移前登记。',
        petitioners: [{ kind: 'person', name: '吴强' }],
      })
    ).body.id as string;
    const closed = await repliedPetition(api, tree.community.id, 'communitySupervisor');
    await api.send('agent', closed, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    await api.send('streetSupervisor', closed, { type: 'REVIEW_DECIDED', opinion: '维持。' });
    await api.send('agent', closed, { type: 'REQUEST_RECHECK', requestedOn: '2026-12-03' });
    await api.send('districtSupervisor', closed, { type: 'RECHECK_DECIDED', opinion: '维持。' });
    // under review: version 1 left it at 莘庄镇's community, which had replied (down() puts it back there)
    const underReview = await repliedPetition(api, tree.community.id, 'communitySupervisor', {
      subject: '复查中的旧件',
    });
    await api.send('agent', underReview, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });

    const runner = testApp.db.createQueryRunner();
    try {
      // back to the shape of version 1, then forward again as the migration runs on old data
      await new Migration().down(runner);
      const [before] = await testApp.db.query('SELECT holding_unit_id FROM petitions WHERE id = $1', [
        underReview,
      ]);
      expect(before.holding_unit_id).toBe(tree.community.id);
      await new Migration().up(runner);
    } finally {
      await runner.release();
    }

    const rows: Array<{
      id: string;
      category: string;
      final_on: string | null;
      machine_version: number;
      context: Record<string, unknown>;
    }> = await testApp.db.query(
      `SELECT id, category, to_char(final_on, 'YYYY-MM-DD') AS final_on, machine_version, snapshot -> 'context' AS context
         FROM petitions WHERE id = ANY($1::uuid[])`,
      [[open, closed, underReview]],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(open)).toMatchObject({
      category: 'claim',
      final_on: null,
      machine_version: 2,
      context: { category: 'claim', final: false, conclusionDueOn: null, reviewUnitId: null },
    });
    expect(byId.get(closed)).toMatchObject({
      category: 'claim',
      final_on: '2026-12-03',
      context: { final: true },
    });

    // 信访工作条例 第三十五条: the review goes one level up, and the unit that replied may not decide it
    expect(byId.get(underReview)).toMatchObject({
      machine_version: 2,
      context: {
        holdingUnitId: tree.street.id,
        repliedByUnitId: tree.community.id,
        reviewUnitId: tree.street.id,
        recheckUnitId: null,
        deliveryRecorded: false,
      },
    });
    const [moved] = await testApp.db.query(
      'SELECT holding_unit_id, held_unit_ids FROM petitions WHERE id = $1',
      [underReview],
    );
    expect(moved.holding_unit_id).toBe(tree.street.id);
    expect(moved.held_unit_ids).toEqual(expect.arrayContaining([tree.community.id, tree.street.id]));
    const byReplier = await api.send('communitySupervisor', underReview, {
      type: 'REVIEW_DECIDED',
      opinion: '维持。',
    });
    expect([403, 404]).toContain(byReplier.status);
    const byReviewBody = await api.send('streetSupervisor', underReview, {
      type: 'REVIEW_DECIDED',
      opinion: '维持。',
    });
    expect(byReviewBody.status).toBe(200);

    const accepted = await api.send('streetSupervisor', open, { type: 'ACCEPT' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.dueDates.conclusion).toMatchObject({ days: 60, due: '2027-02-01' });
    expect(
      (await api.send('streetSupervisor', open, { type: 'EXTEND', days: 10, reason: '复杂' })).status,
    ).toBe(200);
  });
});
