import { isPlainDate, type PlainDate, weekdayOf, yearOf } from './plain-date';
import { statutoryHolidayDatesOf } from './statutory-holidays';

/**
 * Where a year of the official calendar comes from: the State Council's notice for that
 * year (国务院办公厅关于某年部分节假日安排的通知), or, until it is entered, the statutory
 * holidays of 全国年节及纪念日放假办法 §2 alone.
 */
export const calendarSources = ['notice', 'statutory'] as const;
export type CalendarSource = (typeof calendarSources)[number];

/** One year of the official calendar: the days off and the adjusted working weekends (调休上班日). */
export interface CalendarYearDays {
  year: number;
  source: CalendarSource;
  /** Days off, weekends inside a holiday included, in date order. */
  holidays: readonly PlainDate[];
  /** Saturdays and Sundays worked to bridge a holiday, in date order. */
  workdays: readonly PlainDate[];
}

/** A year as the table holds it: with its note and who entered it when (nobody: filled from chinese-days). */
export interface CalendarYearEntry extends CalendarYearDays {
  note: string | null;
  enteredBy: { id: string; username: string | null } | null;
  enteredAt: Date | null;
}

/** The years a notice may be entered for (the statutory days are computed for any). */
export const enterableYears = { min: 2000, max: 2100 } as const;

/** A year with no notice: the statutory days are its holidays, and nothing else changes. */
export function statutoryCalendarYear(year: number): CalendarYearDays {
  return { year, source: 'statutory', holidays: statutoryHolidayDatesOf(year), workdays: [] };
}

/** Ascending and without repeats. */
export function sortedDates(dates: Iterable<PlainDate>): PlainDate[] {
  return [...new Set(dates)].sort();
}

/** A problem with a year as entered, on one field (`holidays.3`), as a locale key with its values. */
export type CalendarYearProblem = {
  field: string;
  message: string;
  params?: Record<string, unknown>;
};

/**
 * What makes a year's arrangement impossible, field by field (none: it may be entered):
 * a day outside the year, a day both off and worked, an adjusted working day that is not
 * a Saturday or Sunday, or a statutory holiday of §2 missing from the days off — the law
 * gives those whatever the notice says. The dates themselves are real YYYY-MM-DD days
 * (the schemas check that first).
 */
export function problemsWithCalendarYear(entry: CalendarYearDays): CalendarYearProblem[] {
  const problems: CalendarYearProblem[] = [];
  const outsideYear = (field: 'holidays' | 'workdays') =>
    entry[field].forEach((date, index) => {
      if (isPlainDate(date) && yearOf(date) !== entry.year)
        problems.push({
          field: `${field}.${index}`,
          message: 'validation.calendar_date_outside_year',
          params: { date, year: entry.year },
        });
    });
  outsideYear('holidays');
  outsideYear('workdays');
  const off = new Set(entry.holidays);
  entry.workdays.forEach((date, index) => {
    if (off.has(date))
      problems.push({
        field: `workdays.${index}`,
        message: 'validation.calendar_day_both',
        params: { date },
      });
    else if (isPlainDate(date) && weekdayOf(date) !== 0 && weekdayOf(date) !== 6)
      problems.push({
        field: `workdays.${index}`,
        message: 'validation.calendar_workday_not_weekend',
        params: { date },
      });
  });
  const missing = statutoryHolidayDatesOf(entry.year).filter((date) => !off.has(date));
  if (missing.length > 0)
    problems.push({
      field: 'holidays',
      message: 'validation.calendar_statutory_missing',
      params: { dates: missing.join(', ') },
    });
  return problems;
}
