import type { Request, Response } from 'express';
import { policy } from '../access/policy';
import type { RouteSpec } from '../access/route-table';
import { actorOf, originOf } from '../access/route-table';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { formFailure } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import type { UnitRepository } from '../units/unit.repository';
import { itemRecord } from './screening.routes';
import { itemToCaseSchema, screeningItemInputSchema } from './screening.schemas';
import type { ScreeningService } from './screening.service';
import { overviewView, workstationView } from './screening.view-model';
import type { ScreeningItemCaseService } from './screening-item-case.service';
import type { ScreeningOverviewService } from './screening-overview.service';
import { periodOf } from './screening-period';

export interface ScreeningWebDeps {
  screenings: ScreeningService;
  itemCases: ScreeningItemCaseService;
  overview: ScreeningOverviewService;
  units: Pick<UnitRepository, 'findGridsWithin'>;
  clock: Clock;
}

/** The form's fields as typed, without the CSRF token (the item schema is strict). */
function formBody(req: Request): Record<string, unknown> {
  const { _csrf, intent, ...fields } = (req.body ?? {}) as Record<string, unknown>;
  return fields;
}

/**
 * The screening pages (矛盾纠纷排查): the workstation's month (add an item, or file a zero report in
 * one click; past months), an item made a case, and the supervisors' overview.
 */
export function screeningWebRoutes(deps: ScreeningWebDeps): RouteSpec[] {
  async function renderWorkstation(
    req: Request,
    res: Response,
    form: {
      values?: Record<string, unknown>;
      errors?: Record<string, string>;
      formError?: string;
      /** The item whose "make it a case" form failed, with what was typed and why. */
      itemForm?: { itemId: string; values: Record<string, unknown>; errors: Record<string, string> };
    } = {},
    status = 200,
  ) {
    const actor = actorOf(req);
    const period = periodOf(deps.clock.now());
    const [current, history, grids] = await Promise.all([
      deps.screenings.roundOf(actor, actor.unitId, period),
      deps.screenings.ownRounds(actor, 13),
      deps.units.findGridsWithin(actor.unitId),
    ]);
    res.status(status).render('screenings/index', {
      ...workstationView(
        {
          period,
          current,
          past: history.filter(({ round }) => round.period !== period),
          grids,
          mayFile: policy.can(actor, 'screening.file'),
          values: form.values,
        },
        { t: req.t, locale: req.locale },
      ),
      errors: form.errors ?? {},
      itemForm: form.itemForm ?? null,
      formError: form.formError,
      saved: req.query.saved === '1',
      mayOverview: actor.role === 'supervisor',
    });
  }

  /** Files for this month at the caller's unit; a failure on the input re-renders the page with the fields kept. */
  async function fileAndReturn(req: Request, res: Response, items: unknown[]) {
    const actor = actorOf(req);
    try {
      const input = parseOrThrow(screeningItemInputSchema.array(), items);
      await deps.screenings.file(actor, { period: periodOf(deps.clock.now()), items: input }, originOf(req));
      res.redirect(303, '/screenings?saved=1');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const failure = formFailure(req, error);
      // the item's fields are named without the list's prefix on the form
      const errors = Object.fromEntries(
        Object.entries(failure.errors).map(([field, message]) => [
          field.replace(/^(items\.)?\d+\./, ''),
          message,
        ]),
      );
      await renderWorkstation(
        req,
        res,
        { values: formBody(req), errors, formError: failure.formError },
        failure.status,
      );
    }
  }

  return [
    {
      method: 'get',
      path: '/screenings',
      access: { action: 'screening.list' },
      handler: (req, res) => renderWorkstation(req, res),
    },
    {
      method: 'post',
      path: '/screenings/items',
      access: { action: 'screening.file' },
      handler: (req, res) => fileAndReturn(req, res, [formBody(req)]),
    },
    {
      method: 'post',
      path: '/screenings/zero',
      access: { action: 'screening.file' },
      handler: (req, res) => fileAndReturn(req, res, []),
    },
    {
      method: 'post',
      path: '/screenings/items/:itemId/case',
      access: { action: 'screening.file' },
      record: itemRecord(deps.screenings),
      handler: async (req, res) => {
        try {
          const input = parseOrThrow(itemToCaseSchema, formBody(req));
          const made = await deps.itemCases.makeCase(
            actorOf(req),
            String(req.params.itemId),
            input,
            originOf(req),
          );
          res.redirect(303, `/cases/${made.caseId}?registered=1`);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          const failure = formFailure(req, error);
          await renderWorkstation(
            req,
            res,
            {
              formError: failure.formError,
              itemForm: { itemId: String(req.params.itemId), values: failure.values, errors: failure.errors },
            },
            failure.status,
          );
        }
      },
    },
    {
      method: 'get',
      path: '/screenings/overview',
      access: { action: 'screening.list' },
      handler: async (req, res) => {
        const overview = await deps.overview.overview(actorOf(req));
        res.render('screenings/overview', overviewView(overview, { t: req.t, locale: req.locale }));
      },
    },
  ];
}
