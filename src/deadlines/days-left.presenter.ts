import type { TFunction } from 'i18next';

/**
 * The days left on a clock in words, worded the same on every page (cases, petitions):
 * "还剩 3 天" / "3 days left", "今天到期" / "Due today", "已超期 2 天" / "Overdue by 2 days".
 * `daysLeft` is calendar days from today to the last day, negative once it has passed.
 */
export function daysLeftText(daysLeft: number, t: TFunction): string {
  if (daysLeft < 0) return t('deadlines.overdueBy', { count: -daysLeft });
  if (daysLeft === 0) return t('deadlines.dueToday');
  return t('deadlines.daysLeft', { count: daysLeft });
}
