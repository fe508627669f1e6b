import { addressKeyOf } from '../auth/sign-in-throttle';
import type { Tx } from '../shared/db/transactions';
import { TooManyRequestsError } from '../shared/errors';
import type { LookupThrottleKey, LookupThrottleRepository } from './lookup-throttle.repository';
import { normaliseCaseNumber } from './tracking.schemas';

/**
 * How failed progress lookups are slowed down, so that nobody can try codes until one fits:
 * per address (IPv4, or the /64 an IPv6 address lies in, as the sign-in throttle counts) and
 * per number typed, `maxFailures` failures within `windowMinutes` refuse further lookups until
 * that window ends. A refused lookup is answered 429 with Retry-After before any code is
 * checked, and is not counted. Only failures count: a family looking up their case from one
 * office is never slowed. The number's limit lets a guesser spoil a party's lookup for a
 * quarter of an hour at most; the staff can still tell the party where it stands.
 */
export const lookupThrottleRules = {
  address: { maxFailures: 20, windowMinutes: 15 },
  number: { maxFailures: 10, windowMinutes: 15 },
  /** Counts older than a day are deleted. */
  keepFailuresHours: 24,
} as const;

const minutes = (n: number) => n * 60 * 1000;

/** Refused for now (`track_throttled`): too many failed lookups from this address or for this number. */
export class LookupThrottledError extends TooManyRequestsError {
  readonly retryAfterSeconds: number;
  constructor(refusedUntil: Date, now: Date) {
    const seconds = Math.max(1, Math.ceil((refusedUntil.getTime() - now.getTime()) / 1000));
    super('track_throttled', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
    this.retryAfterSeconds = seconds;
  }
}

/** Who is looking, as the throttle counts them. */
export function lookupAttemptOf(number: string, ip: string | null | undefined): LookupThrottleKey[] {
  return [
    { scope: 'address', key: addressKeyOf(ip) },
    { scope: 'number', key: normaliseCaseNumber(number).slice(0, 64) },
  ];
}

export class LookupThrottle {
  constructor(private readonly counts: LookupThrottleRepository) {}

  /** The refusal in force for this attempt, if any (the later one when both are). */
  async refusalOf(attempt: LookupThrottleKey[], now: Date): Promise<LookupThrottledError | null> {
    const longestWindow = Math.max(
      lookupThrottleRules.address.windowMinutes,
      lookupThrottleRules.number.windowMinutes,
    );
    const open = await this.counts.openCounts(attempt, new Date(now.getTime() - minutes(longestWindow)));
    let until: Date | null = null;
    for (const count of open) {
      const rule = lookupThrottleRules[count.scope];
      const ends = new Date(count.windowStartedAt.getTime() + minutes(rule.windowMinutes));
      if (count.failures >= rule.maxFailures && ends > now && (!until || ends > until)) until = ends;
    }
    return until ? new LookupThrottledError(until, now) : null;
  }

  /** Counts a failure for the address and the number. */
  async recordFailure(attempt: LookupThrottleKey[], now: Date, tx: Tx): Promise<void> {
    await this.counts.pruneBefore(
      new Date(now.getTime() - lookupThrottleRules.keepFailuresHours * 3_600_000),
      tx,
    );
    for (const key of attempt) {
      const rule = lookupThrottleRules[key.scope];
      await this.counts.countFailure(
        key,
        { now, restartIfWindowBefore: new Date(now.getTime() - minutes(rule.windowMinutes)) },
        tx,
      );
    }
  }
}
