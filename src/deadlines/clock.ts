import type { DayBasis } from '../workflows/rules/dispute-rules.types';
import { dueDate, type NotCounted, nthCountedDay } from './period';
import { assertPlainDate, daysBetween, type PlainDate, yearOf } from './plain-date';
import type { WorkingCalendar } from './working-calendar';

/**
 * A deadline clock that can be stopped, e.g. while a medical case waits for an appraisal
 * (鉴定时间不计入调解期限). Pure: the reading is recomputed from the clock, today and the
 * calendar whenever it is needed, so a holiday-table change moves every open deadline.
 *
 * How a pause extends the period: a pause `{ from, to }` stops the clock on the days from
 * `from` up to but not including `to` — stopped on the day of suspension, running again
 * on the day of resumption — so it holds `to - from` days, as §85 would count it. Each
 * such day that would have been counted (any day for a calendar-day period, a working
 * day for a working-day period) pushes the due date and the warning date on by one
 * counted day. A suspension and a resumption on the same day stop nothing. Because the
 * suspension day itself is not counted, a case suspended on its last day does not run
 * out while suspended (medical: expiry would count as failed mediation).
 * An open pause (no `to`) is taken to end today: while a case stays suspended its due
 * date moves on one counted day each day, and its days left stay as they were.
 * A pause that begins after the period has run out does not revive it.
 */
export interface Pause {
  from: PlainDate;
  /** Absent while the clock is still stopped. */
  to?: PlainDate;
}

export interface DeadlineClock {
  startedOn: PlainDate;
  days: number;
  basis: DayBasis;
  /** In order, not overlapping; only the last may be open. */
  pauses: readonly Pause[];
}

interface ClockReadingBase {
  /** Last day of the period: it ends at 24:00 Asia/Shanghai on that day. */
  due: PlainDate;
  /** The day 80 % of the period has run (rounded up to a whole counted day): the warning goes out. */
  warningOn: PlainDate;
  paused: boolean;
  /**
   * The period crosses a year whose notice is not entered (counted by the statutory
   * holidays alone): the due date may still move when it is (`yearsWithoutNotice`).
   */
  provisional: boolean;
}

/** `daysLeft` and `overdueBy` are calendar days between today and `due`, whatever the basis. */
export type ClockReading = ClockReadingBase &
  ({ overdue: false; daysLeft: number } | { overdue: true; overdueBy: number });

/** The warning goes out once this share of the period has run. */
export const warningShare = { numerator: 4, denominator: 5 } as const;

/** Counted days until the warning: 80 % rounded up, in integers (0.8 * 15 is not exactly 12 in floating point). */
export function warningDayCount(days: number): number {
  return Math.ceil((days * warningShare.numerator) / warningShare.denominator);
}

/**
 * Readings already computed, per calendar (a calendar never changes: a new holiday table is a
 * new `WorkingCalendar`, so its readings start afresh). An event read the same clock three times
 * — the period as it stands, the clock after the event, its timer — each walking the period's
 * days on the calendar (issue 22's profile); a clock, a day and a calendar give one reading.
 */
const readings = new WeakMap<WorkingCalendar, Map<string, ClockReading>>();
/** Enough for every open clock a sweep reads in a day; dropped whole when full. */
const mostReadings = 20_000;

export function readClock(clock: DeadlineClock, today: PlainDate, calendar: WorkingCalendar): ClockReading {
  let known = readings.get(calendar);
  if (!known) {
    known = new Map();
    readings.set(calendar, known);
  }
  let key = `${clock.startedOn}|${clock.days}|${clock.basis}|${today}`;
  for (const pause of clock.pauses) key += `|${pause.from}~${pause.to ?? ''}`;
  let reading = known.get(key);
  if (!reading) {
    reading = Object.freeze(computeReading(clock, today, calendar));
    if (known.size >= mostReadings) known.clear();
    known.set(key, reading);
  }
  return reading;
}

function computeReading(clock: DeadlineClock, today: PlainDate, calendar: WorkingCalendar): ClockReading {
  assertPlainDate(today, 'today');
  const pauses = closedPauses(clock, today);
  const isPaused: NotCounted | undefined =
    pauses.length === 0 ? undefined : (date) => pauses.some(({ from, to }) => date >= from && date < to);

  const due = dueDate(clock.startedOn, clock.days, clock.basis, calendar, isPaused);
  const base: ClockReadingBase = {
    due,
    warningOn: nthCountedDay(clock.startedOn, warningDayCount(clock.days), clock.basis, calendar, isPaused),
    paused: clock.pauses.some((pause) => pause.to === undefined),
    provisional: yearsWithoutNotice(calendar, clock.startedOn, due).length > 0,
  };
  const left = daysBetween(today, due);
  return left >= 0
    ? { ...base, overdue: false, daysLeft: left }
    : { ...base, overdue: true, overdueBy: -left };
}

/** The pauses with an open one closed today, after checking they can have happened. */
function closedPauses(clock: DeadlineClock, today: PlainDate): Array<Required<Pause>> {
  let previousEnd = clock.startedOn;
  return clock.pauses.map((pause, index) => {
    const label = `pause ${index + 1}`;
    assertPlainDate(pause.from, `${label} from`);
    const to = pause.to ?? today;
    assertPlainDate(to, `${label} to`);
    if (pause.to === undefined && index !== clock.pauses.length - 1) {
      throw new RangeError(`${label} is open but is not the last pause`);
    }
    if (pause.from < previousEnd) {
      throw new RangeError(`${label} starts ${pause.from}, before the clock started or the last pause ended`);
    }
    if (pause.from > today) throw new RangeError(`${label} starts ${pause.from}, after today ${today}`);
    if (to < pause.from) throw new RangeError(`${label} ends ${to}, before it starts ${pause.from}`);
    if (to > today) throw new RangeError(`${label} ends ${to}, after today ${today}`);
    previousEnd = to;
    return { from: pause.from, to };
  });
}

/** The years from `from` to `to` whose notice the calendar does not have: why a deadline is provisional. */
export function yearsWithoutNotice(calendar: WorkingCalendar, from: PlainDate, to: PlainDate): number[] {
  const years: number[] = [];
  for (let year = yearOf(from); year <= yearOf(to); year++) if (!calendar.coversYear(year)) years.push(year);
  return years;
}
