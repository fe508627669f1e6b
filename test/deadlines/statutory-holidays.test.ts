import officialDays from 'chinese-days/dist/chinese-days.json';
import { chineseDaysYears } from '../../src/deadlines/chinese-days-years';
import { addDays } from '../../src/deadlines/plain-date';
import {
  type Festival,
  revisionInForceOn,
  statutoryHolidayDatesOf,
  statutoryHolidaysOf,
} from '../../src/deadlines/statutory-holidays';

/** chinese-days' own record of each notice: `{date: "English,中文,statutory days"}`. */
const published = officialDays as { holidays: Record<string, string>; workdays: Record<string, string> };

const datesOf = (year: number, festival: Festival) =>
  statutoryHolidaysOf(year)
    .filter((holiday) => holiday.festival === festival)
    .map((holiday) => holiday.date);

describe('the statutory holidays of 全国年节及纪念日放假办法 第二条, for years without a notice', () => {
  it('全国年节及纪念日放假办法 第二条 (2024 revision, in force 2025-01-01): 2027 has 元旦 1, 春节 4 (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3', () => {
    expect(datesOf(2027, 'newYear')).toEqual(['2027-01-01']);
    // 正月初一 is 2027-02-06, so 除夕 is 2027-02-05
    expect(datesOf(2027, 'springFestival')).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
    expect(datesOf(2027, 'qingming')).toEqual(['2027-04-05']);
    expect(datesOf(2027, 'labourDay')).toEqual(['2027-05-01', '2027-05-02']);
    expect(datesOf(2027, 'dragonBoat')).toEqual(['2027-06-09']);
    expect(datesOf(2027, 'midAutumn')).toEqual(['2027-09-15']);
    expect(datesOf(2027, 'nationalDay')).toEqual(['2027-10-01', '2027-10-02', '2027-10-03']);
    expect(statutoryHolidaysOf(2027)).toHaveLength(13);
    expect(statutoryHolidaysOf(2027)[0].source.zh).toBe(
      '全国年节及纪念日放假办法 第二条（2024年修订，国务院令第795号）',
    );
  });

  it('when 除夕 is the 29th of the last lunar month, then it is still the day before 正月初一 (2028: 初一 01-26)', () => {
    expect(datesOf(2028, 'springFestival')).toEqual(['2028-01-25', '2028-01-26', '2028-01-27', '2028-01-28']);
  });

  it('全国年节及纪念日放假办法 第二条 as revised in 1999, 2007 and 2013: 劳动节 3 days until 2007; 除夕 off 2008–2013, not 2014–2024; 清明, 端午, 中秋 from 2008', () => {
    expect(revisionInForceOn('2007-12-31').effectiveFrom).toBe('1999-09-18');
    expect(datesOf(2007, 'labourDay')).toEqual(['2007-05-01', '2007-05-02', '2007-05-03']);
    expect(datesOf(2007, 'qingming')).toEqual([]);
    expect(datesOf(2008, 'labourDay')).toEqual(['2008-05-01']);
    expect(datesOf(2008, 'qingming')).toEqual(['2008-04-04']);
    expect(datesOf(2013, 'springFestival')).toEqual(['2013-02-09', '2013-02-10', '2013-02-11']); // 除夕, 初一, 初二
    expect(datesOf(2014, 'springFestival')).toEqual(['2014-01-31', '2014-02-01', '2014-02-02']); // 初一 to 初三
    expect(published.workdays['2014-01-26']).toBeDefined(); // 2014: 除夕 (01-30, a Thursday) was not off by law…
    expect(published.holidays['2014-01-30']).toBeUndefined(); // …and the notice did not give it either
    expect(datesOf(2025, 'labourDay')).toEqual(['2025-05-01', '2025-05-02']);
  });

  it('when checked against every notice chinese-days publishes (2004–2026), then each day the law in force made a holiday is off in the notice', () => {
    const missing: string[] = [];
    for (let year = 2004; year <= 2026; year++) {
      for (const holiday of statutoryHolidaysOf(year))
        if (!published.holidays[holiday.date]) missing.push(`${holiday.date} ${holiday.festival}`);
    }
    // the 2012 notice gives 6月22日至24日 off (端午 fell on Saturday the 23rd); chinese-days 1.5.7 leaves the 23rd out
    expect(missing).toEqual(['2012-06-23 dragonBoat']);
    expect(chineseDaysYears().find((year) => year.year === 2012)?.holidays).toContain('2012-06-23');
  });

  it('when checked against the 2025 and 2026 notices in full, then each festival has as many statutory days as the notice says', () => {
    for (const year of [2025, 2026]) {
      const counts = new Map<string, number>();
      for (const [date, entry] of Object.entries(published.holidays)) {
        if (!date.startsWith(`${year}-`)) continue;
        const [, name, days] = entry.split(',');
        counts.set(name, Number(days));
      }
      const ours = (festival: Festival) => datesOf(year, festival).length;
      expect({
        元旦: ours('newYear'),
        春节: ours('springFestival'),
        清明: ours('qingming'),
        劳动节: ours('labourDay'),
        端午: ours('dragonBoat'),
        中秋: ours('midAutumn'),
        国庆节: ours('nationalDay'),
      }).toEqual(Object.fromEntries(counts));
    }
  });

  it('when the lunar days are asked for far ahead, then they come from the library for any year (2100: 初一 02-09)', () => {
    expect(datesOf(2100, 'springFestival')[1]).toBe('2100-02-09');
    expect(datesOf(2100, 'springFestival')[0]).toBe(addDays('2100-02-09', -1));
    expect(statutoryHolidayDatesOf(2100)).toHaveLength(13);
  });
});
