import { readClock, yearsWithoutNotice } from '../deadlines/clock';
import { countedDaysOf } from '../deadlines/period';
import type { PlainDate } from '../deadlines/plain-date';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { DisputeRules, Track } from '../workflows/rules/dispute-rules.types';
import type { CaseDeadline } from './case.entity';

/**
 * The mediation deadline of a case's current stage: started on acceptance and on
 * every hand-off (the receiving level has its own period), paused while suspended
 * for a reason the type's rules do not count (医疗: appraisal), dropped when the
 * case leaves mediation.
 */
export function startMediationClock(
  rules: DisputeRules,
  track: Track,
  today: PlainDate,
  calendar: WorkingCalendar,
): CaseDeadline {
  const stage = rules.deadlines[track];
  return withReading(
    {
      days: countedDaysOf(stage, today),
      ...(stage.months === undefined ? {} : { months: stage.months }),
      basis: stage.basis,
      source: stage.source,
      startedOn: today,
      pauses: [],
      due: today,
      warningOn: today,
      paused: false,
    },
    today,
    calendar,
  );
}

/** Suspension stops the clock only for the reasons the rules name (else the period runs on). */
export function pauseClock(
  deadline: CaseDeadline,
  rules: DisputeRules,
  track: Track,
  reason: 'appraisal' | 'hearing' | 'other',
  today: PlainDate,
  calendar: WorkingCalendar,
): CaseDeadline {
  if (!rules.deadlines[track].pausedBy.includes(reason) || deadline.pauses.some((pause) => !pause.to))
    return deadline;
  return withReading({ ...deadline, pauses: [...deadline.pauses, { from: today }] }, today, calendar);
}

export function resumeClock(
  deadline: CaseDeadline,
  today: PlainDate,
  calendar: WorkingCalendar,
): CaseDeadline {
  const pauses = deadline.pauses.map((pause) => (pause.to ? pause : { from: pause.from, to: today }));
  return withReading({ ...deadline, pauses }, today, calendar);
}

/** Recomputes due date, warning date and pause state from the calendar as it is today. */
export function withReading(
  deadline: CaseDeadline,
  today: PlainDate,
  calendar: WorkingCalendar,
): CaseDeadline {
  const reading = readClock(
    { startedOn: deadline.startedOn, days: deadline.days, basis: deadline.basis, pauses: deadline.pauses },
    today,
    calendar,
  );
  return { ...deadline, due: reading.due, warningOn: reading.warningOn, paused: reading.paused };
}

/** The deadline as the API shows it (API.md), read today; plus days left or overdue by. */
export function presentDeadline(deadline: CaseDeadline, today: PlainDate, calendar: WorkingCalendar) {
  const reading = readClock(
    { startedOn: deadline.startedOn, days: deadline.days, basis: deadline.basis, pauses: deadline.pauses },
    today,
    calendar,
  );
  return {
    due: reading.due,
    basis: deadline.basis,
    days: deadline.days,
    months: deadline.months ?? null,
    paused: reading.paused,
    source: deadline.source,
    warningOn: reading.warningOn,
    overdue: reading.overdue,
    /** The period crosses a year with no notice entered: the due date may still move. */
    provisional: reading.provisional,
    yearsWithoutNotice: yearsWithoutNotice(calendar, deadline.startedOn, reading.due),
    daysLeft: reading.overdue ? null : reading.daysLeft,
    overdueBy: reading.overdue ? reading.overdueBy : null,
  };
}
