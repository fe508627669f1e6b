import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { defaults } from '../../../config/defaults';
import { isDatabaseUnavailable } from '../db/database-errors';
import { isConcurrentWriteFailure } from '../db/write-conflict';
import { AppError, ConflictError, type ErrorDetail, NotFoundError, ServiceUnavailableError } from '../errors';
import { detailMessage } from './validate';

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
    message: detailMessage(req.t, detail),
    params: undefined,
  }));
}

/**
 * A form too large for the body parser was never read, so it cannot be shown again as typed:
 * a person is sent back to the page the form is on (same origin only), marked `tooLarge=1`,
 * where the page says what the limit is and the page's draft script puts the text back —
 * rather than a bare 413 page that loses everything (issue 24).
 */
function formPageOf(req: Request): string | null {
  if (wantsJson(req) || req.method !== 'POST') return null;
  const referer = req.get('referer');
  if (!referer) return null;
  try {
    const url = new URL(referer);
    if (url.host !== req.get('host')) return null;
    url.searchParams.set('tooLarge', '1');
    return `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
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
  const formPage = error?.type === 'entity.too.large' ? formPageOf(req) : null;
  if (formPage) return res.redirect(303, formPage);
  res.status(appError.status);
  if (appError instanceof ServiceUnavailableError) res.set('Retry-After', String(appError.retryAfterSeconds));
  if (wantsJson(req)) {
    res.json({ error: { code: appError.code, message, ...(details ? { details } : {}) } });
  } else {
    res.render('errors/error', { title: message, status: appError.status, message, details });
  }
};
