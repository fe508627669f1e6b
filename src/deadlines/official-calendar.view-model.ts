import type { TFunction } from 'i18next';
import { formatMoment } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import { type CalendarYearEntry, calendarSources } from './calendar-year';
import { textFromDates } from './official-calendar.forms';
import { addDays, weekdayOf } from './plain-date';
import { statutoryHolidaysOf } from './statutory-holidays';

interface ViewContext {
  t: TFunction;
  locale: Locale;
}

/** Who entered a year when, in words: "admin · 2026年12月3日 10:00", or "installed with the system". */
function enteredText(entry: CalendarYearEntry, { t, locale }: ViewContext) {
  if (!entry.enteredAt) return { by: '', at: '' };
  if (!entry.enteredBy) return { by: t('calendar.filledFrom'), at: entry.note ?? '' };
  return { by: entry.enteredBy.username ?? '', at: formatMoment(entry.enteredAt, locale) };
}

/** The calendar page: the years entered and the coming years still counted by the statutory days alone. */
export function calendarListView(
  entries: CalendarYearEntry[],
  comingYears: CalendarYearEntry[],
  context: ViewContext,
) {
  const { t } = context;
  const entered = new Set(entries.map((entry) => entry.year));
  return [...entries, ...comingYears.filter((entry) => !entered.has(entry.year))]
    .sort((a, b) => b.year - a.year)
    .map((entry) => ({
      year: entry.year,
      url: `/admin/calendar/${entry.year}`,
      sourceLabel: t(`calendar.sources.${entry.source}`),
      provisional: entry.source === 'statutory',
      holidays: entry.holidays.length,
      workdays: entry.workdays.length,
      note: entry.note && entry.enteredBy ? entry.note : '',
      entered: entry.enteredAt ? enteredText(entry, context) : null,
    }));
}

/** The form of one year: what is entered (or the statutory days), the statutory days named, a month-by-month preview. */
export function calendarYearView(
  entry: CalendarYearEntry,
  values: Record<string, unknown> | null,
  context: ViewContext,
) {
  const { t } = context;
  const chosenSource =
    typeof values?.source === 'string' ? values.source : entry.enteredAt ? entry.source : 'notice';
  return {
    year: entry.year,
    action: `/admin/calendar/${entry.year}`,
    values: values ?? {
      holidays: textFromDates(entry.holidays),
      workdays: textFromDates(entry.workdays),
      note: entry.note && entry.enteredBy ? entry.note : '',
    },
    sourceOptions: calendarSources.map((source) => ({
      value: source,
      label: t(`calendar.sources.${source}`),
      selected: source === chosenSource,
    })),
    current: {
      sourceLabel: t(`calendar.sources.${entry.source}`),
      entered: entry.enteredAt ? enteredText(entry, context) : null,
    },
    statutory: statutoryHolidaysOf(entry.year).map((holiday) => ({
      date: holiday.date,
      festival: t(`calendar.festivals.${holiday.festival}`),
    })),
    weekdays: t('calendar.weekdays').split(' '),
    months: monthsOf(entry),
  };
}

/** Twelve month tables, Monday first, each day marked off, worked (调休) or neither. */
function monthsOf(entry: CalendarYearEntry) {
  const off = new Set(entry.holidays);
  const worked = new Set(entry.workdays);
  return Array.from({ length: 12 }, (_, index) => {
    const month = index + 1;
    const first = `${entry.year}-${String(month).padStart(2, '0')}-01`;
    const weeks: Array<Array<{ day: number; kind: 'holiday' | 'workday' | 'weekend' | 'day' } | null>> = [];
    let week: (typeof weeks)[number] = Array((weekdayOf(first) + 6) % 7).fill(null);
    for (let date = first; date.slice(5, 7) === first.slice(5, 7); date = addDays(date, 1)) {
      const weekday = weekdayOf(date);
      const kind = off.has(date)
        ? 'holiday'
        : worked.has(date)
          ? 'workday'
          : weekday === 0 || weekday === 6
            ? 'weekend'
            : 'day';
      week.push({ day: Number(date.slice(8)), kind });
      if (week.length === 7) {
        weeks.push(week);
        week = [];
      }
    }
    if (week.length > 0) weeks.push([...week, ...Array(7 - week.length).fill(null)]);
    return { month, weeks };
  });
}
