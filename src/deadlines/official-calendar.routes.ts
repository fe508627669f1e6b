import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute } from '../access/route-table';
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
    apiRoute({
      method: 'get',
      path: '/api/v1/calendar/:year',
      access: 'signedIn',
      api: {
        operationId: 'getCalendarYear',
        tag: 'calendar',
        summary:
          'A year of the official calendar: its notice, or the statutory holidays while none is entered',
        params: calendarYearParamsSchema,
        response: calendarYearSchema,
      },
      handler: async (req, res) => {
        const { year } = req.input.params;
        res.json(presentCalendarYear(await calendar.year(year)));
      },
    }),
    apiRoute({
      method: 'put',
      path: '/api/v1/calendar/:year',
      access: { action: 'calendar.manage' },
      api: {
        operationId: 'enterCalendarYear',
        tag: 'calendar',
        summary:
          'Enter a year’s holiday notice (moves the open deadlines it changes, and tells their holders)',
        params: calendarYearParamsSchema,
        body: calendarYearBodySchema,
        response: calendarYearSchema,
        errors: [422],
      },
      handler: async (req, res) => {
        const { year } = req.input.params;
        const { entry, moved } = await calendar.enter(actorOf(req), req.ip ?? null, year, req.input.body);
        res.json(presentCalendarYear(entry, moved.length));
      },
    }),
  ];
}
