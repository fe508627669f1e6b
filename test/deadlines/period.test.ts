import { dueDate, nthCountedDay } from '../../src/deadlines/period';
import { officialCalendar } from '../../src/deadlines/working-calendar';

describe('counting a period per 民事诉讼法 §85', () => {
  it('when a 1-day period starts on a Monday, then the start day is not counted and it ends on Tuesday', () => {
    expect(dueDate('2026-03-02', 1, 'calendar', officialCalendar)).toBe('2026-03-03');
  });

  it('when a 15-calendar-day period ends on an ordinary working day, then that day is the due date', () => {
    expect(dueDate('2026-03-02', 15, 'calendar', officialCalendar)).toBe('2026-03-17');
  });

  it('when a calendar-day period’s last day is 2026-10-01 (National Day), then it ends on the next working day, 8 October', () => {
    expect(nthCountedDay('2026-09-16', 15, 'calendar', officialCalendar)).toBe('2026-10-01');

    expect(dueDate('2026-09-16', 15, 'calendar', officialCalendar)).toBe('2026-10-08');
  });

  it('when a calendar-day period’s last day is an ordinary Saturday, then it ends on the Monday', () => {
    expect(dueDate('2026-03-06', 15, 'calendar', officialCalendar)).toBe('2026-03-23');
  });

  it('when a calendar-day period’s last day is an adjusted working Saturday (调休), then it ends that Saturday', () => {
    expect(dueDate('2026-09-25', 15, 'calendar', officialCalendar)).toBe('2026-10-10');
  });

  it('when a working-day period crosses the 2026 Spring Festival, then the holidays are skipped and the 调休 Saturday counts', () => {
    // 11, 12, 13 February, Saturday 14 February (worked), then 15–23 off: the 5th working day is 24 February
    expect(dueDate('2026-02-10', 5, 'working', officialCalendar)).toBe('2026-02-24');
    // 30 working days, as for a medical mediation accepted on 10 February 2026
    expect(dueDate('2026-02-10', 30, 'working', officialCalendar)).toBe('2026-03-30');
  });

  it('when a working-day period starts on a holiday, then counting begins with the first working day after it', () => {
    // 8, 9, Saturday 10 October (worked), 12, 13 October
    expect(dueDate('2026-10-01', 5, 'working', officialCalendar)).toBe('2026-10-13');
  });

  it('when the holiday table is changed to close 8 October 2026, then a period ending on National Day moves to 9 October', () => {
    const notice = officialCalendar.yearDays(2026);
    const changed = officialCalendar.withYear({ ...notice, holidays: [...notice.holidays, '2026-10-08'] });

    expect(dueDate('2026-09-16', 15, 'calendar', changed)).toBe('2026-10-09');
    expect(dueDate('2026-10-01', 5, 'working', changed)).toBe('2026-10-14');
  });

  it('when a period is not a whole number of days of at least one, then it refuses', () => {
    expect(() => dueDate('2026-03-02', 0, 'calendar', officialCalendar)).toThrow(RangeError);
    expect(() => dueDate('2026-03-02', 1.5, 'working', officialCalendar)).toThrow(RangeError);
    expect(() => dueDate('2026-13-02', 5, 'working', officialCalendar)).toThrow(RangeError);
  });
});
