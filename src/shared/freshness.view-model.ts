import type { TFunction } from 'i18next';
import type { Freshness } from './db/read-replica';
import { formatTimeOfDay } from './format';

/**
 * The note a page shows over what it read from the standby (DATABASE_READ_URL): "数据截至
 * 14:05:31", the moment the data is true of. None over what it read from the primary: that
 * is current, and a note that always says "now" would only be noise.
 */
export function asOfNote(freshness: Freshness, t: TFunction) {
  if (freshness.readFrom !== 'standby') return undefined;
  return {
    text: t('readReplica.asOf', { time: formatTimeOfDay(freshness.asOf) }),
    hint: t('readReplica.asOfHint'),
    datetime: freshness.asOf.toISOString(),
  };
}

/** What an exported file's name gains when it was read from the standby: `-asof-140531`; nothing otherwise. */
export function asOfFileSuffix(freshness: Freshness): string {
  if (freshness.readFrom !== 'standby') return '';
  return `-asof-${formatTimeOfDay(freshness.asOf).replaceAll(':', '')}`;
}
