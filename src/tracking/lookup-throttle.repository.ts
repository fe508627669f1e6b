import type { DataSource, EntityManager } from 'typeorm';

/** One counter of failed lookups: an address (IPv4, or an IPv6 /64) or a number as typed. */
export interface LookupThrottleKey {
  scope: 'address' | 'number';
  key: string;
}

/** `lookup_failures`: failed progress lookups counted per address and per number, in a window. */
export class LookupThrottleRepository {
  constructor(private readonly db: DataSource) {}

  /** The counts whose window is still open (began after `windowOpenSince`). */
  async openCounts(
    keys: LookupThrottleKey[],
    windowOpenSince: Date,
  ): Promise<Array<LookupThrottleKey & { failures: number; windowStartedAt: Date }>> {
    const rows: Array<{
      scope: 'address' | 'number';
      key: string;
      failures: number;
      window_started_at: Date;
    }> = await this.db.query(
      `SELECT scope, key, failures, window_started_at FROM lookup_failures
         WHERE (scope, key) IN (SELECT * FROM unnest($1::varchar[], $2::varchar[])) AND window_started_at > $3`,
      [keys.map((k) => k.scope), keys.map((k) => k.key), windowOpenSince],
    );
    return rows.map((row) => ({
      scope: row.scope,
      key: row.key,
      failures: row.failures,
      windowStartedAt: new Date(row.window_started_at),
    }));
  }

  /** Counts one failure; a window that began at or before `restartIfWindowBefore` starts again at 1. Atomic. */
  async countFailure(
    key: LookupThrottleKey,
    at: { now: Date; restartIfWindowBefore: Date },
    tx: EntityManager,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO lookup_failures AS f (scope, key, failures, window_started_at, last_failed_at)
       VALUES ($1, $2, 1, $3, $3)
       ON CONFLICT (scope, key) DO UPDATE SET
         failures = CASE WHEN f.window_started_at <= $4 THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.window_started_at <= $4 THEN $3 ELSE f.window_started_at END,
         last_failed_at = $3`,
      [key.scope, key.key, at.now, at.restartIfWindowBefore],
    );
  }

  /** Counts nobody needs any more. */
  async pruneBefore(cutoff: Date, tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM lookup_failures WHERE last_failed_at < $1', [cutoff]);
  }
}
