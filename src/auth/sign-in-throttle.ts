import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Tx } from '../shared/db/transactions';
import { TooManyRequestsError } from '../shared/errors';
import type { SignInRepository, ThrottleKey } from './sign-in.repository';

/**
 * How failed sign-ins are slowed down (issue 17). The old rule — five wrong passwords lock
 * the account for 15 minutes, the right one included — let anyone keep any owner out, and
 * told which names were accounts (unknown names were never locked). Now nothing is ever
 * locked; what is slowed is the place the guesses come from:
 *
 * - Per pair (the name typed, the address it comes from): the first `freeFailures` cost
 *   nothing; after that each failure refuses that pair for a while, doubling from
 *   `firstRefusalMinutes` up to `maxRefusalMinutes`. An attacker at one address gets a
 *   handful of guesses and then about four an hour; the owner signing in from anywhere
 *   else is not affected, and a success from the pair forgets its failures. The count
 *   starts again after `forgetAfterMinutes` without a failure.
 * - Per address (all names together): `maxFailures` failures within `windowMinutes`
 *   refuse the address until the window ends — against spraying one password over many
 *   names. Only failures count: an office signing in all at once behind one NAT address
 *   is never slowed.
 *
 * The pair is keyed by the name as typed, whether or not it is an account, so known and
 * unknown names are slowed alike. A refused attempt is answered 429 before any password
 * is checked (so a refused guesser learns nothing) and is not counted. IPv6 addresses
 * count by their /64 prefix (what one subscriber is given), IPv4-mapped ones as IPv4.
 */
export const signInThrottleRules = {
  pair: { freeFailures: 5, firstRefusalMinutes: 1, maxRefusalMinutes: 15, forgetAfterMinutes: 60 },
  address: { maxFailures: 50, windowMinutes: 15 },
  /** Counts nobody needs any more are deleted after a day. */
  keepFailuresHours: 24,
} as const;

const minutes = (n: number) => n * 60 * 1000;

/** Refused for now: this name from this address (`sign_in_throttled`), or this address (`login_throttled`). */
export class SignInThrottledError extends TooManyRequestsError {
  constructor(
    scope: 'pair' | 'address',
    readonly refusedUntil: Date,
    now: Date,
  ) {
    super(scope === 'pair' ? 'sign_in_throttled' : 'login_throttled', {
      minutes: Math.max(1, Math.ceil((refusedUntil.getTime() - now.getTime()) / 60_000)),
    });
  }
}

/** The name as the throttle keeps it: a SHA-256 of its lower-case form (some people type their password there). */
export function accountKeyOf(username: string): string {
  return createHash('sha256').update(username.trim().toLowerCase()).digest('hex');
}

/** The address as the throttle counts it: IPv4, or the /64 an IPv6 address lies in. */
export function addressKeyOf(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip) || ip.includes('.')) return ip.slice(0, 64);
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = ip.includes('::') && tail ? tail.split(':') : [];
  const zeros = Array(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups].map((group) => group.replace(/^0+(?=.)/, ''));
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** Who is trying, as the throttle sees them. */
export interface SignInAttempt {
  pair: ThrottleKey;
  address: ThrottleKey;
}

export function attemptOf(username: string, ip: string | null | undefined): SignInAttempt {
  const address = addressKeyOf(ip);
  return { pair: { accountKey: accountKeyOf(username), address }, address: { accountKey: '', address } };
}

/** After failure number `failures` of a pair, how long it is refused (0: not at all). */
export function pairRefusalMinutes(failures: number): number {
  const rule = signInThrottleRules.pair;
  if (failures <= rule.freeFailures) return 0;
  return Math.min(rule.maxRefusalMinutes, rule.firstRefusalMinutes * 2 ** (failures - rule.freeFailures - 1));
}

/** The throttle itself: asked before a password is checked, told of every failure and success. */
export class SignInThrottle {
  constructor(private readonly bookkeeping: SignInRepository) {}

  /** The refusal in force for this attempt, if any (the longer one when both are). */
  async refusalOf(attempt: SignInAttempt, now: Date): Promise<SignInThrottledError | null> {
    const refusals = await this.bookkeeping.refusalsOf(attempt.pair, now);
    if (refusals.length === 0) return null;
    const longest = refusals.reduce((a, b) => (a.refusedUntil > b.refusedUntil ? a : b));
    return new SignInThrottledError(
      longest.accountKey === '' ? 'address' : 'pair',
      longest.refusedUntil,
      now,
    );
  }

  /** Counts a failure for the pair and the address; answers the refusals it starts, for the audit log. */
  async recordFailure(
    attempt: SignInAttempt,
    now: Date,
    tx: Tx,
  ): Promise<{ failures: number; refused: Array<{ scope: 'pair' | 'address'; until: Date }> }> {
    const rules = signInThrottleRules;
    await this.bookkeeping.pruneBefore(new Date(now.getTime() - rules.keepFailuresHours * 3_600_000), tx);
    const pair = await this.bookkeeping.countFailure(
      attempt.pair,
      {
        now,
        restartIfIdleSince: new Date(now.getTime() - minutes(rules.pair.forgetAfterMinutes)),
        restartIfWindowBefore: null,
      },
      tx,
    );
    const address = await this.bookkeeping.countFailure(
      attempt.address,
      {
        now,
        restartIfIdleSince: null,
        restartIfWindowBefore: new Date(now.getTime() - minutes(rules.address.windowMinutes)),
      },
      tx,
    );
    const refused: Array<{ scope: 'pair' | 'address'; until: Date }> = [];
    const pairMinutes = pairRefusalMinutes(pair.failures);
    if (pairMinutes > 0) {
      const until = new Date(now.getTime() + minutes(pairMinutes));
      await this.bookkeeping.refuse(attempt.pair, until, tx);
      refused.push({ scope: 'pair', until });
    }
    if (address.failures >= rules.address.maxFailures) {
      const until = new Date(address.windowStartedAt.getTime() + minutes(rules.address.windowMinutes));
      await this.bookkeeping.refuse(attempt.address, until, tx);
      refused.push({ scope: 'address', until });
    }
    return { failures: pair.failures, refused };
  }

  /** A success: the pair's failures are forgotten; the address's stay (they were others' guesses). */
  recordSuccess(attempt: SignInAttempt, tx: Tx): Promise<void> {
    return this.bookkeeping.forget(attempt.pair, tx);
  }
}
