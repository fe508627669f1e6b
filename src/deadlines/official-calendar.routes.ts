import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { parseOrThrow } from '../shared/http/validate';
import type { CalendarYearEntry } from './calendar-year';
import {
  calendarYearBodySchema,
  calendarYearParamsSchema,
  calendarYearSchema,
} from './official-calendar.schemas';
import type { OfficialCalendarService } from './official-calendar.service';

/** A year of the official calendar as the API shows it. */
export function presentCalendarYear(entry: CalendarYearEntry, deadlinesMoved?: number) {
  return {
    year: entry.year,
    source: entry.source,
    holidays: [...entry.holidays],
    workdays: [...entry.workdays],
    note: entry.note,
    enteredBy: entry.enteredBy,
    enteredAt: entry.enteredAt?.toISOString() ?? null,
    ...(deadlinesMoved === undefined ? {} : { deadlinesMoved }),
  };
}

/** The official calendar API (API.md, second round): read a year; an administrator enters its notice. */
export function officialCalendarRoutes(calendar: OfficialCalendarService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/api/v1/calendar/:year',
      access: 'signedIn',
      api: {
        tag: 'calendar',
        summary:
          'A year of the official calendar: its notice, or the statutory holidays while none is entered',
        response: calendarYearSchema,
      },
      handler: async (req, res) => {
        const { year } = parseOrThrow(calendarYearParamsSchema, req.params);
        res.json(presentCalendarYear(await calendar.year(year)));
      },
    },
    {
      method: 'put',
      path: '/api/v1/calendar/:year',
      access: { action: 'calendar.manage' },
      api: {
        tag: 'calendar',
        summary:
          'Enter a year’s holiday notice (moves the open deadlines it changes, and tells their holders)',
        body: calendarYearBodySchema,
        response: calendarYearSchema,
      },
      handler: async (req, res) => {
        const { year } = parseOrThrow(calendarYearParamsSchema, req.params);
        const input = parseOrThrow(calendarYearBodySchema, req.body);
        const { entry, moved } = await calendar.enter(actorOf(req), req.ip ?? null, year, input);
        res.json(presentCalendarYear(entry, moved.length));
      },
    },
  ];
}
