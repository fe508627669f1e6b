import type { DataSource } from 'typeorm';

/**
 * A state filter whose states hold at least this share of all cases is tested on each row of
 * the capped count, not intersected in cases_scope_state_type_gin: `closed` holds 98.5 % of the
 * benchmark's million cases, and the index read its posting list whole to intersect it with a
 * sub-centre's (a count of `type=labour&state=closed`: 39 ms, 34 of them in the GIN scan; with
 * the state tested on the row, 26 ms). The count stops at its cap, so a state held by half the
 * cases costs it about twice the rows it reads.
 */
export const commonStatesShare = 0.5;

/**
 * The share of all cases in each state, as PostgreSQL's statistics last sampled them
 * (`pg_stats`, kept by ANALYZE and autovacuum), read again every `maxAgeMs`. None before the
 * first ANALYZE: every state is then intersected in the index.
 */
export class CaseStateShares {
  private shares = new Map<string, number>();
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** The share of all cases in any of `states` (0–1). */
  async of(states: readonly string[]): Promise<number> {
    if (this.now() - this.readAt >= this.maxAgeMs) {
      this.reading ??= this.read().finally(() => {
        this.reading = undefined;
      });
      await this.reading;
    }
    return states.reduce((sum, state) => sum + (this.shares.get(state) ?? 0), 0);
  }

  /** Reads the shares; if they cannot be read, the last ones stay (none at first): they choose a plan, and fail no list. */
  private async read(): Promise<void> {
    try {
      const rows: Array<{ states: string[] | null; shares: number[] | null }> = await this.db.query(
        `SELECT most_common_vals::text::text[] AS states, most_common_freqs AS shares
           FROM pg_stats
          WHERE schemaname = current_schema() AND tablename = 'cases' AND attname = 'state' AND NOT inherited`,
      );
      const [row] = rows;
      this.shares = new Map((row?.states ?? []).map((state, at) => [state, row?.shares?.[at] ?? 0]));
    } catch {
      // tried again at the next read after `maxAgeMs`; the list's own query says whether the database is there
    }
    this.readAt = this.now();
  }
}
