import { readClock } from '../../../src/deadlines/clock';
import { countedDaysOf } from '../../../src/deadlines/period';
import { officialCalendar } from '../../../src/deadlines/working-calendar';
import type { LegalSource, StageDeadline } from '../../../src/workflows/rules/dispute-rules.types';
import { tracks } from '../../../src/workflows/rules/dispute-rules.types';
import {
  disputeTypes,
  latestRulesVersion,
  rulesFor,
  UnknownRulesError,
} from '../../../src/workflows/rules/index';

/** A citation both languages can show: Chinese names an article (or says it is borrowed), English likewise. */
function expectBilingual(source: LegalSource): void {
  expect(source.zh).toMatch(/第[一二三四五六七八九十百零千]+条|参照|规定/);
  expect(source.en).toMatch(/Art\.|Arts\.|By analogy|Provisions/);
}

function deadlinesOf(type: (typeof disputeTypes)[number]): StageDeadline[] {
  const rules = rulesFor(type);
  return [...tracks.map((track) => rules.deadlines[track]), rules.judicialConfirmation.applicationWindow];
}

describe('the dispute rules tables', () => {
  it.each(disputeTypes)(
    'when asked for %s, then it has rules of its own type in their latest version',
    (type) => {
      const rules = rulesFor(type);

      expect(rules.type).toBe(type);
      expect(rules.version).toBe(latestRulesVersion(type));
      expect(rulesFor(type, rules.version)).toBe(rules);
      expect(rules.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    },
  );

  it.each(disputeTypes)(
    'when %s shows a deadline, then it carries a legal source in Chinese and English',
    (type) => {
      const rules = rulesFor(type);

      for (const deadline of deadlinesOf(type)) {
        const length = deadline.days ?? deadline.months;
        expect(Number.isInteger(length) && length > 0).toBe(true);
        expectBilingual(deadline.source);
      }
      if (rules.representativeCap) expectBilingual(rules.representativeCap.source);
      if (rules.hearingWhenMajorityObjects) expectBilingual(rules.hearingWhenMajorityObjects.source);
      expect(rules.failureNote.zh).not.toBe('');
      expect(rules.failureNote.en).not.toBe('');
      expect(rules.failureGuidance.length).toBeGreaterThan(0);
    },
  );

  it('when a labour dispute is in people’s mediation, then it has 15 calendar days under §14, which no suspension stops', () => {
    const { deadlines, administrativeBody, failureGuidance } = rulesFor('labour');

    expect(deadlines.people).toMatchObject({
      days: 15,
      basis: 'calendar',
      pausedBy: [],
      expiryCountsAsFailure: false,
    });
    expect(deadlines.people.source).toEqual({
      zh: '劳动争议调解仲裁法 第十四条',
      en: 'Labour Dispute Mediation and Arbitration Law, Art. 14',
    });
    expect(administrativeBody?.departmentKey).toBe('human_resources');
    // 劳动争议调解仲裁法 §16: the payment order rests on an agreement, so FAIL (no agreement) offers arbitration only
    expect(failureGuidance).toEqual(['arbitration']);
  });

  it('when a medical dispute is in people’s mediation, then it has 30 working days under §38, paused by appraisal, expiry being failure', () => {
    const { deadlines, representativeCap, administrativeBody } = rulesFor('medical');

    expect(deadlines.people).toMatchObject({
      days: 30,
      basis: 'working',
      pausedBy: ['appraisal'],
      expiryCountsAsFailure: true,
    });
    expect(deadlines.people.source.zh).toBe('医疗纠纷预防和处理条例 第三十八条');
    expect(deadlines.administrative).toMatchObject({ days: 30, basis: 'working', pausedBy: ['appraisal'] });
    expect(deadlines.administrative.source.zh).toBe('医疗纠纷预防和处理条例 第四十条');
    expect(representativeCap).toEqual({
      max: 5,
      source: expect.objectContaining({ zh: '医疗纠纷预防和处理条例 第三十条' }),
    });
    expect(administrativeBody?.departmentKey).toBe('health');
  });

  it('when a medical mediation accepted on 10 February 2026 waits a week for appraisal, then its due date moves by that week’s working days', () => {
    const stage = rulesFor('medical').deadlines.people;
    const { basis } = stage;
    const days = countedDaysOf(stage, '2026-02-10');

    const unpaused = readClock(
      { startedOn: '2026-02-10', days, basis, pauses: [] },
      '2026-03-02',
      officialCalendar,
    );
    const appraised = readClock(
      { startedOn: '2026-02-10', days, basis, pauses: [{ from: '2026-03-02', to: '2026-03-09' }] },
      '2026-03-10',
      officialCalendar,
    );

    expect(unpaused.due).toBe('2026-03-30'); // across the Spring Festival and its 调休 Saturdays
    expect(appraised.due).toBe('2026-04-07'); // stopped 2–6 March, 5 working days; Qingming 4–6 April is skipped
  });

  it('when land or demolition disputes have most members or owners objecting, then a hearing is offered under §47 or §11', () => {
    expect(rulesFor('land_requisition').hearingWhenMajorityObjects?.source.zh).toBe('土地管理法 第四十七条');
    expect(rulesFor('demolition_relocation').hearingWhenMajorityObjects?.source.zh).toBe(
      '国有土地上房屋征收与补偿条例 第十一条',
    );
  });

  it('when each type names its administrative body, then the four first-class types name their department and the generic ones none', () => {
    const departments = Object.fromEntries(
      disputeTypes.map((type) => [type, rulesFor(type).administrativeBody?.departmentKey ?? null]),
    );

    expect(departments).toEqual({
      land_requisition: 'planning_resources',
      demolition_relocation: 'housing_expropriation',
      labour: 'human_resources',
      medical: 'health',
      neighbourhood: null,
      family: null,
      property_management: null,
      environmental: null,
      consumer: null,
      other: null,
    });
    expect(disputeTypes.filter((type) => rulesFor(type).firstClass)).toEqual([
      'land_requisition',
      'demolition_relocation',
      'labour',
      'medical',
    ]);
  });

  it('when a generic dispute is in people’s mediation, then it has one calendar month under 人民调解工作若干规定 §33', () => {
    const { deadlines, failureNote } = rulesFor('neighbourhood');

    expect(deadlines.people).toMatchObject({ months: 1, basis: 'calendar', expiryCountsAsFailure: false });
    expect(deadlines.people.days).toBeUndefined();
    expect(deadlines.people.source.zh).toBe('人民调解工作若干规定 第三十三条');
    expect(deadlines.administrative.source.zh).toBe('参照 人民调解工作若干规定 第三十三条');
    expect(failureNote.zh).toContain('人民调解法 第二十六条');
  });

  it('when an agreement is to be confirmed by a court, then the parties have 30 days under 人民调解法 §33 and the court 30 under 民事诉讼法 §187, for every type alike (whether one can is said on the agreement: 民诉法解释 §355)', () => {
    for (const type of ['family', 'land_requisition', 'demolition_relocation', 'labour'] as const) {
      const { judicialConfirmation } = rulesFor(type);
      expect(judicialConfirmation.applicationWindow).toMatchObject({ days: 30, basis: 'calendar' });
      expect(judicialConfirmation.applicationWindow.source.zh).toBe(
        '人民调解法 第三十三条；民事诉讼法 第二百零五条',
      );
      expect(judicialConfirmation.decisionPeriod.source.zh).toBe('民事诉讼法 第一百八十七条、第二百零六条');
    }
  });

  it('when asked for an unknown type or version, then it says which exist', () => {
    expect(() => rulesFor('traffic')).toThrow(UnknownRulesError);
    expect(() => rulesFor('traffic')).toThrow(
      /no dispute rules for type "traffic"; known types: land_requisition/,
    );
    expect(() => rulesFor('labour', 99)).toThrow(
      /no dispute rules for "labour" in version 99; known versions: 1/,
    );
  });
});
