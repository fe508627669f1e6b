import type { DayBasis, PeriodLength } from '../workflows/rules/dispute-rules.types';
import { addDays, assertPlainDate, daysBetween, type PlainDate } from './plain-date';
import type { WorkingCalendar } from './working-calendar';

/**
 * Counting a period the way 民事诉讼法 §85 counts it, for every clock in the product:
 *
 * - the day of the triggering event is not counted: day 1 is the day after `startedOn`;
 * - a period ends at the end (24:00, Asia/Shanghai) of its last day;
 * - when the last day of a calendar-day period is a public holiday (法定休假日: any day
 *   that is not a working day, weekends included), the period ends on the next working day;
 * - a working-day period counts only working days of the official calendar (调休 Saturdays
 *   count, holidays do not), so it always ends on a working day;
 * - a period in months ends on the same date of its last month, or on that month's last
 *   day when it has none (民法典 §202: 1 month from 31 January is 28 or 29 February), and
 *   then rolls off a public holiday like a calendar-day period. It is counted as the
 *   calendar days from the start to that date (`countedDaysOf`), so a stopped day pushes
 *   its end on by one day and its warning comes at 80 % of those days.
 */

/** Days that do not count towards a period, e.g. the days a case is suspended for appraisal. */
export type NotCounted = (date: PlainDate) => boolean;

const neverPaused: NotCounted = () => false;

/**
 * The date on which the `count`-th counted day falls, counting from the day after
 * `startedOn`. Counted days are all days (calendar) or working days (working), minus
 * any day for which `notCounted` holds. No §85 holiday extension: see `dueDate`.
 */
export function nthCountedDay(
  startedOn: PlainDate,
  count: number,
  basis: DayBasis,
  calendar: WorkingCalendar,
  notCounted: NotCounted = neverPaused,
): PlainDate {
  assertPlainDate(startedOn, 'startedOn');
  assertDayCount(count);
  // every day counts: no need to walk a year's days one by one (the limitation of 劳动 §27)
  if (basis === 'calendar' && notCounted === neverPaused) return addDays(startedOn, count);
  const isCounted = (date: PlainDate) =>
    !notCounted(date) && (basis === 'calendar' || calendar.isWorkingDay(date));
  let day = startedOn;
  for (let counted = 0; counted < count; counted++) day = firstDayFrom(addDays(day, 1), isCounted);
  return day;
}

/**
 * The last day of a period of `days` (calendar or working) started on `startedOn`, per
 * 民事诉讼法 §85. `notCounted` days (suspensions) are skipped, and a calendar-day period
 * never ends on a day the clock is stopped either.
 */
export function dueDate(
  startedOn: PlainDate,
  days: number,
  basis: DayBasis,
  calendar: WorkingCalendar,
  notCounted: NotCounted = neverPaused,
): PlainDate {
  const lastDay = nthCountedDay(startedOn, days, basis, calendar, notCounted);
  if (basis === 'working') return lastDay;
  return firstDayFrom(lastDay, (date) => calendar.isWorkingDay(date) && !notCounted(date));
}

/** Far beyond any legal period: stops the search if a broken holiday table had no working days. */
const longestSearch = 3_660;

function firstDayFrom(date: PlainDate, isWanted: (date: PlainDate) => boolean): PlainDate {
  let day = date;
  for (let step = 0; step <= longestSearch; step++, day = addDays(day, 1)) {
    if (isWanted(day)) return day;
  }
  throw new RangeError(`no day found within ${longestSearch} days of ${date}: is the holiday table broken?`);
}

function assertDayCount(days: number): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`a period is a whole number of days, at least 1; got ${days}`);
  }
}

/** 民法典 §202: the date `months` months after `date`: the same day of the month, or the month's last day. */
export function addMonths(date: PlainDate, months: number): PlainDate {
  assertPlainDate(date);
  if (!Number.isInteger(months)) throw new RangeError(`a whole number of months, got ${months}`);
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * How many days a period as a rule states it counts from `startedOn`: its days, or for a
 * period in months the calendar days up to the corresponding date (31 January + 1 month:
 * 28 days in 2026).
 */
export function countedDaysOf(period: PeriodLength, startedOn: PlainDate): number {
  return period.months === undefined
    ? period.days
    : daysBetween(startedOn, addMonths(startedOn, period.months));
}

/** `dueDate` of a period as a rule states it (in days or in months). */
export function dueDateOf(
  startedOn: PlainDate,
  period: PeriodLength,
  calendar: WorkingCalendar,
  notCounted: NotCounted = neverPaused,
): PlainDate {
  return dueDate(startedOn, countedDaysOf(period, startedOn), period.basis, calendar, notCounted);
}
