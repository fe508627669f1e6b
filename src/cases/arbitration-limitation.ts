import { type DeadlineClock, readClock } from '../deadlines/clock';
import { addDays, daysBetween, type PlainDate, sameDayYearsLater } from '../deadlines/plain-date';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { CaseOutcome } from '../workflows/case.machine';
import type { LimitationPeriod } from '../workflows/rules/dispute-rules.types';

/**
 * The arbitration limitation of a labour dispute (劳动争议调解仲裁法 §27), as this case
 * bears on it: one year from the day the worker knew or should have known of the
 * infringement (`knewOn`); the application for mediation (`receivedOn`) interrupts it;
 * it runs anew, in full, from the day the mediation ends (the case closed without the
 * dispute settled). Counted like every period (民事诉讼法 §85: the start day not counted, a
 * last day on a public holiday moved to the next working day), so it can be provisional.
 */
export type LimitationStatus =
  /** The case is under way: the period stands interrupted since the application. */
  | 'interrupted'
  /** Mediation ended without settling the dispute: the year runs from that day. */
  | 'running'
  /** …and it has run out. */
  | 'lapsed'
  /** It had already run out before the application came in: nothing interrupted it. */
  | 'lapsed_before_application';

export interface LimitationFacts {
  knewOn: PlainDate | null;
  receivedOn: PlainDate;
  state: string;
  outcome: CaseOutcome | null;
  closedAt: Date | null;
}

export interface LimitationReading {
  status: LimitationStatus;
  knewOn: PlainDate;
  interruptedOn: PlainDate | null;
  /** The day the year began to run anew (the day mediation ended), while running or lapsed. */
  runsFrom: PlainDate | null;
  /** Its last day, when it is running or has lapsed. */
  endsOn: PlainDate | null;
  /** The day the warning goes out (`warnDaysBefore` days before the end), while running. */
  warningOn: PlainDate | null;
  provisional: boolean;
  /** Calendar days from today to the last day, while running. */
  daysLeft: number | null;
  /** The clock the timer keeps, while running (null otherwise). */
  clock: DeadlineClock | null;
}

/** Outcomes that settle the dispute: no claim is left to arbitrate. */
const settlingOutcomes: readonly CaseOutcome[] = ['resolved', 'enforcement_referred'];

/** Whether the case ended with the dispute settled (fulfilled, or enforced by the court). */
export function isSettled(facts: Pick<LimitationFacts, 'state' | 'outcome'>): boolean {
  return facts.state === 'closed' && facts.outcome !== null && settlingOutcomes.includes(facts.outcome);
}

/** The period of `years` from `from`, as a clock of calendar days (§85: it ends on the corresponding day). */
export function yearsClock(from: PlainDate, years: number): DeadlineClock {
  return {
    startedOn: from,
    days: daysBetween(from, sameDayYearsLater(from, years)),
    basis: 'calendar',
    pauses: [],
  };
}

/** The limitation as it stands today, or null when it does not apply (no rule, no `knewOn`, dispute settled). */
export function readLimitation(
  facts: LimitationFacts,
  limitation: LimitationPeriod | null,
  today: PlainDate,
  calendar: WorkingCalendar,
): LimitationReading | null {
  if (!limitation || !facts.knewOn) return null;
  if (isSettled(facts)) return null;
  const base = { knewOn: facts.knewOn, provisional: false, daysLeft: null, clock: null, warningOn: null };

  const first = readClock(yearsClock(facts.knewOn, limitation.years), facts.receivedOn, calendar);
  if (first.due < facts.receivedOn) {
    return {
      ...base,
      status: 'lapsed_before_application',
      interruptedOn: null,
      runsFrom: null,
      endsOn: first.due,
      provisional: first.provisional,
    };
  }
  if (facts.state !== 'closed' || !facts.closedAt) {
    return { ...base, status: 'interrupted', interruptedOn: facts.receivedOn, runsFrom: null, endsOn: null };
  }
  const runsFrom = todayInShanghai(facts.closedAt);
  const clock = yearsClock(runsFrom, limitation.years);
  const reading = readClock(clock, today, calendar);
  return {
    ...base,
    status: reading.overdue ? 'lapsed' : 'running',
    interruptedOn: facts.receivedOn,
    runsFrom,
    endsOn: reading.due,
    warningOn: reading.overdue ? null : addDays(reading.due, -limitation.warnDaysBefore),
    provisional: reading.provisional,
    daysLeft: reading.overdue ? null : reading.daysLeft,
    clock: reading.overdue ? null : clock,
  };
}
