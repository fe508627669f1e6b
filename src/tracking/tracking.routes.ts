import type { Request, Response } from 'express';
import type { Actor } from '../access/actor';
import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute, originOf } from '../access/route-table';
import type { LookupSubject } from './lookup-code.repository';
import type { LookupCodeService } from './lookup-code.service';
import { LookupThrottledError } from './lookup-throttle';
import { trackAnswerOf } from './progress.view-model';
import type { ProgressLookupService } from './progress-lookup.service';
import {
  lookupCodeSchema,
  lookupSwitchSchema,
  lookupSwitchStateSchema,
  trackAnswerSchema,
  trackRequestSchema,
} from './tracking.schemas';

export interface TrackingDeps {
  lookupCodes: LookupCodeService;
  progress: ProgressLookupService;
  /** Reads a case or petition for the guard (404 when the caller may not see it). */
  visible: Record<LookupSubject['type'], (actor: Actor, id: string) => Promise<unknown>>;
  /** Prints the acceptance notice (受理通知书, 信访事项受理告知书) with a code checked to be current. */
  printAcceptanceNotice: Record<
    LookupSubject['type'],
    (req: Request, res: Response, code: string) => Promise<void>
  >;
}

/** A 429 of the lookup says when to come back (Retry-After, seconds). */
export function withRetryAfter(res: Response, error: unknown): never {
  if (error instanceof LookupThrottledError) res.set('Retry-After', String(error.retryAfterSeconds));
  throw error;
}

const subjectOf = (type: LookupSubject['type'], req: Request): LookupSubject => ({
  type,
  id: String(req.params.id),
});

/** Issuing a code and turning the lookup off or on, for cases and petitions alike. */
function staffRoutes(type: LookupSubject['type'], { lookupCodes, visible }: TrackingDeps): RouteSpec[] {
  const plural = type === 'case' ? 'cases' : 'petitions';
  const Name = type === 'case' ? 'Case' : 'Petition';
  const action = type === 'case' ? 'case.lookup_code' : 'petition.lookup_code';
  const record = { param: 'id', kind: type, authorize: visible[type] };
  return [
    apiRoute({
      method: 'post',
      path: `/api/v1/${plural}/:id/tracking-code`,
      access: { action },
      record,
      api: {
        operationId: `issue${Name}LookupCode`,
        tag: plural,
        summary: `A new lookup code (查询码) for the ${type}'s parties, answered once; the old one stops working (audited)`,
        response: lookupCodeSchema,
      },
      handler: async (req, res) => {
        const code = await lookupCodes.issue(actorOf(req), subjectOf(type, req), originOf(req));
        res.set('Cache-Control', 'no-store').json({ code });
      },
    }),
    apiRoute({
      method: 'put',
      path: `/api/v1/${plural}/:id/tracking`,
      access: { action },
      record,
      api: {
        operationId: `switch${Name}Lookup`,
        tag: plural,
        summary: `Turn the parties' progress lookup of the ${type} off or on (audited)`,
        body: lookupSwitchSchema,
        response: lookupSwitchStateSchema,
      },
      handler: async (req, res) => {
        const { enabled } = req.input.body;
        await lookupCodes.setEnabled(actorOf(req), subjectOf(type, req), enabled, originOf(req));
        res.json({ enabled });
      },
    }),
  ];
}

/** The parties' progress lookup API (API.md, Additions): public, and the staff's side of it. */
export function trackingRoutes(deps: TrackingDeps): RouteSpec[] {
  return [
    ...staffRoutes('case', deps),
    ...staffRoutes('petition', deps),
    apiRoute({
      method: 'post',
      path: '/api/v1/track',
      access: 'public',
      api: {
        operationId: 'trackProgress',
        tag: 'cases',
        summary:
          'Where a case or petition stands, for its parties: its number and lookup code (no account); an unknown number, a wrong code and a lookup turned off all answer 404',
        body: trackRequestSchema,
        response: trackAnswerSchema,
        errors: [404, 429],
      },
      handler: async (req, res) => {
        const found = await deps.progress
          .lookup(req.input.body, originOf(req))
          .catch((error) => withRetryAfter(res, error));
        res.set('Cache-Control', 'no-store').json(trackAnswerOf(found, { t: req.t, locale: req.locale }));
      },
    }),
  ];
}
