import { LunarDay, SolarTerm } from 'tyme4ts';
import type { LegalSource } from '../workflows/rules/dispute-rules.types';
import { legalInstrument } from '../workflows/rules/legal-source';
import { addDays, type PlainDate } from './plain-date';

/**
 * The statutory holidays (法定节假日) of 全国年节及纪念日放假办法 §2: the days off the law
 * itself gives every citizen, whatever the State Council's yearly notice adds around them
 * (bridging days, adjusted working weekends). For a year whose notice is not entered they
 * are the only holidays the calendar knows (see working-calendar.ts).
 *
 * The article as data, one row per revision, each with the decree that made it. The lunar
 * days (春节, 端午, 中秋) and the 清明 solar term come from tyme4ts, never from a hand table.
 */

export const holidayMeasures = legalInstrument({
  zh: '全国年节及纪念日放假办法',
  en: 'Measures on National Annual Festivals and Memorial Days Holidays',
});

/** The festivals of §2 (every revision names them in this order). */
export const festivals = [
  'newYear', // 元旦 (新年 before 2025)
  'springFestival', // 春节
  'qingming', // 清明节
  'labourDay', // 劳动节
  'dragonBoat', // 端午节
  'midAutumn', // 中秋节
  'nationalDay', // 国庆节
] as const;
export type Festival = (typeof festivals)[number];

/** How the law names one day of a festival. */
export type FestivalDay =
  | { calendar: 'solar'; month: number; day: number }
  | { calendar: 'lunar'; month: number; day: number }
  /** 除夕: the last day of the lunar year, the day before 正月初一 (the 29th or the 30th of the 12th month). */
  | { calendar: 'lunarNewYearsEve' }
  /** The day of a solar term in China's time (清明当日). */
  | { calendar: 'solarTerm'; term: '清明' };

export interface StatutoryHolidayRevision {
  /** The first day this wording of §2 applies to. */
  effectiveFrom: PlainDate;
  source: LegalSource;
  days: ReadonlyArray<{ festival: Festival; day: FestivalDay }>;
}

const solar = (festival: Festival, month: number, ...days: number[]) =>
  days.map((day) => ({ festival, day: { calendar: 'solar' as const, month, day } }));
const lunar = (festival: Festival, month: number, ...days: number[]) =>
  days.map((day) => ({ festival, day: { calendar: 'lunar' as const, month, day } }));
const newYearsEve = { festival: 'springFestival' as const, day: { calendar: 'lunarNewYearsEve' as const } };
const qingmingDay = {
  festival: 'qingming' as const,
  day: { calendar: 'solarTerm' as const, term: '清明' as const },
};

const article2 = (decree: { zh: string; en: string }): LegalSource => ({
  zh: `${holidayMeasures.article(2).zh}（${decree.zh}）`,
  en: `${holidayMeasures.article(2).en} (${decree.en})`,
});

/**
 * §2 as revised over the years, oldest first (texts read from the decrees):
 * - 1999 (国务院令第270号, in force 1999-09-18): 新年 1; 春节 3 (正月初一至初三); 劳动节 3 (5月1日至3日); 国庆节 3;
 * - 2007 (国务院令第513号, in force 2008-01-01): 春节 除夕、初一、初二; 清明、端午、中秋 1 each; 劳动节 1;
 * - 2013 (国务院令第644号, in force 2014-01-01): 春节 back to 正月初一至初三;
 * - 2024 (国务院令第795号, in force 2025-01-01): 春节 4 (除夕、正月初一至初三); 劳动节 2 (5月1日、2日).
 * Days before the first row are counted by it: the app holds no clock that old.
 */
export const statutoryHolidayRevisions: readonly StatutoryHolidayRevision[] = [
  {
    effectiveFrom: '1999-09-18',
    source: article2({
      zh: '1999年修订，国务院令第270号',
      en: '1999 revision, State Council Decree No. 270',
    }),
    days: [
      ...solar('newYear', 1, 1),
      ...lunar('springFestival', 1, 1, 2, 3),
      ...solar('labourDay', 5, 1, 2, 3),
      ...solar('nationalDay', 10, 1, 2, 3),
    ],
  },
  {
    effectiveFrom: '2008-01-01',
    source: article2({
      zh: '2007年修订，国务院令第513号',
      en: '2007 revision, State Council Decree No. 513',
    }),
    days: [
      ...solar('newYear', 1, 1),
      newYearsEve,
      ...lunar('springFestival', 1, 1, 2),
      qingmingDay,
      ...solar('labourDay', 5, 1),
      ...lunar('dragonBoat', 5, 5),
      ...lunar('midAutumn', 8, 15),
      ...solar('nationalDay', 10, 1, 2, 3),
    ],
  },
  {
    effectiveFrom: '2014-01-01',
    source: article2({
      zh: '2013年修订，国务院令第644号',
      en: '2013 revision, State Council Decree No. 644',
    }),
    days: [
      ...solar('newYear', 1, 1),
      ...lunar('springFestival', 1, 1, 2, 3),
      qingmingDay,
      ...solar('labourDay', 5, 1),
      ...lunar('dragonBoat', 5, 5),
      ...lunar('midAutumn', 8, 15),
      ...solar('nationalDay', 10, 1, 2, 3),
    ],
  },
  {
    effectiveFrom: '2025-01-01',
    source: article2({
      zh: '2024年修订，国务院令第795号',
      en: '2024 revision, State Council Decree No. 795',
    }),
    days: [
      ...solar('newYear', 1, 1),
      newYearsEve,
      ...lunar('springFestival', 1, 1, 2, 3),
      qingmingDay,
      ...solar('labourDay', 5, 1, 2),
      ...lunar('dragonBoat', 5, 5),
      ...lunar('midAutumn', 8, 15),
      ...solar('nationalDay', 10, 1, 2, 3),
    ],
  },
];

/** One statutory holiday of a year, with the festival and the wording of §2 it comes from. */
export interface StatutoryHoliday {
  date: PlainDate;
  festival: Festival;
  source: LegalSource;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');
const plainDateOf = (day: { getYear(): number; getMonth(): number; getDay(): number }): PlainDate =>
  `${day.getYear()}-${twoDigits(day.getMonth())}-${twoDigits(day.getDay())}`;

/**
 * The Gregorian date of a festival day in `year`. A lunar day is taken in the lunar year
 * that begins in `year` (正月初一 always falls between 21 January and 20 February, so its
 * 除夕, 端午 and 中秋 fall in `year` too); the 5th and the 8th month are the ordinary ones,
 * never a leap month (闰月), as custom has it.
 */
export function dateOfFestivalDay(year: number, day: FestivalDay): PlainDate {
  switch (day.calendar) {
    case 'solar':
      return `${year}-${twoDigits(day.month)}-${twoDigits(day.day)}`;
    case 'lunar':
      return plainDateOf(LunarDay.fromYmd(year, day.month, day.day).getSolarDay());
    case 'lunarNewYearsEve':
      return addDays(plainDateOf(LunarDay.fromYmd(year, 1, 1).getSolarDay()), -1);
    case 'solarTerm':
      return plainDateOf(SolarTerm.fromName(year, day.term).getJulianDay().getSolarDay());
  }
}

/** The wording of §2 in force on `date`. */
export function revisionInForceOn(date: PlainDate): StatutoryHolidayRevision {
  let found = statutoryHolidayRevisions[0];
  for (const revision of statutoryHolidayRevisions) if (revision.effectiveFrom <= date) found = revision;
  return found;
}

const byYear = new Map<number, readonly StatutoryHoliday[]>();

/**
 * The statutory holidays of `year`, in date order: each day the wording in force on that
 * day names (a revision in force from mid-year counts from its first day). Computed once
 * per year and kept.
 */
export function statutoryHolidaysOf(year: number): readonly StatutoryHoliday[] {
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new RangeError(`not a year: ${year}`);
  let holidays = byYear.get(year);
  if (!holidays) {
    const found = new Map<PlainDate, StatutoryHoliday>();
    for (const revision of statutoryHolidayRevisions) {
      for (const { festival, day } of revision.days) {
        const date = dateOfFestivalDay(year, day);
        if (revisionInForceOn(date) === revision)
          found.set(date, { date, festival, source: revision.source });
      }
    }
    holidays = Object.freeze([...found.values()].sort((a, b) => a.date.localeCompare(b.date)));
    byYear.set(year, holidays);
  }
  return holidays;
}

/** Just the dates of `statutoryHolidaysOf(year)`. */
export function statutoryHolidayDatesOf(year: number): PlainDate[] {
  return statutoryHolidaysOf(year).map((holiday) => holiday.date);
}
