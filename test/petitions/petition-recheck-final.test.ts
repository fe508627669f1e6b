import { startTestApp, type TestApp } from '../support/test-app';
import { oneDay, type PetitionApi, repliedPetition, reviewLevels } from './petition-review-support';

/** The issue's day: Thursday 3 December 2026, 10:00 in Shanghai. */
const issueDay = new Date('2026-12-03T10:00:00+08:00');

describe('the recheck: its hearing, its final decision (信访工作条例 第三十六条)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  const auditCount = async (action: string) =>
    (await testApp.db.query('SELECT count(*)::int AS count FROM audit_log WHERE action = $1', [action]))[0]
      .count as number;

  it('信访工作条例 第三十六条: the hearing’s days are not counted, the decision is final, and the same matter registered again is refused with its reference; another matter of the same people is warned', async () => {
    const id = await repliedPetition(api, tree.community.id, 'communitySupervisor');
    await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    await api.send('streetSupervisor', id, { type: 'REVIEW_DECIDED', opinion: '维持。' });
    const recheck = await api.send('agent', id, { type: 'REQUEST_RECHECK', requestedOn: '2026-12-03' });
    // 30 days from 3 December: Saturday 2 January, rolled to Monday 4 January (民事诉讼法 第八十五条)
    expect(recheck.body.dueDates.recheckDecision).toMatchObject({
      startedOn: '2026-12-03',
      due: '2027-01-04',
    });

    expect((await api.send('streetSupervisor', id, { type: 'SUSPEND', reason: 'hearing' })).status).toBe(403);
    const hearing = await api.send('districtSupervisor', id, { type: 'SUSPEND', reason: 'hearing' });
    expect(hearing.status).toBe(200);
    expect(hearing.body).toMatchObject({ state: 'accepted.recheckHearing', overdue: false });
    const duringHearing = await api.send('districtSupervisor', id, {
      type: 'RECHECK_DECIDED',
      opinion: '维持。',
    });
    expect(duringHearing.status).toBe(422);

    testApp.clock.advanceMinutes(10 * oneDay); // Sunday 13 December: 3–12 December not counted
    await api.signIn();
    const resumed = await api.send('districtSupervisor', id, { type: 'RESUME' });
    expect(resumed.body.state).toBe('accepted.recheck');
    expect(resumed.body.dueDates.recheckDecision).toMatchObject({
      startedOn: '2026-12-03',
      due: '2027-01-11',
    });
    // the deadline timers read the clock again with the hearing still not counted
    await testApp.services.timers.sweep();
    expect((await api.get('districtSupervisor', id)).body.dueDates.recheckDecision.due).toBe('2027-01-11');

    const decided = await api.send('districtSupervisor', id, {
      type: 'RECHECK_DECIDED',
      opinion: '维持复查意见。',
    });
    expect(decided.body).toMatchObject({ state: 'closed', finalOn: '2026-12-13' });
    const number = decided.body.number as string;

    const again = await api.register('districtSupervisor', {
      subject: '征收补偿款分配争议！',
      content: '再次反映同一问题。',
      petitioners: [{ kind: 'person', name: '陈建国', idNumber: '310112196001191234' }],
      unitId: tree.district.id,
    });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('petition.final_decision');
    expect(again.body.error.message).toContain(number);
    expect(again.body.error.message).toContain('第三十六条');
    expect(again.body.error.details).toEqual([expect.objectContaining({ field: 'subject' })]);
    expect(await auditCount('petition.final_refused')).toBe(1);

    // a link the user confirms: the same matter, whoever files it
    const linked = await api.register('districtSupervisor', {
      subject: '补偿款问题',
      content: '家属代为反映。',
      petitioners: [{ kind: 'person', name: '陈小梅' }],
      unitId: tree.district.id,
      sameMatterAs: id,
    });
    expect(linked.status).toBe(422);
    expect(linked.body.error.details).toEqual([expect.objectContaining({ field: 'sameMatterAs' })]);
    expect(await auditCount('petition.final_refused')).toBe(2);

    const newMatter = await api.register('districtSupervisor', {
      subject: '小区停车位收费',
      content: '新的问题。',
      petitioners: [{ kind: 'person', name: '陈建国', idNumber: '310112196001191234' }],
      unitId: tree.district.id,
    });
    expect(newMatter.status).toBe(201);
    expect(newMatter.body.warnings).toEqual([expect.objectContaining({ number, finalOn: '2026-12-13' })]);
    expect(await auditCount('petition.registered_after_final')).toBe(1);
  });
});

describe('the category selects the clocks; an extension only before the period ran out (信访工作条例 第三十一条、第三十四条)', () => {
  let testApp: TestApp;
  let api: PetitionApi;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  async function accepted(category?: string) {
    const registered = await api.register('streetSupervisor', {
      subject: `反映事项 ${category ?? 'default'} ${Math.random()}`,
      content: '内容。',
      petitioners: [{ kind: 'person', name: '周平' }],
      ...(category ? { category } : {}),
    });
    expect(registered.status).toBe(201);
    const answer = await api.send('streetSupervisor', registered.body.id, { type: 'ACCEPT' });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  it('信访工作条例 第三十四条: a proposal or a complaint has no 60-day conclusion period to extend; a claim (the default) has', async () => {
    for (const category of ['proposal', 'complaint']) {
      const petition = await accepted(category);
      expect(petition.category).toBe(category);
      expect(petition.dueDates.conclusion).toBeUndefined();
      expect(petition.currentDue).toBeNull();
      const extend = await api.send('streetSupervisor', petition.id, {
        type: 'EXTEND',
        days: 30,
        reason: '复杂',
      });
      expect(extend.status).toBe(422);
      expect(extend.body.error.code).toBe('petition.no_conclusion_period');
    }
    const claim = await accepted();
    expect(claim.category).toBe('claim');
    expect(claim.dueDates.conclusion).toMatchObject({ startedOn: '2026-12-03', due: '2027-02-01', days: 60 });
  });

  it('a client still sending the first release’s `suggestion` registers a 建议意见类 petition under the contract’s name `proposal`', async () => {
    const petition = await accepted('suggestion');
    expect(petition.category).toBe('proposal');
    expect(petition.dueDates.conclusion).toBeUndefined();
  });

  it('信访工作条例 第三十四条: an extension asked on the 60th day is granted; the day after, it is refused naming the date and the article', async () => {
    const first = await accepted('claim');
    const second = await accepted('claim');
    testApp.clock.advanceMinutes(60 * oneDay); // Monday 1 February 2027, the last day
    await api.signIn();
    const onLastDay = await api.send('streetSupervisor', first.id, {
      type: 'EXTEND',
      days: 30,
      reason: '复杂',
    });
    expect(onLastDay.status).toBe(200);
    expect(onLastDay.body.dueDates.conclusion).toMatchObject({ due: '2027-03-03', extendedBy: 30 });

    testApp.clock.advanceMinutes(oneDay);
    await api.signIn();
    const late = await api.send('streetSupervisor', second.id, { type: 'EXTEND', days: 30, reason: '复杂' });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('petition.extension_after_due');
    expect(late.body.error.message).toContain('2027-02-01');
    expect(late.body.error.message).toContain('第三十四条');
    expect((await api.get('streetSupervisor', second.id)).body.extended).toBe(false);
  });
});
