import { addDays, daysBetween, isPlainDate, type PlainDate } from './plain-date';

/**
 * The edge between the calendar page's form and `calendarYearBodySchema`: the notice's
 * dates pasted as text become the API's list of dates. Each line or comma-separated item
 * is a date or a range of dates, written as the notice writes them or as ISO dates:
 *
 *   2027-02-05 至 2027-02-11 · 2027-02-05..2027-02-11 · 2月5日至11日 · 10月1日（星期五）至7日 · 2027年1月1日 · 2027/1/1
 *
 * Words in parentheses (the weekday) are dropped. An item that cannot be read is passed
 * on as typed, for the schema to reject by its position (`holidays.3`).
 */
export function datesFromText(text: unknown, year: number): string[] {
  if (typeof text !== 'string') return [];
  const items = text
    .replace(/（[^）]*）|\([^)]*\)/g, ' ')
    .replace(/\s*(?:至|到|~|～|—|–|\.\.)\s*/g, '..')
    .split(/[\s,，、;；。]+/)
    .filter((item) => item !== '');
  return items.flatMap((item) => readItem(item, year));
}

/** The longest range read as one item: a notice's longest break is 9 days; a month is plenty. */
const longestRange = 31;

function readItem(item: string, year: number): string[] {
  const [from, to, ...rest] = item.split('..');
  if (to === undefined) {
    const day = readDay(from, { year });
    return [day ?? item];
  }
  const first = readDay(from, { year });
  if (!first || rest.length > 0) return [item];
  const last = readDay(to, { year: Number(first.slice(0, 4)), month: Number(first.slice(5, 7)) });
  if (!last || last < first || daysBetween(first, last) >= longestRange) return [item];
  const days: PlainDate[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** One day: `2027-02-05`, `2027/2/5`, `2027年2月5日`, `2月5日`, or (a range's end) `11日` / `11`. */
function readDay(text: string, defaults: { year: number; month?: number }): PlainDate | null {
  let match = /^(\d{4})(?:[-/.年])(\d{1,2})(?:[-/.月])(\d{1,2})日?$/.exec(text);
  let parts: [number, number, number] | null = match
    ? [Number(match[1]), Number(match[2]), Number(match[3])]
    : null;
  match = parts ? null : /^(\d{1,2})月(\d{1,2})日?$/.exec(text);
  if (match) parts = [defaults.year, Number(match[1]), Number(match[2])];
  match = parts || defaults.month === undefined ? null : /^(\d{1,2})日?$/.exec(text);
  if (match && defaults.month !== undefined) parts = [defaults.year, defaults.month, Number(match[1])];
  if (!parts) return null;
  const date = `${parts[0]}-${pad(parts[1])}-${pad(parts[2])}`;
  return isPlainDate(date) ? date : null;
}

/** A list of dates written back for the form: runs of consecutive days as ranges, one a line. */
export function textFromDates(dates: readonly PlainDate[]): string {
  const lines: string[] = [];
  let start: PlainDate | null = null;
  let previous: PlainDate | null = null;
  const close = () => {
    if (start && previous) lines.push(start === previous ? start : `${start} 至 ${previous}`);
  };
  for (const date of [...dates].sort()) {
    if (previous && addDays(previous, 1) === date) {
      previous = date;
      continue;
    }
    close();
    start = date;
    previous = date;
  }
  close();
  return lines.join('\n');
}
