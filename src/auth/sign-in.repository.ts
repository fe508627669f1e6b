import type { DataSource, EntityManager } from 'typeorm';

/** One (name typed, address) pair or, with `accountKey` '', one address: the throttle's unit of counting. */
export interface ThrottleKey {
  accountKey: string;
  address: string;
}

/**
 * Sign-in bookkeeping, kept out of `users` so that signing in never says `actors_changed`:
 * when each account last signed in (`user_sign_ins`), and the failures the throttle counts
 * (`sign_in_failures`, see sign-in-throttle.ts). The only code that queries them.
 */
export class SignInRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  /** The refusals in force for this pair and its address (`accountKey` '' is the address's). */
  async refusalsOf(pair: ThrottleKey, now: Date): Promise<Array<{ accountKey: string; refusedUntil: Date }>> {
    const rows: Array<{ account_key: string; refused_until: Date }> = await this.manager().query(
      `SELECT account_key, refused_until FROM sign_in_failures
       WHERE address = $1 AND account_key IN ($2, '') AND refused_until > $3`,
      [pair.address, pair.accountKey, now],
    );
    return rows.map((row) => ({ accountKey: row.account_key, refusedUntil: new Date(row.refused_until) }));
  }

  /**
   * Counts one failure for `key` and answers the count: it starts again at 1 when the
   * last failure was at or before `restartIfIdleSince`, or the count's window began at or
   * before `restartIfWindowBefore` (null: that rule does not apply). Atomic: concurrent
   * failures are each counted.
   */
  async countFailure(
    key: ThrottleKey,
    at: { now: Date; restartIfIdleSince: Date | null; restartIfWindowBefore: Date | null },
    tx: EntityManager,
  ): Promise<{ failures: number; windowStartedAt: Date }> {
    const [row]: Array<{ failures: number; window_started_at: Date }> = await tx.query(
      `INSERT INTO sign_in_failures AS f (account_key, address, failures, window_started_at, last_failed_at)
       VALUES ($1, $2, 1, $3, $3)
       ON CONFLICT (address, account_key) DO UPDATE SET
         failures = CASE WHEN f.last_failed_at <= $4 OR f.window_started_at <= $5 THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.last_failed_at <= $4 OR f.window_started_at <= $5 THEN $3 ELSE f.window_started_at END,
         refused_until = CASE WHEN f.last_failed_at <= $4 OR f.window_started_at <= $5 THEN NULL ELSE f.refused_until END,
         last_failed_at = $3
       RETURNING failures, window_started_at`,
      [
        key.accountKey,
        key.address,
        at.now,
        at.restartIfIdleSince ?? '-infinity',
        at.restartIfWindowBefore ?? '-infinity',
      ],
    );
    return { failures: row.failures, windowStartedAt: new Date(row.window_started_at) };
  }

  async refuse(key: ThrottleKey, until: Date, tx: EntityManager): Promise<void> {
    await tx.query('UPDATE sign_in_failures SET refused_until = $3 WHERE address = $1 AND account_key = $2', [
      key.address,
      key.accountKey,
      until,
    ]);
  }

  /** A success from the pair: its failures are forgotten (the address's are not). */
  async forget(key: ThrottleKey, tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM sign_in_failures WHERE address = $1 AND account_key = $2', [
      key.address,
      key.accountKey,
    ]);
  }

  /** Failures nobody needs any more: last counted before `cutoff`, their refusal over. */
  async pruneBefore(cutoff: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `DELETE FROM sign_in_failures
       WHERE last_failed_at < $1 AND (refused_until IS NULL OR refused_until < $1)`,
      [cutoff],
    );
  }

  async recordSignIn(userId: string, at: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO user_sign_ins (user_id, last_signed_in_at) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET last_signed_in_at = EXCLUDED.last_signed_in_at`,
      [userId, at],
    );
  }
}
