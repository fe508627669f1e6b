import { addMonths, countedDaysOf, dueDate, dueDateOf, nthCountedDay } from '../../src/deadlines/period';
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

describe('counting a period in months per 民法典 §202 and 民事诉讼法 §85', () => {
  const oneMonth = { months: 1, basis: 'calendar' } as const;

  it('民法典 第二百零二条: a month from 31 January ends on the last day of February (28 days in 2026, 29 in 2028)', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addMonths('2026-12-03', 1)).toBe('2027-01-03');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(countedDaysOf(oneMonth, '2026-01-31')).toBe(28);
    expect(countedDaysOf(oneMonth, '2026-03-02')).toBe(31);
    expect(countedDaysOf({ days: 15, basis: 'calendar' }, '2026-01-31')).toBe(15);
  });

  it('人民调解工作若干规定 第三十三条 (one month), accepted 2026-01-31: due on 2026-02-28, an adjusted working Saturday (调休), so it does not roll', () => {
    expect(officialCalendar.isWorkingDay('2026-02-28')).toBe(true);

    expect(dueDateOf('2026-01-31', oneMonth, officialCalendar)).toBe('2026-02-28');
  });

  it('人民调解工作若干规定 第三十三条, accepted 2026-01-14: the month ends on Saturday 14 February, a 调休 working day, and is due that day', () => {
    expect(dueDateOf('2026-01-14', oneMonth, officialCalendar)).toBe('2026-02-14');
  });

  it('民事诉讼法 第八十五条: a month ending on 2026-10-01 (National Day) rolls to the next working day, 8 October', () => {
    expect(dueDateOf('2026-09-01', oneMonth, officialCalendar)).toBe('2026-10-08');
  });

  it('人民调解工作若干规定 第三十三条, accepted 2026-12-01: the month ends on 1 January 2027, New Year’s Day by law (全国年节及纪念日放假办法 第二条) though 2027’s notice is not out, and rolls past the weekend to Monday 4 January', () => {
    expect(officialCalendar.coversYear(2027)).toBe(false);
    expect(officialCalendar.isWorkingDay('2027-01-01')).toBe(false);

    expect(countedDaysOf(oneMonth, '2026-12-01')).toBe(31);
    expect(dueDateOf('2026-12-01', oneMonth, officialCalendar)).toBe('2027-01-04');
  });

  it('民事诉讼法 第八十五条: a month from 2026-02-01 ends on Sunday 1 March and rolls to Monday 2 March', () => {
    expect(dueDateOf('2026-02-01', oneMonth, officialCalendar)).toBe('2026-03-02');
  });

  it('when a month runs into 2027, a year with no notice, then it ends on Sunday 3 January and rolls past the weekend to Monday 4 January', () => {
    expect(dueDateOf('2026-12-03', oneMonth, officialCalendar)).toBe('2027-01-04');
  });
});
