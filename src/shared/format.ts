import type { Locale } from './i18n/i18n';

const timeZone = 'Asia/Shanghai';

/** A moment as people in the district read it: Asia/Shanghai, in their language's style. */
export function formatDateTime(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(date);
}

/** The fields of a moment in Asia/Shanghai, by name (`hour` from 00 to 23). */
function shanghaiParts(date: Date, fields: Intl.DateTimeFormatOptions): Record<string, string> {
  const parts: Record<string, string> = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour12: false, ...fields })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  if (parts.hour === '24') parts.hour = '00';
  return parts;
}

/** A moment's time of day, to the second, in Asia/Shanghai: `14:05:31` (both languages write it so). */
export function formatTimeOfDay(date: Date): string {
  const parts = shanghaiParts(date, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * A plain date (`YYYY-MM-DD`, a day in Asia/Shanghai) as a mediator writes it:
 * 2026年11月26日, or 26 Nov 2026 in English.
 */
export function formatPlainDate(date: string, locale: Locale): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (locale !== 'en') return `${year}年${month}月${day}日`;
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** A moment as a date and a time of day, minutes precision: 2026年11月26日 14:30, or 26 Nov 2026, 14:30. */
export function formatMoment(date: Date, locale: Locale): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const plain = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
  return locale === 'en'
    ? `${formatPlainDate(plain, locale)}, ${time}`
    : `${formatPlainDate(plain, locale)} ${time}`;
}

/** `2026-11-20T10:00` (what `<input type="datetime-local">` shows) for a moment, in Asia/Shanghai. */
export function toLocalDateTimeInput(date: Date): string {
  const parts = shanghaiParts(date, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** An amount of money in yuan: ¥42,000.00. */
export function formatAmount(amount: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
    style: 'currency',
    currency: 'CNY',
  }).format(amount);
}

/** A file size for people: 1.2 MB, 340 KB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
