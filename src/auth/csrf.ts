import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../../config/environment';
import { sessionCookieName } from './session.middleware';

/** Calls with a bearer token carry no ambient credential, so CSRF cannot reach them. */
export function isBearerRequest(req: Request): boolean {
  return /^Bearer\s/i.test(req.headers.authorization ?? '');
}

/** An API call carrying no session cookie has no ambient credential a forged request could ride on. */
function isCookielessApiCall(req: Request): boolean {
  return req.path.startsWith('/api/') && !req.cookies?.[sessionCookieName];
}

/**
 * CSRF protection (csrf-csrf, double submit bound to the session) on every
 * state-changing request that relies on the session cookie: forms and the
 * browser's API calls. The token travels as the `_csrf` form field or the
 * `X-CSRF-Token` header.
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

  /** Puts a token in every page's view model; binds anonymous visitors to a session first. */
  const provideToken: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' || isBearerRequest(req)) return next();
    if (!req.session.userId) req.session.anonymous = true;
    res.locals.csrfToken = generateCsrfToken(req, res, { cookieOptions: { secure: req.secure } });
    next();
  };

  return { protect: doubleCsrfProtection, provideToken };
}
