import type { RequestHandler } from 'express';
import type { i18n as I18n, TFunction } from 'i18next';
import { type Locale, localeCookie, resolveLocale } from '../i18n/i18n';

/** Sets req.locale and req.t, and exposes them to templates. */
export function localeMiddleware(i18n: I18n, fallback: Locale): RequestHandler {
  // one translate function per language, not one per request
  const fixed = new Map<Locale, TFunction>();
  const translateIn = (locale: Locale) => {
    let t = fixed.get(locale);
    if (!t) {
      t = i18n.getFixedT(locale);
      fixed.set(locale, t);
    }
    return t;
  };
  return (req, res, next) => {
    req.locale = resolveLocale({
      cookie: req.cookies?.[localeCookie],
      // a system calling the API says which language it wants in Accept-Language (API.md); a
      // browser always sends one, so for people the account's preference comes first
      userPreference:
        req.authenticatedBy === 'bearer' && req.headers['accept-language'] ? undefined : req.actor?.locale,
      acceptLanguage: (...languages) => req.acceptsLanguages(...languages),
      fallback,
    });
    req.t = translateIn(req.locale);
    res.locals.locale = req.locale;
    res.locals.htmlLang = req.locale;
    res.locals._t = req.t;
    next();
  };
}
