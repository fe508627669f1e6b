import officialDays from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackage from 'chinese-days/package.json';
import { type CalendarYearDays, sortedDates } from './calendar-year';
import { yearOf } from './plain-date';
import { statutoryHolidayDatesOf } from './statutory-holidays';

/**
 * The State Council's notices as chinese-days publishes them (2004–2026 in 1.5.7): what a
 * new database's calendar table is filled with (migration FillOfficialCalendarFromChineseDays)
 * and what tests count with when they need no database (`officialCalendar`).
 *
 * We read the package's published JSON rather than calling `isWorkday()`: its functions
 * build their tables with the host's time zone and answer one day off west of UTC
 * (checked: 369 wrong days in 2004–2027 under TZ=America/New_York).
 *
 * Each year's statutory days (全国年节及纪念日放假办法 §2) are added to its holidays: the
 * notices always give them, and chinese-days 1.5.7 leaves one out (2012-06-23, 端午, a
 * Saturday; the 2012 notice gives 6月22日至24日 off).
 */
interface OfficialDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

export const chineseDaysVersion: string = chineseDaysPackage.version;

export function chineseDaysYears(): CalendarYearDays[] {
  const official: OfficialDays = officialDays;
  const years = new Map<number, { holidays: string[]; workdays: string[] }>();
  const yearOfDate = (date: string) => {
    const year = yearOf(date);
    let found = years.get(year);
    if (!found) {
      found = { holidays: [], workdays: [] };
      years.set(year, found);
    }
    return found;
  };
  for (const date of Object.keys(official.holidays)) yearOfDate(date).holidays.push(date);
  for (const date of Object.keys(official.workdays)) yearOfDate(date).workdays.push(date);
  return [...years]
    .sort(([a], [b]) => a - b)
    .map(([year, days]) => ({
      year,
      source: 'notice' as const,
      holidays: sortedDates([...days.holidays, ...statutoryHolidayDatesOf(year)]),
      workdays: sortedDates(days.workdays),
    }));
}
