import type { DayBasis } from '../workflows/rules/dispute-rules.types';
import { addDays, assertPlainDate, type PlainDate } from './plain-date';
import type { WorkingCalendar } from './working-calendar';

/**
 * Counting a period the way 民事诉讼法 §85 counts it, for every clock in the product:
 *
 * - the day of the triggering event is not counted: day 1 is the day after `startedOn`;
 * - a period ends at the end (24:00, Asia/Shanghai) of its last day;
 * - when the last day of a calendar-day period is a public holiday (法定休假日: any day
 *   that is not a working day, weekends included), the period ends on the next working day;
 * - a working-day period counts only working days of the official calendar (调休 Saturdays
 *   count, holidays do not), so it always ends on a working day.
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
