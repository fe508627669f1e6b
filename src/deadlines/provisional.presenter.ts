import type { TFunction } from 'i18next';
import type { Locale } from '../shared/i18n/i18n';

/**
 * Why a deadline is provisional, in one line, worded the same on every page and mail:
 * "2027 年节假日安排尚未录入，期限暂按法定节假日计算" / "The 2027 holiday arrangement is
 * not entered yet: …". Null when every year the period crosses has its notice.
 */
export function provisionalText(
  yearsWithoutNotice: readonly number[],
  t: TFunction,
  locale: Locale,
): string | null {
  if (yearsWithoutNotice.length === 0) return null;
  return t('deadlines.provisional', { years: yearList(yearsWithoutNotice, locale) });
}

/** Years as a sentence names them: 2027、2028 / 2027 and 2028. */
function yearList(years: readonly number[], locale: Locale): string {
  if (locale !== 'en') return years.join('、');
  return years.length <= 2 ? years.join(' and ') : `${years.slice(0, -1).join(', ')} and ${years.at(-1)}`;
}
