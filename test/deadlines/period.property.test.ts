import officialDays from 'chinese-days/dist/chinese-days.json';
import fc from 'fast-check';
import { dueDate, type NotCounted, nthCountedDay } from '../../src/deadlines/period';
import { addDays, daysBetween, type PlainDate, weekdayOf } from '../../src/deadlines/plain-date';
import { officialCalendar, type WorkingCalendar } from '../../src/deadlines/working-calendar';
import type { DayBasis } from '../../src/workflows/rules/dispute-rules.types';

/**
 * Counting periods per 民事诉讼法 §85 (src/deadlines/period.ts), as properties over
 * start dates in 2024–2026, periods of 1–60 days on either basis, and any days the
 * clock was stopped (suspensions).
 */

const firstDay = '2024-01-01';
const daysIn2024To2026 = daysBetween(firstDay, '2026-12-31');

const startArb = fc.integer({ min: 0, max: daysIn2024To2026 }).map((offset) => addDays(firstDay, offset));
const daysArb = fc.integer({ min: 1, max: 60 });
const basisArb = fc.constantFrom<DayBasis>('calendar', 'working');
/** Days the clock was stopped, as offsets from the start (the start day itself may be one). */
const pauseOffsetsArb = fc.uniqueArray(fc.integer({ min: 0, max: 180 }), { maxLength: 40 });

const periodArb = fc.record({ start: startArb, days: daysArb, basis: basisArb, pauses: pauseOffsetsArb });

function pausedOn(start: PlainDate, offsets: readonly number[]): NotCounted {
  const dates = new Set(offsets.map((offset) => addDays(start, offset)));
  return (date) => dates.has(date);
}

/** The days after `from` up to and including `to`. */
function daysAfter(from: PlainDate, to: PlainDate): PlainDate[] {
  return Array.from({ length: Math.max(0, daysBetween(from, to)) }, (_, index) => addDays(from, index + 1));
}

/** 调休: Saturdays and Sundays the State Council made working days, 2024–2026. */
const adjustedWorkingWeekends = Object.keys(officialDays.workdays)
  .filter((date) => date >= firstDay && date <= '2026-12-31')
  .sort();

const runs = { numRuns: 500 };

describe('counting a period per 民事诉讼法 §85, for any start, length, basis and suspensions', () => {
  it('when a period runs, then its due date is never before — nor on — the day it started', () => {
    fc.assert(
      fc.property(periodArb, ({ start, days, basis, pauses }) => {
        expect(dueDate(start, days, basis, officialCalendar, pausedOn(start, pauses)) > start).toBe(true);
      }),
      runs,
    );
  });

  it('when a calendar-day period ends, then it ends on a working day the clock was running, and counts exactly its days', () => {
    fc.assert(
      fc.property(startArb, daysArb, pauseOffsetsArb, (start, days, pauses) => {
        const paused = pausedOn(start, pauses);
        const lastDay = nthCountedDay(start, days, 'calendar', officialCalendar, paused);
        const due = dueDate(start, days, 'calendar', officialCalendar, paused);

        expect(daysAfter(start, lastDay).filter((date) => !paused(date))).toHaveLength(days);
        expect(officialCalendar.isWorkingDay(due)).toBe(true);
        expect(paused(due)).toBe(false);
        // moved off a public holiday (or a stopped day) to the next working day, no further
        for (const date of daysAfter(lastDay, due).slice(0, -1)) {
          expect(officialCalendar.isWorkingDay(date) && !paused(date)).toBe(false);
        }
        if (!paused(lastDay) && officialCalendar.isWorkingDay(lastDay)) expect(due).toBe(lastDay);
      }),
      runs,
    );
  });

  it('when a working-day period ends, then exactly its number of working days, stopped days excluded, lie after the start', () => {
    fc.assert(
      fc.property(startArb, daysArb, pauseOffsetsArb, (start, days, pauses) => {
        const paused = pausedOn(start, pauses);
        const due = dueDate(start, days, 'working', officialCalendar, paused);
        const counted = daysAfter(start, due).filter(
          (date) => officialCalendar.isWorkingDay(date) && !paused(date),
        );

        expect(counted).toHaveLength(days);
        expect(counted.at(-1)).toBe(due);
      }),
      runs,
    );
  });

  it('when one more day is suspended, then the due date never comes earlier', () => {
    fc.assert(
      fc.property(
        periodArb.chain((period) => fc.subarray(period.pauses).map((fewer) => ({ ...period, fewer }))),
        ({ start, days, basis, pauses, fewer }) => {
          const withFewer = dueDate(start, days, basis, officialCalendar, pausedOn(start, fewer));
          const withAll = dueDate(start, days, basis, officialCalendar, pausedOn(start, pauses));

          expect(withAll >= withFewer).toBe(true);
        },
      ),
      runs,
    );
  });

  it('when the start moves one day later, then the due date never comes earlier', () => {
    fc.assert(
      fc.property(periodArb, ({ start, days, basis, pauses }) => {
        const paused = pausedOn(start, pauses); // the same stopped days, whichever the start
        const due = dueDate(start, days, basis, officialCalendar, paused);
        const dueOneDayLater = dueDate(addDays(start, 1), days, basis, officialCalendar, paused);

        expect(dueOneDayLater >= due).toBe(true);
      }),
      runs,
    );
  });

  it('when a period spans an adjusted working weekend (调休), then that Saturday or Sunday counts as a working day', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...adjustedWorkingWeekends),
        fc.integer({ min: 1, max: 20 }),
        daysArb,
        basisArb,
        (adjusted, daysBefore, days, basis) => {
          const start = addDays(adjusted, -daysBefore);
          const due = dueDate(start, days, basis, officialCalendar);
          const withoutAdjustment = officialCalendar.withOverrides([{ date: adjusted, working: false }]);

          expect([0, 6]).toContain(weekdayOf(adjusted));
          expect(officialCalendar.isWorkingDay(adjusted)).toBe(true);
          if (basis === 'working' && adjusted <= due) {
            // it was one of the counted working days: were it a day off, the period would end later
            expect(dueDate(start, days, basis, withoutAdjustment) > due).toBe(true);
          }
          if (basis === 'calendar' && nthCountedDay(start, days, basis, officialCalendar) === adjusted) {
            // §85 does not move a period off a day that is worked
            expect(due).toBe(adjusted);
          }
        },
      ),
      runs,
    );
  });

  it('when the holiday table is overridden to close some days, then no due date comes earlier', () => {
    fc.assert(
      fc.property(
        periodArb,
        fc.uniqueArray(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 15 }),
        ({ start, days, basis, pauses }, closedOffsets) => {
          const paused = pausedOn(start, pauses);
          const closed: WorkingCalendar = officialCalendar.withOverrides(
            closedOffsets.map((offset) => ({ date: addDays(start, offset), working: false })),
          );

          const before = dueDate(start, days, basis, officialCalendar, paused);
          const after = dueDate(start, days, basis, closed, paused);

          expect(after >= before).toBe(true);
        },
      ),
      runs,
    );
  });
});
