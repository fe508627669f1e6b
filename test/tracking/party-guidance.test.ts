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
    failGuidance: null,
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
    const failed = record({ state: 'closed', outcome: 'unresolved', failGuidance: 'arbitration' });
    expect(partyGuidanceOf(failed, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedUnresolved.arbitration' },
    ]);
    expect(partyGuidanceOf({ ...failed, failGuidance: 'litigation' }, '2026-12-03', calendar)).toEqual([
      { key: 'case.closedUnresolved.litigation' },
    ]);
    expect((await shown({ ...failed, failGuidance: 'litigation' }, '2026-12-03'))[0]).toContain(
      '向人民法院起诉',
    );
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
    const keys = new Set<string>();
    for (const kind of ['labour', 'neighbourhood'])
      for (const state of states)
        for (const outcome of outcomes)
          for (const failGuidance of [
            null,
            'arbitration',
            'litigation',
            'administrative_ruling',
            'payment_order',
            'other',
          ])
            for (const line of partyGuidanceOf(
              record({
                kind,
                state,
                outcome,
                failGuidance,
                deadline: labourClock,
                context: { judiciallyConfirmed: outcome === 'resolved' },
              }),
              '2026-12-03',
              calendar,
            ))
              keys.add(line.key);
    for (const state of petitionStates)
      for (const line of partyGuidanceOf(
        record({ subjectType: 'petition', state, context: { final: true } }),
        '2026-12-03',
        calendar,
      ))
        keys.add(line.key);
    for (const key of keys)
      for (const locale of ['zh-CN', 'en'])
        expect(i18n.exists(`tracking.guidance.${key}`, { lng: locale })).toBe(true);
    expect(keys.size).toBeGreaterThan(20);
  });
});
