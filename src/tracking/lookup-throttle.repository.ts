import type { DataSource } from 'typeorm';

/** One counter of failed lookups: an address (IPv4, or an IPv6 /64) or a number as typed. */
export interface LookupThrottleKey {
  scope: 'address' | 'number';
  key: string;
}

/** `lookup_failures`: failed progress lookups counted per address and per number, in a window. */
export class LookupThrottleRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Counts one attempt and answers the count with its window; a window that began at or before
   * `restartIfWindowBefore` starts again at 1. One statement on its own (the row's lock is held
   * only while it runs): parallel attempts are each counted, none waits holding a connection.
   */
  async countAttempt(
    key: LookupThrottleKey,
    at: { now: Date; restartIfWindowBefore: Date },
  ): Promise<{ failures: number; windowStartedAt: Date }> {
    const [row]: Array<{ failures: number; window_started_at: Date }> = await this.db.query(
      `INSERT INTO lookup_failures AS f (scope, key, failures, window_started_at, last_failed_at)
       VALUES ($1, $2, 1, $3, $3)
       ON CONFLICT (scope, key) DO UPDATE SET
         failures = CASE WHEN f.window_started_at <= $4 THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.window_started_at <= $4 THEN $3 ELSE f.window_started_at END,
         last_failed_at = $3
       RETURNING failures, window_started_at`,
      [key.scope, key.key, at.now, at.restartIfWindowBefore],
    );
    return { failures: row.failures, windowStartedAt: new Date(row.window_started_at) };
  }

  /** Takes back the count of an attempt that succeeded (only failures count). */
  async uncount(key: LookupThrottleKey): Promise<void> {
    // a count back at nothing is no row (counts are positive)
    await this.db.query(
      `WITH gone AS (DELETE FROM lookup_failures WHERE scope = $1 AND key = $2 AND failures <= 1 RETURNING 1)
       UPDATE lookup_failures SET failures = failures - 1
         WHERE scope = $1 AND key = $2 AND failures > 1 AND NOT EXISTS (SELECT 1 FROM gone)`,
      [key.scope, key.key],
    );
  }

  /** Counts nobody needs any more. */
  async pruneBefore(cutoff: Date): Promise<void> {
    await this.db.query('DELETE FROM lookup_failures WHERE last_failed_at < $1', [cutoff]);
  }
}
