import type { TFunction } from 'i18next';
import type { Locale } from '../i18n/i18n';

declare global {
  namespace Express {
    interface Request {
      /** Correlates the request's log lines; echoed as X-Request-Id. */
      id: string;
      locale: Locale;
      /** Translate in the request's language. */
      t: TFunction;
    }
  }
}
