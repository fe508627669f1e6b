import type { RunningWorker } from '../../src/worker';
import { SmtpPeer, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';
import { oneDay, type PetitionApi, repliedPetition, reviewLevels } from './petition-review-support';

/** The issue's day: Thursday 3 December 2026, 10:00 in Shanghai. */
const issueDay = new Date('2026-12-03T10:00:00+08:00');

describe('复查 and 复核 one level up, each (信访工作条例 第三十五条、第三十六条)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  it('信访工作条例 第三十五条: after the street replies, REQUEST_REVIEW moves the petition to the district; the street may not decide the review, the district does', async () => {
    const id = await repliedPetition(api, tree.street.id, 'streetSupervisor');

    const requested = await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    expect(requested.status).toBe(200);
    expect(requested.body).toMatchObject({ state: 'accepted.review', holdingUnit: { id: tree.district.id } });
    expect(requested.body.dueDates.reviewDecision).toMatchObject({ startedOn: '2026-12-03', days: 30 });

    const byStreet = await api.send('streetSupervisor', id, { type: 'REVIEW_DECIDED', opinion: '维持。' });
    expect(byStreet.status).toBe(403);
    const byDistrict = await api.send('districtSupervisor', id, {
      type: 'REVIEW_DECIDED',
      opinion: '维持。',
    });
    expect(byDistrict.status).toBe(200);
    expect(byDistrict.body.state).toBe('accepted.reviewed');
  });

  it('信访工作条例 第三十六条: a recheck of the district’s review has no level above it here: 422 naming the body outside the system, and nothing written', async () => {
    const id = await repliedPetition(api, tree.street.id, 'streetSupervisor');
    await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    const reviewed = await api.send('districtSupervisor', id, { type: 'REVIEW_DECIDED', opinion: '维持。' });

    const recheck = await api.send('agent', id, { type: 'REQUEST_RECHECK', requestedOn: '2026-12-03' });

    expect(recheck.status).toBe(422);
    expect(recheck.body.error.code).toBe('petition.no_level_above');
    expect(recheck.body.error.message).toContain('第三十六条');
    const after = await api.get('districtSupervisor', id);
    expect(after.body).toMatchObject({ state: 'accepted.reviewed', version: reviewed.body.version });
  });

  it('信访工作条例 第三十五条、第三十六条: a community’s reply is reviewed by its street and rechecked by the district; the community never decides, nor the street the recheck', async () => {
    const id = await repliedPetition(api, tree.community.id, 'communitySupervisor');

    await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    expect((await api.get('agent', id)).body.holdingUnit.id).toBe(tree.street.id);
    const byCommunity = await api.send('communitySupervisor', id, {
      type: 'REVIEW_DECIDED',
      opinion: '维持。',
    });
    expect(byCommunity.status).toBe(403);
    // a unit above the review body does not take its decision either
    const byDistrict = await api.send('districtSupervisor', id, {
      type: 'REVIEW_DECIDED',
      opinion: '维持。',
    });
    expect(byDistrict.status).toBe(403);
    expect(
      (await api.send('streetSupervisor', id, { type: 'REVIEW_DECIDED', opinion: '维持。' })).status,
    ).toBe(200);

    const recheck = await api.send('agent', id, { type: 'REQUEST_RECHECK', requestedOn: '2026-12-03' });
    expect(recheck.body).toMatchObject({ state: 'accepted.recheck', holdingUnit: { id: tree.district.id } });
    const byStreet = await api.send('streetSupervisor', id, { type: 'RECHECK_DECIDED', opinion: '维持。' });
    expect(byStreet.status).toBe(403);
    const decided = await api.send('districtSupervisor', id, { type: 'RECHECK_DECIDED', opinion: '维持。' });
    expect(decided.body).toMatchObject({ state: 'closed', finalOn: '2026-12-03' });
  });
});

describe('the 30 days to ask run from the delivery (信访工作条例 第三十五条; 民事诉讼法 第八十五条)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: issueDay });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  it('the dates of a delivery and of a request: day 30 after delivery in time, day 31 late, before the delivery refused, a 30th day on a weekend rolls to the next working day', async () => {
    const rolled = await repliedPetition(api, tree.street.id, 'streetSupervisor');
    const posted = await repliedPetition(api, tree.street.id, 'streetSupervisor', {
      subject: '补偿款到账时间',
    });
    // delivered with the reply (3 December): day 30 is Saturday 2 January, so the window ends Monday 4 January
    expect((await api.get('agent', rolled)).body.dueDates.reviewRequest).toMatchObject({
      startedOn: '2026-12-03',
      due: '2027-01-04',
    });

    // a reply delivered another day than it is recorded: only by RECORD_DELIVERY, never before it, never ahead
    const third = await repliedPetition(api, tree.street.id, 'streetSupervisor', { subject: '第三件' });
    const early = await api.send('streetSupervisor', third, {
      type: 'RECORD_DELIVERY',
      deliveredOn: '2026-12-02',
    });
    expect(early.status).toBe(422);
    expect(early.body.error.details).toEqual([expect.objectContaining({ field: 'deliveredOn' })]);
    const ahead = await api.send('streetSupervisor', third, {
      type: 'RECORD_DELIVERY',
      deliveredOn: '2026-12-04',
    });
    expect(ahead.status).toBe(422);
    expect(ahead.body.error.details).toEqual([expect.objectContaining({ field: 'deliveredOn' })]);

    testApp.clock.advanceMinutes(5 * oneDay); // Tuesday 8 December
    await api.signIn();
    // the letter reached the petitioner on Monday 7 December: 30 days from then end Wednesday 6 January;
    // the unit that served it records the delivery
    const delivered = await api.send('streetSupervisor', posted, {
      type: 'RECORD_DELIVERY',
      deliveredOn: '2026-12-07',
    });
    expect(delivered.status).toBe(200);
    expect(delivered.body.dueDates.reviewRequest).toMatchObject({
      startedOn: '2026-12-07',
      due: '2027-01-06',
    });
    const beforeDelivery = await api.send('agent', posted, {
      type: 'REQUEST_REVIEW',
      requestedOn: '2026-12-05',
    });
    expect(beforeDelivery.status).toBe(422);
    expect(beforeDelivery.body.error.details).toEqual([expect.objectContaining({ field: 'requestedOn' })]);
    expect(beforeDelivery.body.error.details[0].message).toContain('2026-12-07');

    testApp.clock.advanceMinutes(30 * oneDay); // Thursday 7 January 2027
    await api.signIn();
    const day31 = await api.send('agent', posted, { type: 'REQUEST_REVIEW', requestedOn: '2027-01-07' });
    expect(day31.status).toBe(422);
    expect(day31.body.error.details).toEqual([expect.objectContaining({ field: 'requestedOn' })]);
    // posted on day 30, arriving later: in time (time in transit is not counted)
    const day30 = await api.send('agent', posted, { type: 'REQUEST_REVIEW', requestedOn: '2027-01-06' });
    expect(day30.status).toBe(200);
    expect(day30.body.state).toBe('accepted.review');

    expect(
      (await api.send('agent', rolled, { type: 'REQUEST_REVIEW', requestedOn: '2027-01-05' })).status,
    ).toBe(422);
    const lastWorkingDay = await api.send('agent', rolled, {
      type: 'REQUEST_REVIEW',
      requestedOn: '2027-01-04',
    });
    expect(lastWorkingDay.status).toBe(200);
  });

  it('a reply’s delivery cannot be dated before the reply nor in the future, and a request not in the future: 422 naming the field, nothing written', async () => {
    const registered = await api.register('districtSupervisor', {
      subject: '拆迁过渡费',
      content: '过渡费发放。',
      petitioners: [{ kind: 'person', name: '李红' }],
      unitId: tree.street.id,
    });
    const id = registered.body.id;
    await api.send('districtSupervisor', id, { type: 'ASSIGN_AGENT', agentId: api.agentId });
    await api.send('streetSupervisor', id, { type: 'ACCEPT' });
    const today = (await api.get('agent', id)).body.dueDates.conclusion.startedOn as string;
    for (const deliveredOn of ['2026-12-01', '2099-01-01']) {
      const refused = await api.send('streetSupervisor', id, {
        type: 'REPLY',
        opinion: '答复。',
        deliveredOn,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'deliveredOn' })]);
    }
    expect((await api.get('agent', id)).body.state).toBe('accepted.handling');
    const replied = await api.send('streetSupervisor', id, {
      type: 'REPLY',
      opinion: '答复。',
      deliveredOn: today,
    });
    expect(replied.status).toBe(200);
    const future = await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2099-01-01' });
    expect(future.status).toBe(422);
    expect(future.body.error.details).toEqual([expect.objectContaining({ field: 'requestedOn' })]);
  });
});

describe('the body a review goes to is told (信访工作条例 第三十五条、第三十六条)', () => {
  let smtp: SmtpPeer;
  let testApp: TestApp;
  let worker: RunningWorker;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    testApp = await startTestApp({ smtpUrl: smtp.url }, { startAt: issueDay });
    worker = await startTestWorker(testApp);
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  it('信访工作条例 第三十五条: when the street’s reply is sent for review, the district’s supervisors are mailed that they review it, and by when; the street’s are not', async () => {
    const { api, usernames, tree } = await reviewLevels(testApp);
    const id = await repliedPetition(api, tree.street.id, 'streetSupervisor');

    const requested = await api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    expect(requested.status).toBe(200);
    const due = requested.body.dueDates.reviewDecision.due;

    const mail = await waitFor(
      'the review mail',
      () => smtp.to(`${usernames.districtSupervisor}@test.example`)[0],
    );
    expect(mail.subject).toBe(`【${requested.body.number}】信访复查/复核请求待您决定：征收补偿款分配争议`);
    expect(mail.text).toContain('由本机关复查（信访工作条例 第三十五条）');
    expect(mail.text).toContain(`请在 ${due} 前提出复查意见`);
    expect(smtp.to(`${usernames.streetSupervisor}@test.example`)).toEqual([]);
  });
});
