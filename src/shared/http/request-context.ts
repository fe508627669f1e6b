import type { TFunction } from 'i18next';
import type { Logger } from 'pino';
import type { Locale } from '../i18n/i18n';

declare global {
  namespace Express {
    interface Request {
      /** Correlates the request's log lines; echoed as X-Request-Id. */
      id: string;
      /** A logger whose lines carry the request (request-log.ts `provideRequestLog`). */
      log: Logger;
      locale: Locale;
      /** Translate in the request's language. */
      t: TFunction;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    userId: string;
    signedInAt: number;
    /**
     * When this session last proved the user's password: at sign-in, and when the user
     * changed it here. A password changed after that (elsewhere, or reset by an admin) ends it.
     */
    passwordCheckedAt: number;
    lastSeenAt: number;
    /** Marks an anonymous session that holds a CSRF binding (the sign-in form). */
    anonymous: boolean;
    flash: string;
  }
}
