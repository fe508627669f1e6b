import {
  officialCalendar,
  officiallyCoveredYears,
  todayInShanghai,
  WorkingCalendar,
} from '../../src/deadlines/working-calendar';

describe('the working calendar (the State Council’s notices; the statutory holidays where none is entered)', () => {
  it('when asked about 2026 National Day, then 1–7 October are public holidays and the adjusted Saturday 10 October is a working day', () => {
    for (const day of ['01', '02', '03', '04', '05', '06', '07']) {
      expect(officialCalendar.isWorkingDay(`2026-10-${day}`)).toBe(false);
      expect(officialCalendar.isPublicHoliday(`2026-10-${day}`)).toBe(true);
    }
    expect(officialCalendar.isWorkingDay('2026-10-08')).toBe(true);
    expect(officialCalendar.isWorkingDay('2026-09-20')).toBe(true); // a Sunday worked for National Day
    expect(officialCalendar.isWorkingDay('2026-10-10')).toBe(true); // a Saturday worked for National Day
    expect(officialCalendar.isPublicHoliday('2026-10-10')).toBe(false);
  });

  it('when asked about the 2026 Spring Festival, then 15–23 February are off and the Saturdays 14 and 28 February are worked', () => {
    expect(officialCalendar.isWorkingDay('2026-02-14')).toBe(true);
    for (let day = 15; day <= 23; day++) expect(officialCalendar.isWorkingDay(`2026-02-${day}`)).toBe(false);
    expect(officialCalendar.isWorkingDay('2026-02-24')).toBe(true);
    expect(officialCalendar.isWorkingDay('2026-02-28')).toBe(true);
  });

  it('when a day is an ordinary weekend, then it is a public holiday in the sense of §85; an ordinary weekday is a working day', () => {
    expect(officialCalendar.isPublicHoliday('2026-03-07')).toBe(true); // Saturday
    expect(officialCalendar.isPublicHoliday('2026-03-08')).toBe(true); // Sunday
    expect(officialCalendar.isWorkingDay('2026-03-09')).toBe(true); // Monday
  });

  it('when asked which years the data cover, then 2004 to 2026 are covered, with the 2025 holidays too', () => {
    const years = officiallyCoveredYears();

    expect(years[0]).toBe(2004);
    expect(years).toEqual(expect.arrayContaining([2024, 2025, 2026]));
    expect(officialCalendar.coversYear(2025)).toBe(true);
    expect(officialCalendar.coversYear(2026)).toBe(true);
    expect(officialCalendar.isWorkingDay('2025-10-08')).toBe(false); // 2025 National Day ran 1–8 October
    expect(officialCalendar.isWorkingDay('2025-09-28')).toBe(true); // a Sunday worked in 2025
  });

  it('when a year has no notice (全国年节及纪念日放假办法 第二条), then it is uncovered, its statutory holidays are off and the rest is Monday–Friday', () => {
    expect(officialCalendar.coversYear(2099)).toBe(false);
    expect(officialCalendar.sourceOf(2099)).toBe('statutory');
    expect(officialCalendar.isWorkingDay('2099-10-01')).toBe(false); // a Thursday, 国庆节
    expect(officialCalendar.isWorkingDay('2099-10-05')).toBe(true); // a Monday: no bridging without a notice
    expect(officialCalendar.isWorkingDay('2099-10-03')).toBe(false); // a Saturday
    expect(officialCalendar.isWorkingDay('2027-01-01')).toBe(false); // a Friday, 元旦
    expect(officialCalendar.isWorkingDay('2027-02-05')).toBe(false); // 除夕, a Friday
    expect(officialCalendar.isWorkingDay('2027-02-08')).toBe(false); // 初三, a Monday
    expect(officialCalendar.isWorkingDay('2027-02-09')).toBe(true); // 初四: only a notice gives it off
    expect(officialCalendar.yearDays(2027)).toEqual({
      year: 2027,
      source: 'statutory',
      holidays: [
        '2027-01-01',
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-04-05',
        '2027-05-01',
        '2027-05-02',
        '2027-06-09',
        '2027-09-15',
        '2027-10-01',
        '2027-10-02',
        '2027-10-03',
      ],
      workdays: [],
    });
  });

  it('when a year’s notice is entered, then it is covered and its days replace the statutory ones; other years stay as they were', () => {
    const entered = officialCalendar.withYear({
      year: 2027,
      source: 'notice',
      holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-02-05', '2027-02-09'],
      workdays: ['2027-02-20'],
    });

    expect(entered.coversYear(2027)).toBe(true);
    expect(entered.sourceOf(2027)).toBe('notice');
    expect(entered.isWorkingDay('2027-02-09')).toBe(false);
    expect(entered.isWorkingDay('2027-02-20')).toBe(true); // an adjusted working Saturday
    expect(entered.isWorkingDay('2026-10-08')).toBe(true);
    expect(officialCalendar.coversYear(2027)).toBe(false); // the calendar it came from is untouched
  });

  it('when a year is entered as statutory (no notice yet), then its days count but deadlines across it stay provisional', () => {
    const entered = officialCalendar.withYear({
      ...officialCalendar.yearDays(2027),
      holidays: ['2027-01-04'],
    });

    expect(entered.isWorkingDay('2027-01-04')).toBe(false);
    expect(entered.coversYear(2027)).toBe(false);
  });

  it('when days are set apart by hand, then they win over the official data', () => {
    const calendar = officialCalendar.withOverrides([
      { date: '2026-10-08', working: false },
      { date: '2026-10-03', working: true },
    ]);

    expect(calendar.isWorkingDay('2026-10-08')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-03')).toBe(true);
    expect(calendar.isWorkingDay('2026-10-09')).toBe(true);
    expect(officialCalendar.isWorkingDay('2026-10-08')).toBe(true); // the official calendar is untouched
  });

  it('when days set apart are added later, then the newer entry for a date wins and declared years count as covered', () => {
    const before = new WorkingCalendar({ overrides: [{ date: '2099-01-01', working: true }] });

    const after = before.withOverrides([{ date: '2099-01-01', working: false }], [2099]);

    expect(before.isWorkingDay('2099-01-01')).toBe(true);
    expect(after.isWorkingDay('2099-01-01')).toBe(false);
    expect(before.coversYear(2099)).toBe(false);
    expect(after.coversYear(2099)).toBe(true);
  });

  it('when given something that is not a real YYYY-MM-DD day, then it refuses', () => {
    expect(() => officialCalendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => officialCalendar.isWorkingDay('2026-2-3')).toThrow(RangeError);
    expect(() => new WorkingCalendar({ overrides: [{ date: '10/01/2026', working: false }] })).toThrow(
      RangeError,
    );
  });

  it('when it is past 16:00 UTC, then it is already the next day in Shanghai', () => {
    expect(todayInShanghai(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
    expect(todayInShanghai(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
    expect(todayInShanghai(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
  });

  it('asked back and forth across midnight, answers each instant its own day (the day asked last is kept)', () => {
    const before = new Date('2026-09-30T15:59:59.999Z');
    const midnight = new Date('2026-09-30T16:00:00.000Z');
    for (const [at, day] of [
      [before, '2026-09-30'],
      [midnight, '2026-10-01'],
      [before, '2026-09-30'],
      [new Date('2026-10-01T15:59:59.999Z'), '2026-10-01'],
      [new Date('2026-10-01T16:00:00.000Z'), '2026-10-02'],
      [new Date('1991-07-01T15:30:00Z'), '1991-07-02'],
      [midnight, '2026-10-01'],
    ] as const)
      expect({ at: at.toISOString(), day: todayInShanghai(at) }).toEqual({ at: at.toISOString(), day });
  });

  it('answers the date the time-zone database gives, in the summer-time years (1986–1991) and since', () => {
    const zone = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', dateStyle: 'short' });
    const step = (7 * 60 + 13) * 60 * 1000; // 7 h 13 min: every hour of the day, over the years
    for (let ms = Date.UTC(1985, 0, 1); ms < Date.UTC(2040, 0, 1); ms += step) {
      const at = new Date(ms);
      if (todayInShanghai(at) !== zone.format(at))
        throw new Error(`${at.toISOString()}: ${todayInShanghai(at)}`);
    }
    expect(todayInShanghai(new Date('1991-07-01T15:30:00Z'))).toBe('1991-07-02'); // summer time: UTC+9
    expect(todayInShanghai(new Date('1992-07-01T15:30:00Z'))).toBe('1992-07-01');
  });
});
