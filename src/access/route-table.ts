import type { Request, RequestHandler, Router } from 'express';
import type { z } from 'zod';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../shared/errors';
import { wantsJson } from '../shared/http/error-handler';
import { parseOrThrow } from '../shared/http/validate';
import { isIdParam, isUuid } from '../shared/ids';
import type { Actor } from './actor';
import { type Action, policy } from './policy';

/**
 * Every route states its access decision; the app mounts routes only through
 * `mountRoutes`, and a test walks this table (every route × every role × in and
 * out of scope), so a route without a decision cannot slip in.
 *
 * - `public`: anyone (the sign-in form, health).
 * - `signedIn`: any signed-in user (their own account, the start page).
 * - `{ action }`: the policy's role check happens here; when the route names a
 *   `record`, the service asks the policy about that record (404 when the caller
 *   may not see it, 403 when they may see but not act).
 *
 * Path parameters named `id` or `…Id` are record ids: one that is not a UUID answers
 * 404 for every caller (signed in), whatever their role — what a record they may not
 * see answers.
 */
export type Access = 'public' | 'signedIn' | { action: Action };

export interface RouteSpec {
  method: 'get' | 'post' | 'put';
  path: string;
  access: Access;
  /**
   * The record the route acts on: before anything else (even input validation),
   * `authorize` loads it and asks the policy — 404 when the caller may not see it,
   * 403 when they may see but not act — so nothing about it leaks.
   */
  record?: {
    param: string;
    kind: 'unit' | 'user' | 'case' | 'escalation' | 'petition';
    authorize: (actor: Actor, id: string) => Promise<unknown>;
    /**
     * The handler's own write reads the record under its row lock and answers 404 / 409 /
     * 403 from there (workflows/event-admission.ts), so the guard does not read it first
     * when the caller's role may take the action: one round trip less on the busiest
     * write. The guard still reads it first when it is about to answer 403 for the role
     * (404 comes first), and the handler parses its body with `parseCheckedBody`, which
     * asks `authorize` before answering 400.
     */
    checkedByHandler?: true;
  };
  /**
   * The route takes a multipart body (a file upload): it parses the body itself, after
   * the guard, and checks the CSRF token then (see auth/csrf.ts).
   */
  multipart?: true;
  /** Still reachable while the user must change an admin-set password. */
  duringPasswordChange?: boolean;
  /** For the OpenAPI document (API routes only). */
  api?: {
    summary: string;
    body?: z.ZodType;
    query?: z.ZodType;
    response?: z.ZodType;
    tag: string;
  };
  /** Middleware before the handler (e.g. throttling), then the handler itself. */
  handler: RequestHandler | RequestHandler[];
}

declare global {
  namespace Express {
    interface Request {
      /** What the route's `record.authorize` answered: the record the guard has checked. */
      authorizedRecord?: unknown;
    }
  }
}

/**
 * The record the guard loaded and checked for this request (a route with a `record`):
 * the handler works on it instead of reading it again. `T` is what that route's
 * `authorize` returns.
 */
export function authorizedRecordOf<T>(req: Request): T {
  if (req.authorizedRecord === undefined) throw new Error(`${req.method} ${req.path} names no record`);
  return req.authorizedRecord as T;
}

/** The signed-in caller; the guard has already made sure there is one. */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw new UnauthenticatedError();
  return req.actor;
}

/** The request's origin for the audit log. */
export function originOf(req: Request) {
  return { actor: req.actor ? { id: req.actor.id, username: req.actor.username } : null, ip: req.ip ?? null };
}

function guard(spec: RouteSpec): RequestHandler {
  const idParams = [...spec.path.matchAll(/:(\w+)/g)].map((match) => match[1]).filter(isIdParam);
  // an id that is not a UUID names no record: 404, the answer for any record the caller may
  // not see, before the role is looked at (and before the value could reach a query)
  const idsAreWellFormed = (req: Request) => idParams.every((name) => isUuid(req.params[name]));
  return async (req, res, next) => {
    if (spec.access === 'public') return idsAreWellFormed(req) ? next() : next(new NotFoundError());
    const actor = req.actor;
    if (!actor) {
      if (wantsJson(req)) return next(new UnauthenticatedError());
      const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/login${returnTo}`);
    }
    if (actor.mustChangePassword && !spec.duringPasswordChange) {
      if (wantsJson(req)) return next(new ForbiddenError('password_change_required'));
      return res.redirect(303, '/account/password');
    }
    if (!idsAreWellFormed(req)) return next(new NotFoundError());
    const roleMay = spec.access === 'signedIn' || policy.can(actor, spec.access.action);
    // a record first: 404 for what the caller may not see, before any other answer
    if (spec.record && !(spec.record.checkedByHandler && roleMay))
      req.authorizedRecord = await spec.record.authorize(actor, String(req.params[spec.record.param]));
    if (!roleMay) return next(new ForbiddenError());
    next();
  };
}

/**
 * The body of a route whose handler checks its record (`checkedByHandler`), parsed; a
 * malformed one answers 404 when the caller may not see the record (a 400 would tell
 * that it exists), else 400 naming the fields.
 */
export async function parseCheckedBody<Schema extends z.ZodType>(
  req: Request,
  record: NonNullable<RouteSpec['record']>,
  schema: Schema,
): Promise<z.output<Schema>> {
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  await record.authorize(actorOf(req), String(req.params[record.param]));
  return parseOrThrow(schema, req.body);
}

export function mountRoutes(router: Router, specs: RouteSpec[]): Router {
  for (const spec of specs) {
    const handlers = Array.isArray(spec.handler) ? spec.handler : [spec.handler];
    router[spec.method](spec.path, guard(spec), ...handlers);
  }
  return router;
}
