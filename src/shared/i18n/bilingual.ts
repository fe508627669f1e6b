import type { Locale } from './i18n';

/** A text the law or the data gives in both languages (a legal source, a body's name, a note). */
export interface Bilingual {
  zh: string;
  en: string;
}

/** The text in the reader's language: the one place that picks `en` or `zh`. */
export function inLocale(locale: Locale, text: Bilingual): string {
  return locale === 'en' ? text.en : text.zh;
}

/** How a list of short items is joined in running text: "a, b" in English, "a、b" in Chinese. */
export function listSeparator(locale: Locale): string {
  return locale === 'en' ? ', ' : '、';
}

/** How longer items (each with its own commas) are joined: "a; b" in English, "a；b" in Chinese. */
export function clauseSeparator(locale: Locale): string {
  return locale === 'en' ? '; ' : '；';
}

/** A text with a note after it in brackets: "Wang (Applicant)" in English, "王建国（申请人）" in Chinese. */
export function withNote(locale: Locale, text: string, note: string): string {
  return locale === 'en' ? `${text} (${note})` : `${text}（${note}）`;
}
