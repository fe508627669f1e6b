import { readLimitation, yearsClock } from '../../../src/cases/arbitration-limitation';
import type { CaseDeadline } from '../../../src/cases/case.entity';
import {
  acceptancePeriodAt,
  extendClock,
  startAcceptanceClock,
  startMediationClock,
} from '../../../src/cases/case-deadline';
import { readClock } from '../../../src/deadlines/clock';
import { dueDate } from '../../../src/deadlines/period';
import { officialCalendar } from '../../../src/deadlines/working-calendar';
import { caseRulesExcerpt } from '../../../src/workflows/case.machine';
import { rulesFor } from '../../../src/workflows/rules';
import { labourArbitrationLimitation } from '../../../src/workflows/rules/labour';
import { medicalAdministrativeAcceptance } from '../../../src/workflows/rules/medical';

/**
 * Issue 16, the clocks as the articles write them, on the rules tables and the pure clock
 * functions the write path uses (the same cases through the API: test/cases/law-clocks.test.ts).
 *
 * 2027: no holiday notice is entered for it, so the official calendar counts its days off by
 * the statutory holidays of 全国年节及纪念日放假办法 §2 — 1 January among them — and a period
 * running into it is provisional (src/deadlines/working-calendar.ts).
 */

const labour = rulesFor('labour');
const medical = rulesFor('medical');

describe('劳动争议调解仲裁法 第十四条: 15 days from the day the mediation organisation received the application', () => {
  it('第十四条: a case received 2026-02-13 and accepted 2026-02-24 is due 2026-02-28 — counted from receipt, not acceptance — and 28 February, a 调休 working Saturday, does not roll', () => {
    expect(officialCalendar.isWorkingDay('2026-02-28')).toBe(true); // 春节调休上班

    const accepted = startMediationClock(
      labour,
      'people',
      { today: '2026-02-24', receivedOn: '2026-02-13', current: null },
      officialCalendar,
    );

    expect(accepted).toMatchObject({
      startedOn: '2026-02-13',
      days: 15,
      due: '2026-02-28',
      clock: 'mediation',
    });
    expect(accepted.source.zh).toBe('劳动争议调解仲裁法 第十四条');
  });

  it('第十四条 with 民事诉讼法 第八十五条: a case received 2026-12-17 has day 15 on 2027-01-01, 元旦, and is due Monday 2027-01-04', () => {
    const received = startMediationClock(
      labour,
      'people',
      { today: '2026-12-17', receivedOn: '2026-12-17', current: null },
      officialCalendar,
    );

    expect(received.due).toBe('2027-01-04');
  });

  it('第十四条: escalated twice (street, then district) and transferred to the labour bureau, the case keeps the clock it had — its due date does not move', () => {
    const accepted = startMediationClock(
      labour,
      'people',
      { today: '2026-03-02', receivedOn: '2026-02-27', current: null },
      officialCalendar,
    );
    let clock: CaseDeadline = accepted;
    for (const [today, track] of [
      ['2026-03-04', 'people'],
      ['2026-03-06', 'people'],
      ['2026-03-09', 'administrative'],
    ] as const) {
      clock = startMediationClock(
        labour,
        track,
        { today, receivedOn: '2026-02-27', current: clock },
        officialCalendar,
      );
    }

    expect(clock.due).toBe(accepted.due);
    expect(clock).toMatchObject({ startedOn: '2026-02-27', due: '2026-03-16', days: 15 });
  });

  it('第十四条: a period that runs out opens arbitration (REFER_OUT from mediation), on the people’s and the bureau’s track, not the court’s', () => {
    expect(caseRulesExcerpt(labour).arbitrationOnceExpiredTracks).toEqual(['people', 'administrative']);
    expect(caseRulesExcerpt(rulesFor('neighbourhood')).arbitrationOnceExpiredTracks).toEqual([]);
  });

  it('a generic type’s month (人民调解工作若干规定 第三十三条) still starts at each stage: a hand-off gives the receiving level its own period', () => {
    const first = startMediationClock(
      rulesFor('neighbourhood'),
      'people',
      { today: '2026-03-02', receivedOn: '2026-02-20', current: null },
      officialCalendar,
    );
    const escalated = startMediationClock(
      rulesFor('neighbourhood'),
      'people',
      { today: '2026-03-10', receivedOn: '2026-02-20', current: first },
      officialCalendar,
    );

    expect(first.startedOn).toBe('2026-03-02');
    expect(escalated.startedOn).toBe('2026-03-10');
  });
});

describe('劳动争议调解仲裁法 第二十七条: one year from knowing of the infringement, interrupted by the application for mediation', () => {
  const facts = {
    knewOn: '2026-03-01',
    receivedOn: '2026-05-11',
    state: 'mediation.inProgress',
    outcome: null,
    closedAt: null,
  };

  it('第二十七条: the rule is in the labour table, with its article: one year, warned 30 days ahead', () => {
    expect(labour.arbitrationLimitation).toBe(labourArbitrationLimitation);
    expect(labourArbitrationLimitation).toMatchObject({ years: 1, warnDaysBefore: 30 });
    expect(labourArbitrationLimitation.source.zh).toBe('劳动争议调解仲裁法 第二十七条');
    expect(medical.arbitrationLimitation).toBeNull();
  });

  it('第二十七条: while the mediation goes on, the limitation stands interrupted since the application', () => {
    expect(readLimitation(facts, labourArbitrationLimitation, '2026-06-01', officialCalendar)).toMatchObject({
      status: 'interrupted',
      interruptedOn: '2026-05-11',
      endsOn: null,
      clock: null,
    });
  });

  it('第二十七条: mediation ended 2026-06-01 without agreement: a full year runs anew and ends 2027-06-01, warned from 2027-05-02', () => {
    const ended = {
      ...facts,
      state: 'closed',
      outcome: 'unresolved' as const,
      closedAt: new Date('2026-06-01T10:00:00+08:00'),
    };

    const reading = readLimitation(ended, labourArbitrationLimitation, '2026-06-02', officialCalendar);

    expect(reading).toMatchObject({
      status: 'running',
      runsFrom: '2026-06-01',
      endsOn: '2027-06-01',
      warningOn: '2027-05-02',
      provisional: true, // 2027 has no official calendar yet
    });
    expect(readLimitation(ended, labourArbitrationLimitation, '2027-06-02', officialCalendar)?.status).toBe(
      'lapsed',
    );
  });

  it('第二十七条 with 民事诉讼法 第八十五条: knowing on 2025-03-01, the year ends Sunday 2026-03-01 and rolls to Monday 2 March — an application that day interrupts it, one on 3 March comes too late', () => {
    const inTime = readLimitation(
      { ...facts, knewOn: '2025-03-01', receivedOn: '2026-03-02' },
      labourArbitrationLimitation,
      '2026-03-02',
      officialCalendar,
    );
    const late = readLimitation(
      { ...facts, knewOn: '2025-03-01', receivedOn: '2026-03-03' },
      labourArbitrationLimitation,
      '2026-03-03',
      officialCalendar,
    );

    expect(inTime?.status).toBe('interrupted');
    expect(late).toMatchObject({ status: 'lapsed_before_application', endsOn: '2026-03-02' });
  });

  it('第二十七条: a dispute settled (agreement fulfilled) keeps no limitation; a year from 29 February ends on 28 February', () => {
    const settled = { ...facts, state: 'closed', outcome: 'resolved' as const, closedAt: new Date() };
    expect(readLimitation(settled, labourArbitrationLimitation, '2026-06-02', officialCalendar)).toBeNull();
    expect(readClock(yearsClock('2028-02-29', 1), '2028-03-01', officialCalendar).due).toBe('2029-02-28');
  });
});

describe('医疗纠纷预防和处理条例 第三十八条、第四十条: 30 working days, extendable by agreement only before the committee', () => {
  it('第三十八条: the people’s track may be extended by agreement; 第四十条 gives the health bureau no extension; both count expiry as failure', () => {
    expect(medical.deadlines.people).toMatchObject({ expiryCountsAsFailure: true });
    expect(medical.deadlines.people.extensionByAgreement?.source.zh).toBe(
      '医疗纠纷预防和处理条例 第三十八条',
    );
    expect(medical.deadlines.administrative).toMatchObject({ expiryCountsAsFailure: true });
    expect(medical.deadlines.administrative.extensionByAgreement).toBeUndefined();
    expect(caseRulesExcerpt(medical).extendableTracks).toEqual(['people']);
  });

  it('第三十八条: accepted 2026-06-01, due 2026-07-14; extended by 10 working days it is due 2026-07-28 — the due date moves by the agreed days', () => {
    const accepted = startMediationClock(
      medical,
      'people',
      { today: '2026-06-01', receivedOn: '2026-05-28', current: null },
      officialCalendar,
    );
    const extended = extendClock(accepted, 10, '2026-07-10', officialCalendar);

    // 端午 19 June 2026 is not a working day
    expect(accepted.due).toBe(dueDate('2026-06-01', 30, 'working', officialCalendar));
    expect(accepted.due).toBe('2026-07-14');
    expect(extended).toMatchObject({
      days: 40,
      due: '2026-07-28',
      extensions: [{ days: 10, agreedOn: '2026-07-10' }],
    });
  });

  it('第四十条: the health bureau has 5 working days from receiving the application to decide — over 元旦 2027, to 2027-01-07 — at the department keyed `health` only', () => {
    const clock = startAcceptanceClock(
      medicalAdministrativeAcceptance,
      '2026-12-30',
      '2026-12-30',
      officialCalendar,
    );

    expect(clock).toMatchObject({ clock: 'acceptance', days: 5, basis: 'working', due: '2027-01-07' });
    expect(clock.source.zh).toBe('医疗纠纷预防和处理条例 第四十条');
    expect(acceptancePeriodAt(medical, { kind: 'department', departmentKey: 'health' })).toBe(
      medicalAdministrativeAcceptance,
    );
    expect(acceptancePeriodAt(medical, { kind: 'department', departmentKey: 'human_resources' })).toBeNull();
    expect(acceptancePeriodAt(labour, { kind: 'department', departmentKey: 'human_resources' })).toBeNull();
  });
});
