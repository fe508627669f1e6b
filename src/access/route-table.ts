import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../shared/errors';
import { wantsJson } from '../shared/http/error-handler';
import type { ApiOperation, ApiSpec, ErrorStatus } from '../shared/http/openapi';
import { parseFilterQuery, parseOrThrow } from '../shared/http/validate';
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
    kind: 'unit' | 'user' | 'case' | 'escalation' | 'petition' | 'screening' | 'screeningItem';
    authorize: (actor: Actor, id: string) => Promise<unknown>;
    /**
     * The handler's own write reads the record under its row lock and answers 404 / 409 /
     * 403 from there (workflows/event-admission.ts), so the guard does not read it first
     * when the caller's role may take the action: one round trip less on the busiest
     * write. The guard still reads it first when it is about to answer 403 for the role
     * (404 comes first), and the body is parsed with `parseCheckedBody`, which
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
  /**
   * An API route's operation: its id, its input (validated here before the handler, after
   * the access decision and the record's authorization), its answers. The OpenAPI
   * document is built from it (`apiOperations`).
   */
  api?: ApiSpec;
  /** Middleware before the handler (e.g. throttling), then the handler itself. */
  handler: RequestHandler | RequestHandler[];
}

declare global {
  namespace Express {
    interface Request {
      /** What the route's `record.authorize` answered: the record the guard has checked. */
      authorizedRecord?: unknown;
      /** The route's input as its API spec parsed it (`apiRoute` types it for the handler). */
      input?: { body?: unknown; query?: unknown; params?: unknown };
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
async function parseCheckedBody<Schema extends z.ZodType>(
  req: Request,
  record: NonNullable<RouteSpec['record']>,
  schema: Schema,
  body: unknown,
): Promise<z.output<Schema>> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  await record.authorize(actorOf(req), String(req.params[record.param]));
  return parseOrThrow(schema, body);
}

/**
 * An API route's input, validated once from its spec (as Outline's `validate(schema)`):
 * path parameters, query, body, each a 400 naming the fields when it does not fit; the
 * parsed values go to `req.input`. It runs right before the handler, after the guard
 * (404/403 come first) and after the route's own middleware (throttling, a CSV parser).
 */
function inputValidation(spec: RouteSpec): RequestHandler | undefined {
  const api = spec.api;
  if (!api?.body && !api?.query && !api?.params) return undefined;
  return async (req, _res, next) => {
    const params = api.params && parseOrThrow(api.params, req.params);
    const query =
      api.query &&
      (api.queryIsFilterForm ? parseFilterQuery(api.query, req.query) : parseOrThrow(api.query, req.query));
    let body: unknown;
    if (api.body) {
      const given = api.bodyOptional ? (req.body ?? {}) : req.body;
      body = spec.record?.checkedByHandler
        ? await parseCheckedBody(req, spec.record, api.body, given)
        : parseOrThrow(api.body, given);
    }
    req.input = { body, query, params };
    next();
  };
}

type Parsed<Schema> = Schema extends z.ZodType ? z.output<Schema> : undefined;

/** What an API handler reads: `req.input`, parsed from its spec's schemas. */
export type ApiRequest<Body, Query, Params> = Request & {
  input: { body: Parsed<Body>; query: Parsed<Query>; params: Parsed<Params> };
};
type ApiHandler<Body, Query, Params> = (
  req: ApiRequest<Body, Query, Params>,
  res: Response,
  next: NextFunction,
) => unknown;

/**
 * An API route whose handler reads its validated input: `req.input.body` (and `.query`,
 * `.params`) typed from the schemas its `api` declares, so a handler cannot read a
 * shape its spec does not validate.
 */
export function apiRoute<
  Body extends z.ZodType | undefined = undefined,
  Query extends z.ZodType | undefined = undefined,
  Params extends z.ZodType | undefined = undefined,
>(
  spec: Omit<RouteSpec, 'api' | 'handler'> & {
    api: ApiSpec & { body?: Body; query?: Query; params?: Params };
    handler: ApiHandler<Body, Query, Params> | [...RequestHandler[], ApiHandler<Body, Query, Params>];
  },
): RouteSpec {
  return spec as RouteSpec;
}

export function mountRoutes(router: Router, specs: RouteSpec[]): Router {
  for (const spec of specs) {
    const handlers = Array.isArray(spec.handler) ? spec.handler : [spec.handler];
    const validation = inputValidation(spec);
    const chain = validation ? [...handlers.slice(0, -1), validation, ...handlers.slice(-1)] : handlers;
    router[spec.method](spec.path, guard(spec), ...chain);
  }
  return router;
}

/**
 * Every error an API route can answer: what its declared `errors` say, and what follows
 * from the route's shape — 401 and 403 from its access (a role check, a password change
 * due, a write's CSRF token), 404 from a record id in its path, 400 from its input and
 * from a write's body parser (with 413 for a body too large), 409 for a write that lost
 * a race (error-handler.ts), 503 when the database does not answer.
 */
function errorsOf(spec: RouteSpec & { api: ApiSpec }): ErrorStatus[] {
  const api = spec.api;
  const errors = new Set<ErrorStatus>([...(api.errors ?? []), 503]);
  const writes = spec.method !== 'get';
  const add = (...statuses: ErrorStatus[]) => {
    for (const status of statuses) errors.add(status);
  };
  if (writes) add(400, 409, 413, 403);
  if (api.body || api.query || api.params) add(400);
  if (spec.access !== 'public') add(401);
  if (
    typeof spec.access === 'object' ||
    spec.record ||
    (spec.access === 'signedIn' && !spec.duringPasswordChange)
  )
    add(403);
  if (spec.record || [...spec.path.matchAll(/:(\w+)/g)].some((match) => isIdParam(match[1]))) add(404);
  return [...errors];
}

/** The route table's API routes as OpenAPI operations (shared/http/openapi.ts builds the document). */
export function apiOperations(specs: RouteSpec[]): ApiOperation[] {
  return specs.flatMap(({ api, ...spec }) =>
    api
      ? [
          {
            method: spec.method,
            path: spec.path,
            api,
            public: spec.access === 'public',
            errors: errorsOf({ ...spec, api }),
          },
        ]
      : [],
  );
}
