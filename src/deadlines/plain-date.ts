/**
 * A plain date, `YYYY-MM-DD`, meaning a day in Asia/Shanghai. Deadlines are counted in
 * whole days, so a date never carries a time or a zone; all arithmetic here runs on
 * UTC midnights so that the machine's own time zone can never shift a day.
 */
export type PlainDate = string;

const dayMs = 86_400_000;
/** The character code of `0` and of `-`. */
const zeroCode = 48;
const dashCode = 45;

/** The number the digits of `text` from `start` to `end` write, or -1 when one is not an ASCII digit. */
function digitsOf(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - zeroCode;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days in a month (1–12) of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The UTC midnight of a plain date, or NaN when the text is not a real calendar day. Read
 * character by character, with no match or `Date` made: every deadline walks its period
 * a day at a time through here (issue 22, nineteenth round).
 */
function toUtcMs(date: string): number {
  // not a string (a null read from a column, an undefined field): no day, as the pattern answered, not a TypeError
  if (
    typeof date !== 'string' ||
    date.length !== 10 ||
    date.charCodeAt(4) !== dashCode ||
    date.charCodeAt(7) !== dashCode
  )
    return Number.NaN;
  const year = digitsOf(date, 0, 4);
  const month = digitsOf(date, 5, 7);
  const day = digitsOf(date, 8, 10);
  // years 0–99 are refused: `Date.UTC` would read them as 1900–1999
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return Date.UTC(year, month - 1, day);
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

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday); NaN when the text is not a real day. */
export function weekdayOf(date: PlainDate): number {
  const days = toUtcMs(date) / dayMs;
  return (((days + 4) % 7) + 7) % 7;
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
