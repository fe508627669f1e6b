import { WorkingCalendar } from '../../src/deadlines/working-calendar';
import { createI18n } from '../../src/shared/i18n/i18n';
import { partyGuidanceOf } from '../../src/tracking/party-guidance';
import { progressPageView } from '../../src/tracking/progress.view-model';
import type { ProgressRecord } from '../../src/tracking/progress-lookup.queries';

/** A calendar with no holidays in 2026 (weekends only): these periods count calendar days anyway. */
const calendar = new WorkingCalendar({ coveredYears: [2026, 2027] });

function record(fields: Partial<ProgressRecord>): ProgressRecord {
  return {
    subjectType: 'case',
    id: '00000000-0000-4000-8000-000000000001',
    number: 'MH-2026-000001',
    kind: 'neighbourhood',
    state: 'mediation.inProgress',
    outcome: null,
    track: 'people',
    deadline: null,
    dueDates: null,
    context: {},
    holdingUnit: { nameZh: '莘松居委工作站', nameEn: 'Xinsong workstation', phone: null },
    updatedAt: new Date('2026-12-01T02:00:00Z'),
    closedBy: null,
    ...fields,
  };
}

const labourClock = {
  days: 15,
  basis: 'calendar' as const,
  source: { zh: '劳动争议调解仲裁法 第十四条', en: 'Art. 14' },
  startedOn: '2026-11-10',
  pauses: [],
  due: '2026-11-25',
  warningOn: '2026-11-22',
  paused: false,
};

/** What the party reads, in Chinese. */
async function shown(found: ProgressRecord, today: string) {
  const i18n = await createI18n('zh-CN');
  return progressPageView({ record: found, today, calendar }, { t: i18n.getFixedT('zh-CN'), locale: 'zh-CN' })
    .guidance;
}

describe('what the state means for the party and what they may do next (partyGuidanceOf)', () => {
  it('劳动争议调解仲裁法 第十四条: a labour case still in mediation after its 15 days — arbitration is open', async () => {
    const labour = record({ kind: 'labour', deadline: labourClock });
    expect(partyGuidanceOf(labour, '2026-11-20', calendar)).toEqual([{ key: 'case.inMediation' }]);
    expect(partyGuidanceOf(labour, '2026-12-03', calendar)[0]).toEqual({ key: 'case.labourPeriodRunOut' });
    expect((await shown(labour, '2026-12-03'))[0]).toContain('调解期限已满，可以依法申请劳动仲裁');
  });

  it('人民调解法 第三十三条: an agreement on the people’s track may be confirmed by the court within 30 days, by the day the window ends', async () => {
    const agreed = record({
      state: 'agreement.awaitingFulfilment',
      context: { confirmationWindowEndsOn: '2027-01-04', judiciallyConfirmed: false },
    });
    expect(partyGuidanceOf(agreed, '2026-12-03', calendar)).toEqual([
      { key: 'case.agreementConfirmable', params: { date: '2027-01-04' } },
    ]);
    const [text] = await shown(agreed, '2026-12-03');
    expect(text).toContain('可以自协议生效之日起三十日内共同向人民法院申请司法确认（人民调解法 第三十三条）');
    expect(text).toContain('2027年1月4日');
    // the window has passed: only performing it (or going to court over it) is left
    expect(partyGuidanceOf(agreed, '2027-01-05', calendar)).toEqual([{ key: 'case.agreementReached' }]);
  });

  it('人民调解法 第二十六条: closed unresolved — the way on the case’s failure named (arbitration or litigation)', async () => {
    const failed = record({
      state: 'closed',
      outcome: 'unresolved',
      closedBy: { type: 'FAIL', guidance: ['arbitration'] },
    });
    expect(partyGuidanceOf(failed, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedUnresolved.arbitration' },
    ]);
    const sue = { ...failed, closedBy: { type: 'FAIL' as const, guidance: ['litigation'] } };
    expect(partyGuidanceOf(sue, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedUnresolved.litigation' },
    ]);
    expect((await shown(sue, '2026-12-03'))[0]).toContain('向人民法院起诉');
  });

  it('人民调解法 第三十二条: a people’s agreement breached and closed — sue on the agreement, not “调解未成” (§26)', async () => {
    const breached = record({
      state: 'closed',
      outcome: 'unresolved',
      closedBy: { type: 'BREACHED', guidance: ['litigation'] },
    });
    expect(partyGuidanceOf(breached, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedBreached.litigation' },
    ]);
    const [text] = await shown(breached, '2026-12-03');
    expect(text).toContain('调解协议未履行');
    expect(text).toContain('（人民调解法 第三十二条）');
    expect(text).not.toContain('第二十六条');
  });

  it('劳动争议调解仲裁法 第十五条, 第十六条: a labour agreement breached — arbitration, and a payment order when it concerns wages (the breach’s guidance)', async () => {
    const breached = record({
      kind: 'labour',
      state: 'closed',
      outcome: 'unresolved',
      closedBy: { type: 'BREACHED', guidance: ['arbitration', 'payment_order'] },
    });
    expect(partyGuidanceOf(breached, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedBreached.arbitration' },
      { key: 'case.closedBreached.payment_order' },
    ]);
    const [arbitration, paymentOrder] = await shown(breached, '2026-12-03');
    expect(arbitration).toContain('申请劳动仲裁（劳动争议调解仲裁法 第十五条）');
    expect(paymentOrder).toContain('申请支付令（劳动争议调解仲裁法 第十六条）');
    // not about wages: arbitration only
    const other = { ...breached, closedBy: { type: 'BREACHED' as const, guidance: ['arbitration'] } };
    expect(partyGuidanceOf(other, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedBreached.arbitration' },
    ]);
  });

  it('劳动争议调解仲裁法 第五条, 第二十七条: a labour case closed without agreement — arbitration within a year, not the people’s mediation law', async () => {
    const failed = record({
      kind: 'labour',
      state: 'closed',
      outcome: 'unresolved',
      closedBy: { type: 'FAIL', guidance: ['arbitration'] },
    });
    expect(partyGuidanceOf(failed, '2026-12-03', calendar)).toEqual([{ key: 'case.closedUnresolvedLabour' }]);
    const [text] = await shown(failed, '2026-12-03');
    expect(text).toContain('劳动人事争议仲裁委员会申请仲裁（劳动争议调解仲裁法 第五条）');
    expect(text).toContain('时效期间为一年');
  });

  it('民事诉讼法 第二百零六条, 第二百五十条: a confirmed agreement not performed — the party applies to the court for enforcement, within two years', async () => {
    const enforced = record({ state: 'closed', outcome: 'enforcement_referred' });
    const [text] = await shown(enforced, '2026-12-03');
    expect(text).toContain('您可以向人民法院申请强制执行（人民调解法 第三十三条；民事诉讼法 第二百零六条）');
    expect(text).toContain('申请执行的期间为二年（民事诉讼法 第二百五十条）');
    expect(text).not.toContain('已转请');
    // the court's own invited mediation: the people's mediation law is not its law
    const judicial = await shown({ ...enforced, track: 'judicial' }, '2026-12-03');
    expect(judicial[0]).toContain('民事诉讼法 第二百零六条');
    expect(judicial[0]).not.toContain('人民调解法');
  });

  it('by track: 人民调解法 第三十二条/第三十三条 on the people’s track only; 民事诉讼法 第二百零五条 on the judicial one; a court-invited case that fails returns to the court', async () => {
    const agreed = record({
      state: 'agreement.awaitingFulfilment',
      context: { confirmationWindowEndsOn: '2027-01-04', judiciallyConfirmed: false },
    });
    const judicial = { ...agreed, track: 'judicial' };
    expect(partyGuidanceOf(judicial, '2026-12-03', calendar)).toEqual([
      { key: 'case.agreementConfirmableJudicial', params: { date: '2027-01-04' } },
    ]);
    expect((await shown(judicial, '2026-12-03'))[0]).toContain('（民事诉讼法 第二百零五条）');
    expect((await shown(judicial, '2026-12-03'))[0]).not.toContain('人民调解法');
    // the window over: §32 is the people's track's
    expect(partyGuidanceOf(agreed, '2027-01-05', calendar)).toEqual([{ key: 'case.agreementReached' }]);
    expect(partyGuidanceOf(judicial, '2027-01-05', calendar)).toEqual([
      { key: 'case.agreementReachedJudicial' },
    ]);
    const administrative = { ...agreed, track: 'administrative', context: {} };
    expect(partyGuidanceOf(administrative, '2026-12-03', calendar)).toEqual([
      { key: 'case.agreementReachedAdministrative' },
    ]);
    for (const line of [
      ...(await shown(administrative, '2026-12-03')),
      ...(await shown(judicial, '2027-01-05')),
    ])
      expect(line).not.toContain('人民调解法');
    // confirmed on the judicial track: 民事诉讼法 §206, not 人民调解法 §33
    const confirmed = { ...judicial, context: { judiciallyConfirmed: true } };
    expect(partyGuidanceOf(confirmed, '2026-12-03', calendar)).toEqual([
      { key: 'case.agreementConfirmedJudicial' },
    ]);
    // failed at an administrative body: the way named, without the people's mediation law's §26
    const administrativeFailure = record({
      track: 'administrative',
      state: 'closed',
      outcome: 'unresolved',
      closedBy: { type: 'FAIL', guidance: ['administrative_ruling'] },
    });
    expect(partyGuidanceOf(administrativeFailure, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedUnresolvedAdministrative.administrative_ruling' },
    ]);
    expect((await shown(administrativeFailure, '2026-12-03'))[0]).not.toContain('人民调解法');
    // failed on the judicial track: back to the court, not "you may sue"
    const failed = record({
      track: 'judicial',
      state: 'closed',
      outcome: 'unresolved',
      closedBy: { type: 'FAIL', guidance: ['litigation'] },
    });
    expect(partyGuidanceOf(failed, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedUnresolvedJudicial' },
    ]);
    expect((await shown(failed, '2026-12-03'))[0]).toContain('回到委派调解的人民法院');
  });

  it('信访工作条例 第三十五条: a petition replied to may be taken to 复查 within 30 days; 第三十六条: after the review, 复核', async () => {
    const replied = record({
      subjectType: 'petition',
      kind: 'claim',
      state: 'accepted.replied',
      context: { reviewRequestWindowEndsOn: '2027-01-02' },
    });
    expect(partyGuidanceOf(replied, '2026-12-03', calendar)).toEqual([
      { key: 'petition.replied', params: { date: '2027-01-02' } },
    ]);
    expect((await shown(replied, '2026-12-03'))[0]).toContain(
      '三十日内请求上一级机关复查（信访工作条例 第三十五条）',
    );
    const reviewed = {
      ...replied,
      state: 'accepted.reviewed',
      context: { recheckRequestWindowEndsOn: '2027-01-10' },
    };
    expect((await shown(reviewed, '2026-12-03'))[0]).toContain('复核（信访工作条例 第三十六条）');
  });

  it('信访工作条例 第三十五条: a proposal’s or complaint’s answer opens no review — no 复查 window, no blank date', async () => {
    for (const kind of ['proposal', 'complaint']) {
      const answered = record({ subjectType: 'petition', kind, state: 'accepted.replied', context: {} });
      expect(partyGuidanceOf(answered, '2026-12-03', calendar)).toEqual([{ key: 'petition.answered' }]);
      const [text] = await shown(answered, '2026-12-03');
      expect(text).toContain('不是可以请求复查、复核的信访处理意见');
      expect(text).not.toContain('前提出');
    }
  });

  it('every key the rule can choose has its text in both languages', async () => {
    const i18n = await createI18n('zh-CN');
    const states = [
      'registered',
      'screening',
      'mediation.awaitingMediator',
      'mediation.inProgress',
      'mediation.suspended',
      'agreement.awaitingFulfilment',
      'agreement.judicialConfirmation',
      'closed',
    ];
    const outcomes = [
      null,
      'resolved',
      'unresolved',
      'withdrawn',
      'not_accepted',
      'referred_out',
      'enforcement_referred',
    ];
    const petitionStates = [
      'registered',
      'notAccepted',
      'forwarded',
      'accepted.handling',
      'accepted.replied',
      'accepted.review',
      'accepted.reviewed',
      'accepted.recheck',
      'accepted.recheckHearing',
      'closed',
    ];
    const closings: ProgressRecord['closedBy'][] = [
      null,
      ...['arbitration', 'litigation', 'administrative_ruling', 'payment_order', 'other'].map((way) => ({
        type: 'FAIL' as const,
        guidance: [way],
      })),
      { type: 'BREACHED', guidance: [] },
      { type: 'BREACHED', guidance: ['litigation'] },
      { type: 'BREACHED', guidance: ['arbitration', 'payment_order'] },
    ];
    const keys = new Set<string>();
    for (const kind of ['labour', 'neighbourhood'])
      for (const state of states)
        for (const outcome of outcomes)
          for (const track of ['people', 'administrative', 'judicial'])
            for (const closedBy of closings)
              for (const context of [
                { judiciallyConfirmed: true },
                { confirmationWindowEndsOn: '2027-01-04' },
                { confirmationWindowEndsOn: '2026-11-01' },
              ])
                for (const line of partyGuidanceOf(
                  record({ kind, state, outcome, track, closedBy, deadline: labourClock, context }),
                  '2026-12-03',
                  calendar,
                ))
                  keys.add(line.key);
    for (const kind of ['claim', 'proposal'])
      for (const state of petitionStates)
        for (const line of partyGuidanceOf(
          record({ subjectType: 'petition', kind, state, context: { final: true } }),
          '2026-12-03',
          calendar,
        ))
          keys.add(line.key);
    for (const key of keys)
      for (const locale of ['zh-CN', 'en'])
        expect(i18n.exists(`tracking.guidance.${key}`, { lng: locale })).toBe(true);
    expect(keys.size).toBeGreaterThan(30);
  });
});
