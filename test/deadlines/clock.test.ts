import { type DeadlineClock, readClock, warningDayCount } from '../../src/deadlines/clock';
import { officialCalendar, WorkingCalendar } from '../../src/deadlines/working-calendar';

/** A labour-style clock: 15 calendar days from Monday 2 March 2026, unless told otherwise. */
function clockOf(overrides: Partial<DeadlineClock> = {}): DeadlineClock {
  return { startedOn: '2026-03-02', days: 15, basis: 'calendar', pauses: [], ...overrides };
}

describe('a deadline clock', () => {
  it('when it runs without pauses, then it gives the due date, the days left and the 80 % warning date', () => {
    const reading = readClock(clockOf(), '2026-03-10', officialCalendar);

    expect(reading).toEqual({
      due: '2026-03-17',
      warningOn: '2026-03-14', // the 12th of 15 days
      paused: false,
      provisional: false,
      overdue: false,
      daysLeft: 7,
    });
  });

  it('when today is the due date, then it is not overdue yet: the period ends at the end of that day', () => {
    expect(readClock(clockOf(), '2026-03-17', officialCalendar)).toMatchObject({
      overdue: false,
      daysLeft: 0,
    });
  });

  it('when today is past the due date, then it is overdue by the days since', () => {
    expect(readClock(clockOf(), '2026-03-20', officialCalendar)).toMatchObject({
      overdue: true,
      overdueBy: 3,
    });
  });

  it('when the 80 % point is computed, then it is rounded up to a whole counted day without floating-point drift', () => {
    expect(warningDayCount(15)).toBe(12);
    expect(warningDayCount(30)).toBe(24);
    expect(warningDayCount(60)).toBe(48);
    expect(warningDayCount(5)).toBe(4);
    expect(warningDayCount(1)).toBe(1);
  });

  it('when a working-day clock runs, then its warning date is the 24th of 30 working days', () => {
    const reading = readClock(clockOf({ days: 30, basis: 'working' }), '2026-03-02', officialCalendar);

    // Qingming (4–6 April 2026) is skipped
    expect(reading).toMatchObject({ due: '2026-04-14', warningOn: '2026-04-03' });
  });

  it('when a calendar clock was suspended on the 5th and resumed on the 9th, then those 4 days push the due date on, past a weekend', () => {
    const reading = readClock(
      clockOf({ pauses: [{ from: '2026-03-05', to: '2026-03-09' }] }),
      '2026-03-10',
      officialCalendar,
    );

    // 17 March + 4 days = Saturday 21 March → §85: Monday 23 March
    expect(reading).toMatchObject({
      due: '2026-03-23',
      warningOn: '2026-03-18',
      paused: false,
      daysLeft: 13,
    });
  });

  it('when a working-day clock was paused for a week, then only the working days in the pause extend it', () => {
    const clock = clockOf({ days: 30, basis: 'working', pauses: [{ from: '2026-03-06', to: '2026-03-13' }] });

    // stopped 6 March and 9–12 March, 5 working days: 14 April → 21 April
    expect(readClock(clock, '2026-03-20', officialCalendar)).toMatchObject({
      due: '2026-04-21',
      warningOn: '2026-04-13',
    });
  });

  it('when a clock is suspended and resumed on the same day, then nothing moves', () => {
    const reading = readClock(
      clockOf({ pauses: [{ from: '2026-03-05', to: '2026-03-05' }] }),
      '2026-03-06',
      officialCalendar,
    );

    expect(reading.due).toBe('2026-03-17');
  });

  it('when a clock is paused now, then it says so and its due date assumes it resumes today, moving on each paused day', () => {
    const clock = clockOf({ pauses: [{ from: '2026-03-05' }] });

    const onTheTenth = readClock(clock, '2026-03-10', officialCalendar);
    const onTheTwelfth = readClock(clock, '2026-03-12', officialCalendar);

    // 5 paused days: 22 March, a Sunday → 23 March; 7 paused days: 24 March
    expect(onTheTenth).toMatchObject({ paused: true, due: '2026-03-23', overdue: false, daysLeft: 13 });
    expect(onTheTwelfth).toMatchObject({ paused: true, due: '2026-03-24', overdue: false, daysLeft: 12 });
  });

  it('when a clock is suspended on its last day, then it does not run out while suspended', () => {
    const clock = clockOf({ pauses: [{ from: '2026-03-17' }] });

    expect(readClock(clock, '2026-03-20', officialCalendar)).toMatchObject({
      due: '2026-03-20',
      paused: true,
      overdue: false,
      daysLeft: 0,
    });
    // resumed on the 20th: that day is the one left to run
    expect(
      readClock(
        clockOf({ pauses: [{ from: '2026-03-17', to: '2026-03-20' }] }),
        '2026-03-20',
        officialCalendar,
      ).due,
    ).toBe('2026-03-20');
  });

  it('when a clock is paused only after its period ran out, then the pause does not revive it', () => {
    const clock = clockOf({ pauses: [{ from: '2026-03-18' }] });

    expect(readClock(clock, '2026-03-20', officialCalendar)).toMatchObject({
      due: '2026-03-17',
      paused: true,
      overdue: true,
      overdueBy: 3,
    });
  });

  it('when the holiday table changes, then the same clock reads a new due date', () => {
    const clock = clockOf({ startedOn: '2026-09-16' });
    const notice = officialCalendar.yearDays(2026);
    const changed = officialCalendar.withYear({ ...notice, holidays: [...notice.holidays, '2026-10-08'] });

    expect(readClock(clock, '2026-09-20', officialCalendar).due).toBe('2026-10-08');
    expect(readClock(clock, '2026-09-20', changed).due).toBe('2026-10-09');
  });

  it('when the period runs into a year with no official holidays, then the reading is provisional until that year is entered', () => {
    const clock = clockOf({ startedOn: '2099-03-02' });

    expect(readClock(clock, '2099-03-03', officialCalendar).provisional).toBe(true);
    expect(readClock(clock, '2099-03-03', new WorkingCalendar({ coveredYears: [2099] })).provisional).toBe(
      false,
    );
  });

  it('when the pauses cannot have happened, then it refuses rather than guess', () => {
    const read = (pauses: DeadlineClock['pauses']) => () =>
      readClock(clockOf({ pauses }), '2026-03-10', officialCalendar);

    expect(read([{ from: '2026-03-01', to: '2026-03-03' }])).toThrow(/before the clock started/);
    expect(read([{ from: '2026-03-05' }, { from: '2026-03-07', to: '2026-03-08' }])).toThrow(
      /open but is not the last/,
    );
    expect(read([{ from: '2026-03-05', to: '2026-03-08' }, { from: '2026-03-07' }])).toThrow(
      /before .* last pause ended/,
    );
    expect(read([{ from: '2026-03-06', to: '2026-03-05' }])).toThrow(/before it starts/);
    expect(read([{ from: '2026-03-05', to: '2026-03-12' }])).toThrow(/ends 2026-03-12, after today/);
    expect(read([{ from: '2026-03-11' }])).toThrow(/starts 2026-03-11, after today/);
  });
});
