import type { Request, Response } from 'express';
import type { Actor } from '../access/actor';
import type { RouteSpec } from '../access/route-table';
import { actorOf, originOf } from '../access/route-table';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { formFailure } from '../shared/http/forms';
import { parseFilterQuery, parseOrThrow } from '../shared/http/validate';
import type { CalendarEntry } from './appointment';
import { calendarPageView, momentsOf, rangeOf } from './calendar.view-model';
import { icalendarOf } from './icalendar';
import {
  calendarQuerySchema,
  cancelAppointmentSchema,
  feedTokenSchema,
  moveAppointmentSchema,
  planVisitSchema,
  scheduleFormBody,
} from './schedule.schemas';
import type { ScheduleService } from './schedule.service';

export interface ScheduleWebDeps {
  schedule: ScheduleService;
  clock: Clock;
  publicUrl: string;
}

/** The calendar pages (mine, my unit's: week, month, list), moving and cancelling, the feed and its token. */
export function scheduleWebRoutes({ schedule, clock, publicUrl }: ScheduleWebDeps): RouteSpec[] {
  async function calendarModel(
    req: Request,
    extra: Record<string, unknown> = {},
    shown: Record<string, unknown> = req.query,
  ) {
    const actor = actorOf(req);
    const query = parseFilterQuery(calendarQuerySchema, shown);
    const date = query.date ?? todayInShanghai(clock.now());
    const { from, to } = momentsOf(rangeOf(query.view, date));
    const entries =
      query.scope === 'unit' ? await schedule.unit(actor, from, to) : await schedule.mine(actor, from, to);
    return {
      title: req.t('schedule.title'),
      calendar: calendarPageView(
        entries,
        { view: query.view, scope: query.scope, date },
        { t: req.t, locale: req.locale, now: clock.now(), canChange: (entry) => mayChange(actor, entry) },
      ),
      hasFeed: await schedule.hasFeed(actor),
      ...extra,
    };
  }

  /** The calendar the form was sent from (`?from=`, only a /schedule page): where to go back to. */
  const sentFrom = (req: Request) =>
    typeof req.query.from === 'string' && /^\/schedule(\?|$)/.test(req.query.from)
      ? req.query.from
      : '/schedule';
  const back = (req: Request, done: string) => {
    const from = sentFrom(req);
    return `${from}${from.includes('?') ? '&' : '?'}done=${done}`;
  };

  async function changeForm(req: Request, res: Response, change: () => Promise<void>, done: string) {
    try {
      await change();
      res.redirect(303, back(req, done));
    } catch (error) {
      const failure = formFailure(req, error);
      // the same calendar again, the form that failed open with its messages
      const shown = Object.fromEntries(new URL(sentFrom(req), 'http://calendar').searchParams);
      res.status(failure.status).render('schedule/calendar', {
        ...(await calendarModel(req, {}, shown)),
        failedId: req.params.id,
        ...failure,
      });
    }
  }

  return [
    {
      method: 'get',
      path: '/schedule',
      access: { action: 'schedule.view' },
      handler: async (req, res) => {
        const done = typeof req.query.done === 'string' ? req.query.done : null;
        res.render(
          'schedule/calendar',
          await calendarModel(req, {
            done: done && ['cancelled', 'moved'].includes(done) ? req.t(`schedule.${done}`) : null,
          }),
        );
      },
    },
    {
      method: 'post',
      path: '/schedule/appointments/:id/cancel',
      access: { action: 'schedule.view' },
      handler: (req, res) =>
        changeForm(
          req,
          res,
          async () => {
            const { reason } = parseOrThrow(cancelAppointmentSchema, req.body ?? {});
            await schedule.cancel(actorOf(req), String(req.params.id), reason, originOf(req));
          },
          'cancelled',
        ),
    },
    {
      method: 'post',
      path: '/schedule/appointments/:id/move',
      access: { action: 'schedule.view' },
      handler: (req, res) =>
        changeForm(
          req,
          res,
          async () => {
            const { at, place } = parseOrThrow(moveAppointmentSchema, scheduleFormBody(req.body ?? {}));
            await schedule.move(actorOf(req), String(req.params.id), { at, place }, originOf(req));
          },
          'moved',
        ),
    },
    {
      method: 'post',
      path: '/petitions/:id/appointments',
      access: { action: 'schedule.view' },
      handler: async (req, res) => {
        const plan = parseOrThrow(planVisitSchema, scheduleFormBody(req.body ?? {}));
        const { _csrf: _token, ...visit } = plan;
        await schedule.planVisit(actorOf(req), String(req.params.id), visit, originOf(req));
        res.redirect(303, `/petitions/${req.params.id}`);
      },
    },
    {
      // a new secret feed link, shown this once (only its hash is kept); audited
      method: 'post',
      path: '/schedule/feed',
      access: { action: 'schedule.view' },
      handler: async (req, res) => {
        const token = await schedule.resetFeedToken(actorOf(req), originOf(req));
        res.render('schedule/calendar', {
          ...(await calendarModel(req)),
          feedUrl: `${publicUrl}/calendar/${token}.ics`,
        });
      },
    },
    {
      // the feed itself: a calendar app fetches it with no session, the token is the key
      method: 'get',
      path: '/calendar/:token.ics',
      access: 'public',
      handler: async (req, res) => {
        const { token } = parseOrThrow(feedTokenSchema, req.params);
        const entries = await schedule.feed(token);
        res
          .type('text/calendar; charset=utf-8')
          .set('Cache-Control', 'private, no-store')
          .send(
            icalendarOf(
              entries.map((entry) => feedEventOf(entry, req, publicUrl)),
              { name: req.t('schedule.title'), host: new URL(publicUrl).host, now: clock.now() },
            ),
          );
      },
    },
  ];
}

/**
 * What a calendar app shows of an appointment: its kind, the case's or petition's number, the
 * place, its status and link. Not the title (a title may name the parties, and a subscribed
 * feed ends up on the calendar service's servers), never an ID or phone number.
 */
function feedEventOf(entry: CalendarEntry, req: Request, publicUrl: string) {
  const kind = req.t(`schedule.kinds.${entry.kind}`);
  const subject = req.t(entry.subjectType === 'case' ? 'schedule.caseOf' : 'schedule.petitionOf', {
    number: entry.subjectNumber,
  });
  return {
    entry,
    summary: `${kind} · ${subject}`,
    description: req.t(`schedule.statuses.${entry.status}`),
    url: `${publicUrl}/${entry.subjectType === 'case' ? 'cases' : 'petitions'}/${entry.subjectId}`,
  };
}

/** Whether the page offers to move or cancel it: the service decides again, with the policy. */
function mayChange(actor: Actor, entry: CalendarEntry): boolean {
  return actor.role !== 'supervisor' || entry.subjectType === 'petition';
}
