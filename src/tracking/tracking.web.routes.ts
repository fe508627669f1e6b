import type { Request, Response } from 'express';
import { z } from 'zod';
import type { RouteSpec } from '../access/route-table';
import { actorOf, originOf } from '../access/route-table';
import { NotFoundError } from '../shared/errors';
import { formFailure } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import type { LookupSubject } from './lookup-code.repository';
import { LookupThrottledError } from './lookup-throttle';
import type { PartyAccessPanel } from './party-access';
import { progressPageView } from './progress.view-model';
import type { TrackingDeps } from './tracking.routes';
import { trackRequestSchema } from './tracking.schemas';

/** The public pages take the light layout: no staff navigation, the language switch, nothing from outside. */
const publicPage = (_req: Request) => ({ layout: 'public' });

const printFormSchema = z.strictObject({
  _csrf: z.string().optional(),
  code: z
    .string({ error: 'validation.required' })
    .trim()
    .min(1, 'validation.required')
    .max(40, 'validation.too_big'),
});

const switchFormSchema = z.strictObject({
  _csrf: z.string().optional(),
  enabled: z.enum(['true', 'false'], { error: 'validation.invalid_value' }),
});

function renderForm(req: Request, res: Response, status: number, state: Record<string, unknown> = {}) {
  res
    .status(status)
    .render('track/form', { ...publicPage(req), title: req.t('tracking.page.title'), ...state });
}

/** The staff's buttons on a case's or petition's page: a new code (shown once), lookup off or on. */
function staffPages(type: LookupSubject['type'], deps: TrackingDeps, panel: PartyAccessPanel): RouteSpec[] {
  const plural = type === 'case' ? 'cases' : 'petitions';
  const action = type === 'case' ? 'case.lookup_code' : 'petition.lookup_code';
  const record = { param: 'id', kind: type, authorize: deps.visible[type] };
  const subjectOf = (req: Request): LookupSubject => ({ type, id: String(req.params.id) });
  return [
    {
      method: 'post',
      path: `/${plural}/:id/tracking-code`,
      access: { action },
      record,
      handler: async (req, res) => {
        const subject = subjectOf(req);
        const code = await deps.lookupCodes.issue(actorOf(req), subject, originOf(req));
        await panel.keepToShowOnce(req, subject, code);
        res.redirect(303, `/${plural}/${subject.id}#party-access`);
      },
    },
    {
      // the code just shown once, printed on the acceptance notice: taken back from the form and
      // checked against the stored hash (a code is kept nowhere in clear, so nothing else could print it)
      method: 'post',
      path: `/${plural}/:id/documents/acceptance-notice`,
      access: { action },
      record,
      handler: async (req, res) => {
        const { code } = parseOrThrow(printFormSchema, req.body ?? {});
        const printed = await deps.lookupCodes.checkForPrint(
          actorOf(req),
          subjectOf(req),
          code,
          originOf(req),
        );
        await deps.printAcceptanceNotice[type](req, res, printed);
      },
    },
    {
      method: 'post',
      path: `/${plural}/:id/tracking`,
      access: { action },
      record,
      handler: async (req, res) => {
        const subject = subjectOf(req);
        const { enabled } = parseOrThrow(switchFormSchema, req.body ?? {});
        await deps.lookupCodes.setEnabled(actorOf(req), subject, enabled === 'true', originOf(req));
        res.redirect(303, `/${plural}/${subject.id}#party-access`);
      },
    },
  ];
}

/** `/track`: the parties' progress lookup page (phone first, no sign-in), and the staff's buttons. */
export function trackingWebRoutes(deps: TrackingDeps, panel: PartyAccessPanel): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/track',
      access: 'public',
      handler: (req, res) => renderForm(req, res, 200, { values: {} }),
    },
    {
      method: 'post',
      path: '/track',
      access: 'public',
      handler: async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        // the number is typed again into the form; the code never is
        const values = { number: typeof body.number === 'string' ? body.number.slice(0, 48) : '' };
        try {
          const input = parseOrThrow(trackRequestSchema, {
            number: body.number ?? '',
            code: body.code ?? '',
          });
          const found = await deps.progress.lookup(input, originOf(req));
          res.set('Cache-Control', 'no-store');
          res.render('track/result', {
            ...publicPage(req),
            title: req.t('tracking.page.resultTitle'),
            progress: progressPageView(found, req),
          });
        } catch (error) {
          if (error instanceof LookupThrottledError) res.set('Retry-After', String(error.retryAfterSeconds));
          if (error instanceof NotFoundError)
            return renderForm(req, res, 404, { values, formError: req.t('tracking.page.notFound') });
          const failure = formFailure(req, error);
          renderForm(req, res, failure.status, {
            values,
            errors: failure.errors,
            formError: failure.formError,
          });
        }
      },
    },
    ...staffPages('case', deps, panel),
    ...staffPages('petition', deps, panel),
  ];
}
