import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../../config/environment';
import { isApiRequest } from '../shared/http/error-handler';
import { sessionCookieName } from './session.middleware';

/** Calls with a bearer token carry no ambient credential, so CSRF cannot reach them. */
export function isBearerRequest(req: Request): boolean {
  return /^Bearer\s/i.test(req.headers.authorization ?? '');
}

/** An API call carrying no session cookie has no ambient credential a forged request could ride on. */
function isCookielessApiCall(req: Request): boolean {
  return isApiRequest(req) && !req.cookies?.[sessionCookieName];
}

function isMultipart(req: Request): boolean {
  return /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
}

declare global {
  namespace Express {
    interface Request {
      /** Set for a multipart request to an upload route: that route checks the token once it has parsed the body. */
      csrfDeferredToUpload?: boolean;
    }
  }
}

/**
 * CSRF protection (csrf-csrf, double submit bound to the session) on every
 * state-changing request that relies on the session cookie: forms and the
 * browser's API calls. The token travels as the `_csrf` form field or the
 * `X-CSRF-Token` header.
 *
 * A file upload's form field only exists once its multipart body is parsed, which
 * happens in the upload route after the access guard (nobody's upload is parsed
 * before we know they may add to that case). For those requests the app marks the
 * request (`deferToUpload`) and the route runs `protectUpload` after parsing; a
 * multipart request to any other route is checked here as usual, and fails.
 */
export function csrfProtection(config: Config) {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => config.sessionSecret,
    getSessionIdentifier: (req) => req.session?.id ?? '',
    cookieName: 'gm.csrf',
    cookieOptions: { sameSite: 'lax', httpOnly: true, secure: false, path: '/' },
    getCsrfTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? req.headers['x-csrf-token'],
    skipCsrfProtection: (req) => isBearerRequest(req) || isCookielessApiCall(req),
  });

  const protect: RequestHandler = (req, res, next) => {
    if (req.csrfDeferredToUpload && isMultipart(req)) return next();
    doubleCsrfProtection(req, res, next);
  };

  /**
   * Puts a token in every page's view model (also pages rendered in answer to a POST,
   * such as a form shown again with its errors); binds anonymous visitors to a session first.
   */
  const provideToken: RequestHandler = (req, res, next) => {
    if (isBearerRequest(req) || isApiRequest(req)) return next();
    if (!req.session.userId) req.session.anonymous = true;
    res.locals.csrfToken = generateCsrfToken(req, res, { cookieOptions: { secure: req.secure } });
    next();
  };

  /** Marks a multipart request whose route will check the token itself, after parsing. */
  const deferToUpload: RequestHandler = (req, _res, next) => {
    req.csrfDeferredToUpload = true;
    next();
  };

  /** The check an upload route runs once the multipart body (with its `_csrf` field) is parsed. */
  const protectUpload: RequestHandler = (req, res, next) => doubleCsrfProtection(req, res, next);

  return { protect, provideToken, deferToUpload, protectUpload };
}
