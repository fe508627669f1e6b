import type { TFunction } from 'i18next';
import { addDays, type PlainDate, startOfShanghaiDay, weekdayOf } from '../deadlines/plain-date';
import { todayInShanghai } from '../deadlines/working-calendar';
import { formatMoment, formatPlainDate } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import type { CalendarEntry } from './appointment';

export const calendarViews = ['week', 'month', 'list'] as const;
export type CalendarView = (typeof calendarViews)[number];
export type CalendarScope = 'mine' | 'unit';

/** How many days the list view shows from its first day (a phone's "what is coming"). */
const listDays = 14;

/** The days a view covers: a week from Monday, a month in whole weeks, a fortnight of list. */
export function rangeOf(view: CalendarView, date: PlainDate): { first: PlainDate; end: PlainDate } {
  const monday = (day: PlainDate) => addDays(day, -((weekdayOf(day) + 6) % 7));
  if (view === 'week') {
    const first = monday(date);
    return { first, end: addDays(first, 7) };
  }
  if (view === 'list') return { first: date, end: addDays(date, listDays) };
  const monthStart = `${date.slice(0, 7)}-01`;
  const nextMonth = addDays(monthStart, 32).slice(0, 7);
  const first = monday(monthStart);
  const lastMonday = monday(addDays(`${nextMonth}-01`, -1));
  return { first, end: addDays(lastMonday, 7) };
}

/** The moments a range spans (Asia/Shanghai days). */
export function momentsOf(range: { first: PlainDate; end: PlainDate }) {
  return { from: startOfShanghaiDay(range.first), to: startOfShanghaiDay(range.end) };
}

interface ViewContext {
  t: TFunction;
  locale: Locale;
  now: Date;
  canChange: (entry: CalendarEntry) => boolean;
}

function entryView(entry: CalendarEntry, { t, locale, canChange }: ViewContext) {
  const time = formatMoment(entry.startsAt, locale).split(' ').at(-1);
  return {
    id: entry.id,
    iso: entry.startsAt.toISOString(),
    at: formatMoment(entry.startsAt, locale),
    time,
    kind: entry.kind,
    kindLabel: t(`schedule.kinds.${entry.kind}`),
    status: entry.status,
    statusLabel: t(`schedule.statuses.${entry.status}`),
    cancelled: entry.status === 'cancelled',
    subjectLabel: t(entry.subjectType === 'case' ? 'schedule.caseOf' : 'schedule.petitionOf', {
      number: entry.subjectNumber,
    }),
    subjectTitle: entry.subjectTitle,
    url: `/${entry.subjectType === 'case' ? 'cases' : 'petitions'}/${entry.subjectId}`,
    place: entry.place,
    attendees: entry.attendees,
    who: entry.ownerName,
    changeable: entry.status === 'planned' && canChange(entry),
  };
}

/** The calendar page: the chosen view of the range, its navigation, and the entries by day. */
export function calendarPageView(
  entries: CalendarEntry[],
  options: { view: CalendarView; scope: CalendarScope; date: PlainDate },
  context: ViewContext,
) {
  const { t, locale, now } = context;
  const { view, scope, date } = options;
  const range = rangeOf(view, date);
  const today = todayInShanghai(now);
  const link = (changes: Partial<typeof options>) => {
    const next = { ...options, ...changes };
    return `/schedule?scope=${next.scope}&view=${next.view}&date=${next.date}`;
  };
  const step = view === 'month' ? 31 : view === 'week' ? 7 : listDays;
  const days: Array<{
    date: PlainDate;
    label: string;
    weekday: string;
    today: boolean;
    inMonth: boolean;
    entries: ReturnType<typeof entryView>[];
  }> = [];
  for (let day = range.first; day < range.end; day = addDays(day, 1)) {
    const dayEntries = entries.filter((entry) => todayInShanghai(entry.startsAt) === day);
    days.push({
      date: day,
      label: formatPlainDate(day, locale),
      weekday: (t('schedule.weekdays', { returnObjects: true }) as string[])[(weekdayOf(day) + 6) % 7],
      today: day === today,
      inMonth: day.slice(0, 7) === date.slice(0, 7),
      entries: dayEntries.map((entry) => entryView(entry, context)),
    });
  }
  const weeks = [];
  for (let index = 0; index < days.length; index += 7) weeks.push(days.slice(index, index + 7));
  const monthStep = (months: number) => {
    const [year, month] = date.split('-').map(Number);
    const shifted = new Date(Date.UTC(year, month - 1 + months, 1));
    return shifted.toISOString().slice(0, 10);
  };
  return {
    view,
    scope,
    isWeek: view === 'week',
    isMonth: view === 'month',
    isList: view === 'list',
    heading: `${formatPlainDate(range.first, locale)} – ${formatPlainDate(addDays(range.end, -1), locale)}`,
    weekdays: t('schedule.weekdays', { returnObjects: true }) as string[],
    views: (['week', 'month', 'list'] as const).map((name) => ({
      href: link({ view: name }),
      label: t(`schedule.views.${name}`),
      current: name === view,
    })),
    scopes: (['mine', 'unit'] as const).map((name) => ({
      href: link({ scope: name }),
      label: t(`schedule.${name}`),
      current: name === scope,
    })),
    previousUrl: link({ date: view === 'month' ? monthStep(-1) : addDays(date, -step) }),
    nextUrl: link({ date: view === 'month' ? monthStep(1) : addDays(date, step) }),
    todayUrl: link({ date: today }),
    /** Appended to the move and cancel forms' actions: where to come back to. */
    returnQuery: `?from=${encodeURIComponent(link({}))}`,
    days,
    weeks,
    listDays: days.filter((day) => day.entries.length > 0),
    empty: entries.length === 0,
  };
}
