import type { Request } from 'express';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import type { Clock } from '../shared/clock';
import { AppError, type ErrorDetail } from '../shared/errors';
import { submitForm } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import { datesFromText } from './official-calendar.forms';
import { calendarYearBodySchema, calendarYearParamsSchema } from './official-calendar.schemas';
import type { OfficialCalendarService } from './official-calendar.service';
import { calendarListView, calendarYearView } from './official-calendar.view-model';
import { yearOf } from './plain-date';
import { todayInShanghai } from './working-calendar';

/** How many years ahead of this one the page offers, entered or not: next year's notice comes in the autumn. */
const yearsAhead = 2;

/**
 * A failure on the lists as the API names them (`holidays.3`) shown next to the form's
 * field (`holidays`), an unreadable item quoted as it was typed.
 */
function onFormFields(error: unknown, lists: Record<string, string[]>): unknown {
  if (!(error instanceof AppError) || !error.details) return error;
  const details: ErrorDetail[] = error.details.map((detail) => {
    const [field, index] = (detail.field ?? '').split('.');
    const item = index === undefined ? undefined : lists[field]?.[Number(index)];
    return detail.message === 'validation.date' && item !== undefined
      ? { field, message: 'validation.calendar_unreadable', params: { item } }
      : { ...detail, field };
  });
  return new AppError(error.code, error.status, details, error.params);
}

/** The administrator's holiday calendar page: every year, and the form that enters a year's notice. */
export function officialCalendarWebRoutes(calendar: OfficialCalendarService, clock: Clock): RouteSpec[] {
  const yearView = async (req: Request, year: number, values: Record<string, unknown> | null) => ({
    title: req.t('calendar.yearTitle', { year }),
    ...calendarYearView(await calendar.year(year), values, { t: req.t, locale: req.locale }),
  });

  return [
    {
      method: 'get',
      path: '/admin/calendar',
      access: { action: 'calendar.manage' },
      handler: async (req, res) => {
        const thisYear = yearOf(todayInShanghai(clock.now()));
        const coming = await Promise.all(
          Array.from({ length: yearsAhead + 1 }, (_, ahead) => calendar.year(thisYear + ahead)),
        );
        res.render('admin/calendar', {
          title: req.t('calendar.title'),
          years: calendarListView(await calendar.enteredYears(), coming, { t: req.t, locale: req.locale }),
        });
      },
    },
    {
      method: 'get',
      path: '/admin/calendar/:year',
      access: { action: 'calendar.manage' },
      handler: async (req, res) => {
        const { year } = parseOrThrow(calendarYearParamsSchema, req.params);
        const moved = Number(req.query.moved);
        res.render('admin/calendar-year', {
          ...(await yearView(req, year, null)),
          saved: req.query.saved === '1' ? { count: Number.isInteger(moved) ? moved : 0 } : null,
        });
      },
    },
    {
      method: 'post',
      path: '/admin/calendar/:year',
      access: { action: 'calendar.manage' },
      handler: async (req, res) => {
        const { year } = parseOrThrow(calendarYearParamsSchema, req.params);
        const body = (req.body ?? {}) as Record<string, unknown>;
        const lists = {
          holidays: datesFromText(body.holidays, year),
          workdays: datesFromText(body.workdays, year),
        };
        let moved = 0;
        const view = { view: 'admin/calendar-year', viewModel: () => yearView(req, year, body) };
        const ok = await submitForm(req, res, view, async () => {
          try {
            const input = parseOrThrow(calendarYearBodySchema, {
              year,
              source: body.source,
              ...lists,
              note: typeof body.note === 'string' ? body.note : undefined,
            });
            moved = (await calendar.enter(actorOf(req), req.ip ?? null, year, input)).moved.length;
          } catch (error) {
            throw onFormFields(error, lists);
          }
        });
        if (ok) res.redirect(303, `/admin/calendar/${year}?saved=1&moved=${moved}`);
      },
    },
  ];
}
