import { addressKeyOf } from '../auth/sign-in-throttle';
import { TooManyRequestsError } from '../shared/errors';
import type { LookupThrottleKey, LookupThrottleRepository } from './lookup-throttle.repository';
import { normaliseCaseNumber } from './tracking.schemas';

/**
 * How failed progress lookups are slowed down, so that nobody can try codes until one fits:
 * per address (IPv4, or the /64 an IPv6 address lies in, as the sign-in throttle counts) and
 * per number typed, `maxFailures` failures within `windowMinutes` refuse further lookups until
 * that window ends. Each attempt is counted *before* its code is checked, in one statement per
 * counter, and the count taken back if the code was right (only failures count): guesses sent
 * all at once, to any number of instances, cannot all pass before one is counted, and nobody
 * waits on a lock holding a database connection. A refused lookup is answered 429 with
 * Retry-After; only the first refusal of a window is audited (a flood writes one entry). A
 * family looking up their case from one office is never slowed. The number's limit lets a
 * guesser spoil a party's lookup for a quarter of an hour at most; the staff can still tell
 * the party where it stands.
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

/** An attempt let through: its counts, to take back if its code was right (`LookupThrottle.succeeded`). */
export interface AdmittedLookup {
  attempt: LookupThrottleKey[];
}

export class LookupThrottle {
  constructor(private readonly counts: LookupThrottleRepository) {}

  /**
   * Counts the attempt for the address and the number and answers the refusal in force, if any
   * (the later end when both refuse); `firstInWindow` marks the first refused attempt since the
   * limit was met (the one worth an audit entry).
   */
  async admit(
    attempt: LookupThrottleKey[],
    now: Date,
  ): Promise<
    { refused: { error: LookupThrottledError; firstInWindow: boolean } } | { admitted: AdmittedLookup }
  > {
    await this.counts.pruneBefore(
      new Date(now.getTime() - lookupThrottleRules.keepFailuresHours * 3_600_000),
    );
    let until: Date | null = null;
    let firstInWindow = false;
    for (const key of attempt) {
      const rule = lookupThrottleRules[key.scope];
      const count = await this.counts.countAttempt(key, {
        now,
        restartIfWindowBefore: new Date(now.getTime() - minutes(rule.windowMinutes)),
      });
      if (count.failures <= rule.maxFailures) continue;
      const ends = new Date(count.windowStartedAt.getTime() + minutes(rule.windowMinutes));
      if (!until || ends > until) until = ends;
      if (count.failures === rule.maxFailures + 1) firstInWindow = true;
    }
    return until
      ? { refused: { error: new LookupThrottledError(until, now), firstInWindow } }
      : { admitted: { attempt } };
  }

  /** The code was right: its attempt is not a failure. */
  async succeeded({ attempt }: AdmittedLookup): Promise<void> {
    for (const key of attempt) await this.counts.uncount(key);
  }
}
