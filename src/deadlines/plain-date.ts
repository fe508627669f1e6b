/**
 * A plain date, `YYYY-MM-DD`, meaning a day in Asia/Shanghai. Deadlines are counted in
 * whole days, so a date never carries a time or a zone; all arithmetic here runs on
 * UTC midnights so that the machine's own time zone can never shift a day.
 */
export type PlainDate = string;

const plainDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayMs = 86_400_000;

/** The UTC midnight of a plain date, or NaN when the text is not a real calendar day. */
function toUtcMs(date: string): number {
  const match = plainDatePattern.exec(date);
  if (!match) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over to March: reject instead of guessing.
  const back = new Date(ms);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day
    ? ms
    : Number.NaN;
}

function fromUtcMs(ms: number): PlainDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isPlainDate(value: unknown): value is PlainDate {
  return typeof value === 'string' && !Number.isNaN(toUtcMs(value));
}

/** Throws a RangeError naming `what` when `value` is not a real `YYYY-MM-DD` day. */
export function assertPlainDate(value: unknown, what = 'date'): asserts value is PlainDate {
  if (!isPlainDate(value)) {
    throw new RangeError(`${what} must be a real day written YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
}

export function addDays(date: PlainDate, days: number): PlainDate {
  return fromUtcMs(toUtcMs(date) + days * dayMs);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: PlainDate, to: PlainDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / dayMs);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: PlainDate): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

export function yearOf(date: PlainDate): number {
  return Number(date.slice(0, 4));
}

/**
 * The same day `years` later (earlier when negative), as a period counted in years ends
 * (民事诉讼法 §85: on the corresponding day of the last year). 29 February, in a year
 * without one, becomes 28 February: the month's last day.
 */
export function sameDayYearsLater(date: PlainDate, years: number): PlainDate {
  assertPlainDate(date);
  const year = yearOf(date) + years;
  const monthDay = date.slice(4);
  const candidate = `${String(year).padStart(4, '0')}${monthDay}`;
  return isPlainDate(candidate) ? candidate : `${String(year).padStart(4, '0')}-02-28`;
}

/** The moment a day begins in Asia/Shanghai (UTC+8 all year: no daylight saving since 1991). */
export function startOfShanghaiDay(date: PlainDate): Date {
  return new Date(`${date}T00:00:00+08:00`);
}
