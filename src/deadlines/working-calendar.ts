import { defaults } from '../../config/defaults';
import { type CalendarSource, type CalendarYearDays, statutoryCalendarYear } from './calendar-year';
import { chineseDaysYears } from './chinese-days-years';
import { assertPlainDate, type PlainDate, weekdayOf, yearOf } from './plain-date';
import { statutoryHolidayDatesOf } from './statutory-holidays';

/** One day set apart by hand, over whatever the calendar's years say (what-if counting, tests). */
export interface DayOverride {
  date: PlainDate;
  working: boolean;
}

export interface WorkingCalendarOptions {
  /**
   * The official calendar's years as entered (the table `official_calendar_years`): a year
   * not among them has only its statutory holidays, and source `statutory`.
   */
  years?: readonly CalendarYearDays[];
  overrides?: readonly DayOverride[];
  /** Years to count as covered although no notice is among `years` (tests). */
  coveredYears?: readonly number[];
}

interface YearDaySets {
  source: CalendarSource;
  holidays: ReadonlySet<PlainDate>;
  workdays: ReadonlySet<PlainDate>;
  days: CalendarYearDays;
}

/** The statutory days of the years asked about, kept: they do not depend on the table. */
const statutoryDaySets = new Map<number, ReadonlySet<PlainDate>>();
function statutoryDaySet(year: number): ReadonlySet<PlainDate> {
  let days = statutoryDaySets.get(year);
  if (!days) {
    days = new Set(statutoryHolidayDatesOf(year));
    statutoryDaySets.set(year, days);
  }
  return days;
}

/**
 * Whether a day is a working day in mainland China, per the official calendar: for each
 * year, the days off and adjusted working weekends (调休) of the State Council's notice as
 * entered; for a year without a notice, the statutory holidays of 全国年节及纪念日放假办法
 * §2 (computed) on top of Monday–Friday. Deadlines are recomputed from a calendar, never
 * taken as given, so changing a year moves the deadlines of open cases.
 *
 * Immutable and synchronous: the app hands one out per request (`calendar()`), kept in
 * memory by the OfficialCalendarCache and replaced whole when the table changes.
 */
export class WorkingCalendar {
  private readonly years: ReadonlyMap<number, YearDaySets>;
  private readonly overrides: ReadonlyMap<PlainDate, boolean>;
  private readonly extraYears: ReadonlySet<number>;

  constructor(options: WorkingCalendarOptions = {}) {
    this.years = indexYears(options.years ?? []);
    this.overrides = indexOverrides(options.overrides ?? []);
    this.extraYears = new Set(options.coveredYears ?? []);
  }

  isWorkingDay(date: PlainDate): boolean {
    assertPlainDate(date);
    const override = this.overrides.get(date);
    if (override !== undefined) return override;
    const year = yearOf(date);
    const entered = this.years.get(year);
    if (entered) {
      if (entered.workdays.has(date)) return true;
      if (entered.holidays.has(date)) return false;
    } else if (statutoryDaySet(year).has(date)) {
      return false;
    }
    const weekday = weekdayOf(date);
    return weekday >= 1 && weekday <= 5;
  }

  /**
   * 法定休假日 in the sense of 民事诉讼法 §85: any day that is not a working day, so
   * statutory holidays and ordinary weekends alike, but not an adjusted working weekend.
   */
  isPublicHoliday(date: PlainDate): boolean {
    return !this.isWorkingDay(date);
  }

  /** Whether the year's notice is entered: a deadline running into any other year is provisional. */
  coversYear(year: number): boolean {
    return this.years.get(year)?.source === 'notice' || this.extraYears.has(year);
  }

  /** Where the year's days come from. */
  sourceOf(year: number): CalendarSource {
    return this.coversYear(year) ? 'notice' : 'statutory';
  }

  /** The year's days off and worked weekends as this calendar counts them. */
  yearDays(year: number): CalendarYearDays {
    return this.years.get(year)?.days ?? statutoryCalendarYear(year);
  }

  /** The years entered (notices, and statutory years an administrator set down), ascending. */
  enteredYears(): CalendarYearDays[] {
    return [...this.years.values()].map((entry) => entry.days).sort((a, b) => a.year - b.year);
  }

  /** The same calendar with one year replaced (a notice entered or changed). */
  withYear(days: CalendarYearDays): WorkingCalendar {
    return new WorkingCalendar({
      years: [...this.enteredYears().filter((entry) => entry.year !== days.year), days],
      overrides: [...this.overrides].map(([date, working]) => ({ date, working })),
      coveredYears: [...this.extraYears],
    });
  }

  /** A calendar with days set apart by hand; on the same date the newer one wins. */
  withOverrides(overrides: readonly DayOverride[], coveredYears: readonly number[] = []): WorkingCalendar {
    return new WorkingCalendar({
      years: this.enteredYears(),
      overrides: [...[...this.overrides].map(([date, working]) => ({ date, working })), ...overrides],
      coveredYears: [...this.extraYears, ...coveredYears],
    });
  }
}

function indexYears(years: readonly CalendarYearDays[]): Map<number, YearDaySets> {
  const byYear = new Map<number, YearDaySets>();
  for (const days of years) {
    for (const date of [...days.holidays, ...days.workdays])
      assertPlainDate(date, `calendar day of ${days.year}`);
    byYear.set(days.year, {
      source: days.source,
      holidays: new Set(days.holidays),
      workdays: new Set(days.workdays),
      days,
    });
  }
  return byYear;
}

/** Later entries win, so a list can be appended to without first removing the old row. */
function indexOverrides(overrides: readonly DayOverride[]): Map<PlainDate, boolean> {
  const byDate = new Map<PlainDate, boolean>();
  for (const { date, working } of overrides) {
    assertPlainDate(date, 'override date');
    byDate.set(date, working);
  }
  return byDate;
}

/** The years chinese-days publishes, ascending (2004–2026 in 1.5.7). */
export function officiallyCoveredYears(): number[] {
  return chineseDaysYears().map((days) => days.year);
}

/**
 * The calendar as chinese-days publishes it, statutory days beyond: what a new database
 * starts from. The app counts with the table (OfficialCalendarCache); tests and tools
 * that need no database count with this.
 */
export const officialCalendar = new WorkingCalendar({ years: chineseDaysYears() });

const shanghaiDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: defaults.timeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** From this instant on (1992-01-01 in Shanghai) the zone has been UTC+8 all year: no summer time since 1991. */
const fixedOffsetSince = Date.UTC(1991, 11, 31, 16);
const eightHoursMs = 8 * 60 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;
/** The Shanghai day last answered, as the instants [from, until) it spans. */
let lastDay = { from: 0, until: 0, date: '' };

/**
 * The date it is in Asia/Shanghai at `now`, whatever the machine's time zone. Every
 * request asks (the case's clock, the events allowed today): since 1992 it is plain
 * arithmetic on UTC+8, which `Intl` (about 20 µs a call) is asked only before that.
 */
export function todayInShanghai(now: Date): PlainDate {
  const ms = now.getTime();
  if (ms >= lastDay.from && ms < lastDay.until) return lastDay.date;
  if (ms >= fixedOffsetSince) {
    // the day asked last, kept with its bounds: a case page asks several times (≈ 2 % of its CPU, issue 22)
    const from = Math.floor((ms + eightHoursMs) / dayMs) * dayMs - eightHoursMs;
    lastDay = { from, until: from + dayMs, date: new Date(from + eightHoursMs).toISOString().slice(0, 10) };
    return lastDay.date;
  }
  const parts = Object.fromEntries(shanghaiDay.formatToParts(now).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
