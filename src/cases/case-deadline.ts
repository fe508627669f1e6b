import { readClock, yearsWithoutNotice } from '../deadlines/clock';
import { countedDaysOf } from '../deadlines/period';
import type { PlainDate } from '../deadlines/plain-date';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { SuspensionReason } from '../workflows/case-events/case-events';
import type { DisputeRules, StageDeadline, Track } from '../workflows/rules/dispute-rules.types';
import type { CaseClockName, CaseDeadline } from './case.entity';

/** What starting a stage's clock needs to know of the case besides the rule. */
export interface ClockStart {
  today: PlainDate;
  /** The day the mediation organisation received the application (`Case.receivedOn`). */
  receivedOn: PlainDate;
  /** The clock running before the event, if any. */
  current: CaseDeadline | null;
}

/**
 * The mediation deadline of a case's current stage, when a stage starts (acceptance, a
 * hand-off, mediation resumed after an agreement). Most periods start that day: the
 * receiving level has its own. A period that counts from the application received
 * (劳动争议调解仲裁法 §14) starts on `receivedOn` and is not restarted: the clock already
 * running on it goes on as it is. The clock is paused while suspended for a reason the
 * type's rules do not count (医疗: appraisal), and dropped when the case leaves mediation.
 */
export function startMediationClock(
  rules: DisputeRules,
  track: Track,
  start: ClockStart,
  calendar: WorkingCalendar,
): CaseDeadline {
  const stage = rules.deadlines[track];
  const fromApplication = stage.countsFrom === 'application_received';
  const startedOn = fromApplication ? start.receivedOn : start.today;
  const current = start.current;
  if (fromApplication && current && isSamePeriod(current, stage, startedOn)) {
    return withReading(current, start.today, calendar);
  }
  return newClock(stage, startedOn, 'mediation', start.today, calendar);
}

/**
 * The administrative body's period to decide whether it accepts the case (医疗纠纷预防和
 * 处理条例 §40: 5 working days from receiving the application), running while the case waits
 * in screening at that department; ACCEPT starts the mediation clock instead, DECLINE ends it.
 */
export function startAcceptanceClock(
  stage: StageDeadline,
  receivedOn: PlainDate,
  today: PlainDate,
  calendar: WorkingCalendar,
): CaseDeadline {
  return newClock(stage, receivedOn, 'acceptance', today, calendar);
}

/**
 * The court's period to decide on confirming the agreement: a special-procedure case is
 * decided within 30 days of its filing (立案, 民事诉讼法 §187), counted from the day the joint
 * application is recorded here — not from the day the parties dated it, which may lie up to
 * the window's 30 days earlier (its day not counted, §85) — while the court holds the case;
 * its ruling ends it.
 */
export function startConfirmationClock(
  stage: StageDeadline,
  filedOn: PlainDate,
  today: PlainDate,
  calendar: WorkingCalendar,
): CaseDeadline {
  return newClock(stage, filedOn, 'confirmation', today, calendar);
}

/** Whether a department is the type's administrative body and must decide acceptance within a period. */
export function acceptancePeriodAt(
  rules: Pick<DisputeRules, 'administrativeBody' | 'administrativeAcceptance'>,
  unit: { kind: string; departmentKey?: string | null },
): StageDeadline | null {
  const body = rules.administrativeBody;
  return unit.kind === 'department' && body && unit.departmentKey === body.departmentKey
    ? rules.administrativeAcceptance
    : null;
}

/**
 * The parties agreed to a longer period (医疗纠纷预防和处理条例 §38): the due date moves on by
 * `days` of the period's own basis (working days for medical), from where it was — also
 * when it had already run out.
 */
export function extendClock(
  deadline: CaseDeadline,
  days: number,
  today: PlainDate,
  calendar: WorkingCalendar,
): CaseDeadline {
  return withReading(
    {
      ...deadline,
      days: deadline.days + days,
      extensions: [...(deadline.extensions ?? []), { days, agreedOn: today }],
    },
    today,
    calendar,
  );
}

function isSamePeriod(current: CaseDeadline, stage: StageDeadline, startedOn: PlainDate): boolean {
  return (
    (current.clock ?? 'mediation') === 'mediation' &&
    current.startedOn === startedOn &&
    current.basis === stage.basis &&
    current.source.zh === stage.source.zh
  );
}

function newClock(
  stage: StageDeadline,
  startedOn: PlainDate,
  clock: CaseClockName,
  today: PlainDate,
  calendar: WorkingCalendar,
): CaseDeadline {
  return withReading(
    {
      days: countedDaysOf(stage, startedOn),
      ...(stage.months === undefined ? {} : { months: stage.months }),
      basis: stage.basis,
      source: stage.source,
      startedOn,
      pauses: [],
      due: startedOn,
      warningOn: startedOn,
      paused: false,
      clock,
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
  reason: SuspensionReason,
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
    /** `mediation`, the administrative body's period to decide acceptance (医疗 §40), or the court's to rule on confirmation (§187). */
    clock: deadline.clock ?? 'mediation',
    due: reading.due,
    basis: deadline.basis,
    days: deadline.days,
    /** Days the parties agreed to add (医疗 §38), included in `days`. */
    extendedBy: (deadline.extensions ?? []).reduce((sum, extension) => sum + extension.days, 0),
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
