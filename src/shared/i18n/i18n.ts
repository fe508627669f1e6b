import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { type Locale, supportedLocales } from '../../../config/defaults';
import { localesDir } from '../paths';

export type { TFunction };
export { type Locale, supportedLocales };

/** Cookie holding the language a visitor chose with the language switch. */
export const localeCookie = 'lang';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (supportedLocales as readonly string[]).includes(value);
}

/**
 * One i18next instance for the process, with every locale file loaded up front
 * (they are small, and the intranet deployment has no backend to fetch from).
 */
export async function createI18n(defaultLocale: Locale): Promise<I18n> {
  const resources = Object.fromEntries(
    supportedLocales.map((locale) => [
      locale,
      { translation: JSON.parse(fs.readFileSync(path.join(localesDir, `${locale}.json`), 'utf8')) },
    ]),
  );
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: [...supportedLocales],
    interpolation: { escapeValue: false }, // Handlebars escapes on output
    returnNull: false,
  });
  return instance;
}

/**
 * The language for a request: the visitor's explicit choice (cookie), then the
 * signed-in user's preference, then Accept-Language, then the default.
 */
export function resolveLocale(input: {
  cookie?: unknown;
  userPreference?: unknown;
  acceptLanguage?: (...languages: string[]) => string | false;
  fallback: Locale;
}): Locale {
  if (isLocale(input.cookie)) return input.cookie;
  if (isLocale(input.userPreference)) return input.userPreference;
  const accepted = input.acceptLanguage?.('zh-CN', 'zh', 'en');
  if (accepted === 'zh' || accepted === 'zh-CN') return 'zh-CN';
  if (accepted === 'en') return 'en';
  return input.fallback;
}
