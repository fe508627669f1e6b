import { type CaseTeam, createCaseTeam, sendEvents } from '../cases/case-api';
import { Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';
import { acceptedCase, startAt } from './tracking-support';

/**
 * What the lookup tells a party about a case closed unresolved comes from the event that closed
 * it — not from an earlier failure the case was reopened after (issue 20, item 1).
 */
describe('the lookup page’s guidance after a closure is the closing event’s (/track)', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt });
    team = await createCaseTeam(testApp);
  });
  afterAll(() => testApp.close());

  /** What the /track page tells the party (in Chinese). */
  async function lookedUp(number: string, code: string) {
    const party = new Browser(testApp.app);
    await party.get('/track');
    const page = await party.post('/track', { number, code });
    expect(page.status).toBe(200);
    return page.text;
  }

  it('人民调解法 第三十二条: failed, reopened, agreed in writing, breached — the party may sue on the agreement, not “调解未成” (§26)', async () => {
    const mediator = team.mediators.community;
    const dispute = await acceptedCase(testApp, team);
    const assign = { type: 'ASSIGN', mediatorUsername: mediator.user.username };
    const failed = await sendEvents(testApp, dispute.id, 2, [
      [mediator, assign],
      [mediator, { type: 'FAIL', reason: '被申请人拒绝调解。', guidance: 'arbitration' }],
    ]);
    expect(await lookedUp(dispute.number, dispute.code)).toContain(
      '您可以依法申请仲裁（人民调解法 第二十六条）',
    );

    const reopened = await sendEvents(testApp, dispute.id, failed.version, [
      [team.supervisor, { type: 'REOPEN', reason: '双方同意重新调解。' }],
      [mediator, { type: 'ACCEPT', track: 'people', level: 'community' }],
    ]);
    const { lookupCode } = reopened as unknown as { lookupCode?: string };
    const code = lookupCode ?? dispute.code;
    await sendEvents(testApp, dispute.id, reopened.version, [
      [mediator, assign],
      [mediator, { type: 'REACH_AGREEMENT', form: 'written', terms: '赔偿维修费 3,000 元。' }],
      [mediator, { type: 'BREACHED', note: '被申请人未按期支付。' }],
    ]);
    const text = await lookedUp(dispute.number, code);
    expect(text).toContain('调解协议未履行');
    expect(text).toContain('（人民调解法 第三十二条）');
    expect(text).not.toContain('第二十六条');
  });
});
