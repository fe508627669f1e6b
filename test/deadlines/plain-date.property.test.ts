import fc from 'fast-check';
import { addDays, daysBetween, isPlainDate, weekdayOf } from '../../src/deadlines/plain-date';

/**
 * Plain dates (src/deadlines/plain-date.ts) are read character by character, with no
 * regular expression or `Date` made (every deadline walks its period a day at a time
 * through them). They must read exactly as the reading by pattern and `Date` did: the same
 * days real, the same texts refused, the same weekday and the same arithmetic.
 */
const byPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The reading before: a pattern, then `Date.UTC` and back, refusing what rolls over. */
function utcMsByDate(text: string): number {
  const match = byPattern.exec(text);
  if (!match) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day
    ? ms
    : Number.NaN;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
/** Texts shaped like a date, most of them real days, some not (day 31 of a short month, 29 February, month 13, year 0050). */
const dateLikeArb = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([year, month, day]) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
/** Texts that are nearly dates: a character changed, added or dropped. */
const nearlyArb = fc
  .tuple(
    dateLikeArb,
    fc.integer({ min: 0, max: 10 }),
    fc.constantFrom('', '1', '-', ' ', '\n', '٣', '１', '/', 'a'),
  )
  .map(([text, at, put]) => `${text.slice(0, at)}${put}${text.slice(at + 1)}`);

describe('plain dates, read without a pattern', () => {
  it('takes as real the same texts the pattern and Date took, at the same day', () => {
    fc.assert(
      fc.property(fc.oneof(dateLikeArb, nearlyArb, fc.string({ maxLength: 12 })), (text) => {
        const before = utcMsByDate(text);
        expect(isPlainDate(text)).toBe(!Number.isNaN(before));
        if (!Number.isNaN(before)) {
          expect(weekdayOf(text)).toBe(new Date(before).getUTCDay());
          expect(addDays(text, 0)).toBe(text);
          expect(daysBetween('2000-01-01', text)).toBe(
            Math.round((before - Date.UTC(2000, 0, 1)) / 86_400_000),
          );
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('knows the edges: leap days, short months, centuries, and years before 100', () => {
    for (const real of ['2024-02-29', '2000-02-29', '2026-04-30', '1600-02-29', '0100-01-01', '9999-12-31'])
      expect(isPlainDate(real)).toBe(true);
    for (const not of [
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '0099-12-31',
      '2026-1-01',
      '2026-01-01\n',
      '２０２６-01-01',
    ])
      expect(isPlainDate(not)).toBe(false);
    // 1970-01-01 was a Thursday, 1969-12-31 a Wednesday; 2026-10-10 (a 调休 Saturday) a Saturday
    expect([weekdayOf('1970-01-01'), weekdayOf('1969-12-31'), weekdayOf('2026-10-10')]).toEqual([4, 3, 6]);
    expect(weekdayOf('2026-02-30')).toBeNaN();
    // what is not a string at all (a null column, a missing field) is no day either: NaN, not a TypeError
    for (const notText of [null, undefined, 20260101, new Date('2026-01-01')] as unknown as string[]) {
      expect(isPlainDate(notText)).toBe(false);
      expect(weekdayOf(notText)).toBeNaN();
      expect(daysBetween('2026-01-01', notText)).toBeNaN();
    }
  });
});
