import officialDays from 'chinese-days/dist/chinese-days.json';
import { defaults } from '../../config/defaults';
import { assertPlainDate, type PlainDate, weekdayOf, yearOf } from './plain-date';

/**
 * The official calendar as published by chinese-days (State Council holiday notices):
 * `holidays` are statutory days off, `workdays` are adjusted working weekends (调休).
 *
 * We read the package's published JSON rather than calling `isWorkday()`: its functions
 * build their tables with the host's time zone and answer one day off west of UTC
 * (checked: 369 wrong days in 2004–2027 under TZ=America/New_York).
 */
interface OfficialDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}
const official: OfficialDays = officialDays;

/** Years the official data describes: a year appears once its notice is published. */
const officialYears: ReadonlySet<number> = new Set(
  [...Object.keys(official.holidays), ...Object.keys(official.workdays)].map(yearOf),
);

/** One day changed by an administrator's holiday table (e.g. a notice not yet in chinese-days). */
export interface DayOverride {
  date: PlainDate;
  working: boolean;
}

export interface WorkingCalendarOptions {
  overrides?: readonly DayOverride[];
  /**
   * Years whose whole arrangement the administrator has entered as overrides, so that
   * deadlines running into them are no longer provisional.
   */
  coveredYears?: readonly number[];
}

/**
 * Whether a day is a working day in mainland China, with an administrator's overrides
 * on top. Deadlines are always recomputed from a calendar, never stored, so changing an
 * override moves the deadlines of open cases.
 *
 * For a year the official data do not cover, days fall back to Monday–Friday;
 * `coversYear` tells callers when that is the case.
 */
export class WorkingCalendar {
  private readonly overrides: ReadonlyMap<PlainDate, boolean>;
  private readonly extraYears: ReadonlySet<number>;

  constructor(options: WorkingCalendarOptions = {}) {
    this.overrides = indexOverrides(options.overrides ?? []);
    this.extraYears = new Set(options.coveredYears ?? []);
  }

  isWorkingDay(date: PlainDate): boolean {
    assertPlainDate(date);
    const override = this.overrides.get(date);
    if (override !== undefined) return override;
    if (official.workdays[date]) return true;
    if (official.holidays[date]) return false;
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

  /** Whether the official data (or the administrator, for `coveredYears`) describe this year. */
  coversYear(year: number): boolean {
    return officialYears.has(year) || this.extraYears.has(year);
  }

  /** A calendar with more overrides; on the same date the newer one wins. */
  withOverrides(overrides: readonly DayOverride[], coveredYears: readonly number[] = []): WorkingCalendar {
    return new WorkingCalendar({
      overrides: [...[...this.overrides].map(([date, working]) => ({ date, working })), ...overrides],
      coveredYears: [...this.extraYears, ...coveredYears],
    });
  }
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

/** The years the installed chinese-days data cover, ascending. */
export function officiallyCoveredYears(): number[] {
  return [...officialYears].sort((a, b) => a - b);
}

/** The calendar with no overrides: what the State Council published. */
export const officialCalendar = new WorkingCalendar();

const shanghaiDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: defaults.timeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** From this instant on (1992-01-01 in Shanghai) the zone has been UTC+8 all year: no summer time since 1991. */
const fixedOffsetSince = Date.UTC(1991, 11, 31, 16);
const eightHoursMs = 8 * 60 * 60 * 1000;

/**
 * The date it is in Asia/Shanghai at `now`, whatever the machine's time zone. Every
 * request asks (the case's clock, the events allowed today): since 1992 it is plain
 * arithmetic on UTC+8, which `Intl` (about 20 µs a call) is asked only before that.
 */
export function todayInShanghai(now: Date): PlainDate {
  const ms = now.getTime();
  if (ms >= fixedOffsetSince) return new Date(ms + eightHoursMs).toISOString().slice(0, 10);
  const parts = Object.fromEntries(shanghaiDay.formatToParts(now).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
