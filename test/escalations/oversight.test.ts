import request from 'supertest';
import { apiToken, Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Oversight you can act on (issue 21): a questioned hand-off shows where it was handed from,
 * the review queue offers the follow-ups the policy allows, and each per-unit rate is a part
 * of the cases the unit held.
 */
describe('questioned hand-offs, review-queue follow-ups and per-unit hand-off rates', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const browsers: Record<string, Browser> = {};

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    tree = await createDistrictTree(testApp.db);
    const people = {
      community: { role: 'mediator', unitId: tree.community.id },
      street: { role: 'mediator', unitId: tree.street.id },
      streetSupervisor: { role: 'supervisor', unitId: tree.street.id, displayName: '王审核' },
      districtSupervisor: { role: 'supervisor', unitId: tree.district.id },
    } as const;
    for (const [key, fields] of Object.entries(people)) {
      const user = await createUser(testApp.db, fields);
      ids[key] = user.id;
      tokens[key] = await apiToken(testApp.app, user.username);
      browsers[key] = new Browser(testApp.app);
      await browsers[key].signIn(user.username);
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
  async function reviewLatest(caseId: string, decision: 'endorsed' | 'questioned', comment?: string) {
    const queue = await request(testApp.app)
      .get('/api/v1/escalations?status=pending')
      .set(as('streetSupervisor'));
    const handOff = queue.body.items.find((item: { caseId: string }) => item.caseId === caseId);
    const reviewed = await request(testApp.app)
      .post(`/api/v1/escalations/${handOff.id}/review`)
      .set(as('streetSupervisor'))
      .send({ decision, ...(comment ? { comment } : {}) });
    expect(reviewed.status).toBe(200);
    return handOff.id as string;
  }

  /** A case registered, accepted and assigned at the community, on the people's track. */
  async function mediatedAtCommunity(fields: Parameters<typeof createCase>[2]) {
    const row = await createCase(testApp.services, ids.community, fields);
    await send('community', row.id, { type: 'SUBMIT' });
    await send('community', row.id, { type: 'ACCEPT', track: 'people', level: 'community' });
    await send('community', row.id, { type: 'ASSIGN', mediatorId: ids.community });
    return row;
  }

  /** Escalated by the community, returned by the street, escalated again, then handed up by the street. */
  async function backAndForth(title: string) {
    const row = await mediatedAtCommunity({ title });
    await send('community', row.id, {
      type: 'ESCALATE',
      reasonCode: 'beyond_authority',
      reason: '超出社区职权',
    });
    const questionedId = await reviewLatest(row.id, 'questioned', '只调解过零次，应先在社区调解。');
    await send('street', row.id, { type: 'ASSIGN', mediatorId: ids.street });
    await send('street', row.id, { type: 'RETURN_DOWN', instructions: '请社区先组织调解' });
    await send('community', row.id, { type: 'ASSIGN', mediatorId: ids.community });
    await send('community', row.id, { type: 'ESCALATE', reasonCode: 'multi_party', reason: '涉及多家单位' });
    await reviewLatest(row.id, 'endorsed');
    return { caseId: row.id, questionedId };
  }

  it('per unit, escalations, returns and transfers are rates of their own over the cases the unit held, never above 100 % (the 莘庄镇 200 % scenario)', async () => {
    const { caseId } = await backAndForth('来回移交的纠纷');
    await send('street', caseId, { type: 'ASSIGN', mediatorId: ids.street });
    await send('street', caseId, { type: 'ESCALATE', reasonCode: 'high_risk', reason: '群体性风险' });

    const figures = await request(testApp.app)
      .get(`/api/v1/stats?unitId=${tree.street.id}`)
      .set(as('districtSupervisor'));
    expect(figures.status).toBe(200);
    const street = figures.body.byUnit.find((unit: { unitId: string }) => unit.unitId === tree.street.id);
    const community = figures.body.byUnit.find(
      (unit: { unitId: string }) => unit.unitId === tree.community.id,
    );
    // the street handed this one case off twice (a return and an escalation): 2/1 before issue 21
    expect(street).toMatchObject({
      held: 1,
      handOffs: 2,
      escalationRate: { numerator: 1, denominator: 1, value: 1 },
      returnRate: { numerator: 1, denominator: 1, value: 1 },
      transferRate: { numerator: 0, denominator: 1, value: 0 },
    });
    // the community escalated it twice: one case escalated of one held
    expect(community).toMatchObject({
      held: 1,
      handOffs: 2,
      escalationRate: { numerator: 1, denominator: 1, value: 1 },
      returnRate: { numerator: 0, denominator: 1 },
      questionedRate: { numerator: 1, denominator: 2, value: 0.5 },
    });
    for (const unit of figures.body.byUnit)
      for (const rate of ['escalationRate', 'returnRate', 'transferRate', 'questionedRate'])
        expect(unit[rate].numerator).toBeLessThanOrEqual(unit[rate].denominator);

    // by reason code: every code listed, each escalation once
    const byReason = Object.fromEntries(
      figures.body.byReasonCode.map((row: { reasonCode: string }) => [row.reasonCode, row]),
    );
    expect(byReason.beyond_authority).toMatchObject({
      escalations: 1,
      share: { numerator: 1, denominator: 3 },
      questionedRate: { numerator: 1, denominator: 1, value: 1 },
    });
    expect(byReason.multi_party).toMatchObject({
      escalations: 1,
      questionedRate: { numerator: 0, denominator: 1 },
    });
    expect(byReason.high_risk).toMatchObject({
      escalations: 1,
      questionedRate: { numerator: 0, denominator: 0 },
    });
    expect(byReason.other).toMatchObject({ escalations: 0, share: { numerator: 0, denominator: 3 } });

    // the page shows the same rates, with their parts and definitions
    const page = await browsers.districtSupervisor.get(`/stats?unitId=${tree.street.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(
      new RegExp(`data-unit="${tree.street.id}"[\\s\\S]*?data-rate="return">100.0% <small>\\(1/1\\)`),
    );
    expect(page.text).toContain('本单位至少交办（下交）过一次的案件数 / 本单位经手过的案件数');
    expect(page.text).toMatch(/data-reason="beyond_authority"><th scope="row">超出本级职权<\/th><td>1<\/td>/);
  });

  it("reason codes count every escalation of the selected cases, whichever unit made it; a unit's hand-offs are only of the cases it held", async () => {
    // environmental disputes: none of this file's other cases
    const escalated = await mediatedAtCommunity({ type: 'environmental' });
    const kept = await mediatedAtCommunity({ type: 'environmental' });
    await send('community', escalated.id, {
      type: 'ESCALATE',
      reasonCode: 'multi_party',
      reason: '涉及多家单位',
    });
    // hand-offs of the kept case recorded from the street, which never held it (one with no reason code):
    // no event makes such a row, but the figures must not count it as the street's
    for (const reasonCode of ['high_risk', null])
      await testApp.db.query(
        `INSERT INTO escalations (case_id, event_seq, kind, from_unit_id, to_unit_id, reason_code, reason,
           sessions_held, days_held, created_at)
         SELECT c.id, c.version, 'ESCALATE', $2, $3, $4, '补录的上报', 0, 0, c.created_at + interval '1 minute'
         FROM cases c WHERE c.id = $1`,
        [kept.id, tree.street.id, tree.district.id, reasonCode],
      );

    const figures = await request(testApp.app)
      .get(`/api/v1/stats?unitId=${tree.street.id}&type=environmental&from=2026-12-01`)
      .set(as('districtSupervisor'));
    expect(figures.status).toBe(200);
    const unit = (id: string) => figures.body.byUnit.find((row: { unitId: string }) => row.unitId === id);
    expect(unit(tree.street.id)).toMatchObject({
      held: 1,
      handOffs: 0,
      escalationRate: { numerator: 0, denominator: 1 },
    });
    expect(unit(tree.community.id)).toMatchObject({
      held: 2,
      handOffs: 1,
      escalationRate: { numerator: 1, denominator: 2 },
    });
    // the cases escalated are those a holder escalated
    expect(figures.body.escalationRate).toMatchObject({ numerator: 1, denominator: 2 });
    const reasons = figures.body.byReasonCode as Array<{ reasonCode: string | null; escalations: number }>;
    expect(reasons.find((row) => row.reasonCode === 'multi_party')).toMatchObject({
      escalations: 1,
      share: { numerator: 1, denominator: 3 },
    });
    expect(reasons.find((row) => row.reasonCode === 'high_risk')).toMatchObject({ escalations: 1 });
    expect(reasons.at(-1)).toMatchObject({ reasonCode: null, escalations: 1 });
  });

  it('a questioned hand-off shows on the case page and on the dashboard of the unit that handed it, with the comment, who and when', async () => {
    const { caseId } = await backAndForth('被质疑后重新上报的纠纷');

    const casePage = await browsers.community.get(`/cases/${caseId}`);
    expect(casePage.status).toBe(200);
    const panel = casePage.text.match(/<section class="questioned-hand-offs"[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(panel).toContain('被质疑的移交');
    expect(panel).toContain('只调解过零次，应先在社区调解。');
    expect(panel).toContain('审核人：王审核，2026年12月3日');
    expect(panel).toContain('超出本级职权');
    // the endorsed second escalation is not in the questioned panel
    expect(panel).not.toContain('涉及多方');

    const dashboard = await browsers.community.get('/');
    const mine = dashboard.text.match(/<section class="questioned-hand-offs"[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(mine).toContain('被质疑后重新上报的纠纷');
    expect(mine).toContain('只调解过零次，应先在社区调解。');
    expect(mine).toContain(`href="/cases/${caseId}"`);
    // the street received it, it did not hand it: its dashboard has no such panel for it
    const streetDashboard = await browsers.street.get('/');
    expect(streetDashboard.text).not.toMatch(/class="questioned-hand-offs"[\s\S]*被质疑后重新上报的纠纷/);
    // the hand-offs into the street tell endorsed from questioned by text and badge
    expect(streetDashboard.text).toMatch(/review-badge review-questioned">被质疑/);
    expect(streetDashboard.text).toMatch(/review-badge review-endorsed">已认可/);
  });

  it('the review queue offers, per hand-off, only the follow-up actions allowedEvents gives this reviewer, linking to the case page’s forms', async () => {
    const row = await createCase(testApp.services, ids.community, { title: '待跟进的上报' });
    await send('community', row.id, { type: 'SUBMIT' });
    await send('community', row.id, { type: 'ACCEPT', track: 'people', level: 'community' });
    await send('community', row.id, { type: 'ASSIGN', mediatorId: ids.community });
    await send('community', row.id, { type: 'ESCALATE', reasonCode: 'other', reason: '需要街道协调' });
    await reviewLatest(row.id, 'questioned', '理由不充分');

    /** The follow-ups the queue offers on this case, checked against allowedEvents and the case page. */
    async function followUpsOffered(): Promise<string[]> {
      const allowed: string[] = (
        await request(testApp.app).get(`/api/v1/cases/${row.id}`).set(as('streetSupervisor'))
      ).body.allowedEvents;
      const queue = await browsers.streetSupervisor.get('/escalations?status=questioned');
      expect(queue.status).toBe(200);
      const item =
        queue.text.match(
          new RegExp(
            `<article class="hand-off[^"]*">(?:(?!</article>)[\\s\\S])*/cases/${row.id}"[\\s\\S]*?</article>`,
          ),
        )?.[0] ?? '';
      expect(item).toMatch(/review-badge review-questioned" data-status="questioned">已质疑/);
      const links = [...item.matchAll(/href="([^"]+)"[^>]*data-follow-up="([A-Z_]+)"/g)];
      const offered = links.map((link) => link[2]);
      expect(offered).toEqual(
        ['RETURN_DOWN', 'ASSIGN', 'TRANSFER', 'ESCALATE'].filter((e) => allowed.includes(e)),
      );
      for (const [, href, event] of links) expect(href).toBe(`/cases/${row.id}#action-${event}`);
      // each link lands on a form the case page shows this reviewer
      const casePage = await browsers.streetSupervisor.get(`/cases/${row.id}`);
      for (const event of offered) expect(casePage.text).toContain(`id="action-${event}"`);
      return offered;
    }

    // awaiting a mediator at the street: it can be assigned, not yet returned (the statechart's answer)
    expect(await followUpsOffered()).toEqual(['ASSIGN']);
    await send('street', row.id, { type: 'ASSIGN', mediatorId: ids.street });
    // a supervisor may reassign; handing the case down or on is its mediator's event (policy), never offered here
    expect(await followUpsOffered()).not.toContain('RETURN_DOWN');
    // once the case has moved on out of the reviewer's reach, nothing is offered
    await send('street', row.id, { type: 'ESCALATE', reasonCode: 'high_risk', reason: '群体性风险' });
    expect(await followUpsOffered()).toEqual([]);

    // the community mediator's own case, seen by no reviewer rights over it: a mediator has no queue
    expect((await browsers.community.get('/escalations')).status).toBe(403);
  });
});
