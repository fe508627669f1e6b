import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { defaults } from '../../../config/defaults';
import { isDatabaseUnavailable } from '../db/database-errors';
import { isConcurrentWriteFailure } from '../db/write-conflict';
import { AppError, ConflictError, type ErrorDetail, NotFoundError, ServiceUnavailableError } from '../errors';

/** A call to the JSON API (`/api/…`), wherever the router that sees it is mounted. */
export function isApiRequest(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

/** API calls (and htmx/fetch callers asking for JSON) get JSON; people get a page. */
export function wantsJson(req: Request): boolean {
  return isApiRequest(req) || req.accepts(['html', 'json']) === 'json';
}

function translateDetails(req: Request, details: ErrorDetail[] | undefined) {
  return details?.map((detail) => ({
    ...detail,
    message: req.t(detail.message, { ...detail.params, defaultValue: detail.message }),
    params: undefined,
  }));
}

/** Anything no route answered. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/**
 * The one error handler: AppErrors become their status with a translated message;
 * body-parser's malformed-input errors become 400s; a write that lost a race in
 * PostgreSQL (unique key taken meanwhile, serialization failure, deadlock) is a 409
 * "changed, reload" — it wrote nothing; a database that does not answer (down, frozen,
 * timed out) becomes 503 with a `Retry-After` hint; anything else is logged and answered
 * 500 without a stack.
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let appError: AppError;
  if (error instanceof AppError) {
    appError = error;
  } else if (error?.type === 'entity.parse.failed') {
    appError = new AppError('malformed_body', 400);
  } else if (error?.type === 'entity.too.large') {
    appError = new AppError('body_too_large', 413);
  } else if (isConcurrentWriteFailure(error)) {
    req.log?.info({ sqlState: error.driverError?.code ?? error.code }, 'a concurrent write got there first');
    appError = new ConflictError('write_conflict');
  } else if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
    appError = new AppError(error.code === 'EBADCSRFTOKEN' ? 'csrf_invalid' : 'bad_request', error.status);
  } else if (isDatabaseUnavailable(error)) {
    req.log?.warn({ err: error }, 'database unavailable');
    appError = new ServiceUnavailableError('database_unavailable', defaults.database.retryAfterSeconds);
  } else {
    req.log?.error({ err: error }, 'unhandled error');
    appError = new AppError('internal', 500);
  }

  const message = req.t(`errors.${appError.code}`, {
    ...appError.params,
    defaultValue: req.t('errors.internal'),
  });
  const details = translateDetails(req, appError.details);
  if (res.headersSent) return;
  res.status(appError.status);
  if (appError instanceof ServiceUnavailableError) res.set('Retry-After', String(appError.retryAfterSeconds));
  if (wantsJson(req)) {
    res.json({ error: { code: appError.code, message, ...(details ? { details } : {}) } });
  } else {
    res.render('errors/error', { title: message, status: appError.status, message, details });
  }
};
