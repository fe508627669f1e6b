import { type DataSource, QueryFailedError } from 'typeorm';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { isDatabaseUnavailable } from './database-errors';

/**
 * What a read answered, and how fresh it is. `asOf`: the moment the data is true of — the
 * standby's last replayed commit (or its clock, when it has nothing left to replay), or the
 * moment of reading on the primary. `standby`: whether it came from the standby; only then
 * is the data possibly older than the moment it was read, and a page says so.
 */
export interface Reading<T> {
  value: T;
  asOf: Date;
  standby: boolean;
}

/** What a read's answer tells about its freshness, as the statistics and exports pass it on. */
export interface Freshness {
  /** `Reading.asOf`. */
  asOf: Date;
  readFrom: 'standby' | 'primary';
}

export function freshnessOf(reading: Pick<Reading<unknown>, 'asOf' | 'standby'>): Freshness {
  return { asOf: reading.asOf, readFrom: reading.standby ? 'standby' : 'primary' };
}

/** How fresh a standby is, as it says itself. */
interface StandbyFreshness {
  asOf: Date;
  lagSeconds: number;
}

/** The reads that may go to a standby (statistics, exports): where they are sent, and how fresh that is. */
export interface Reads {
  /** Runs `work` on the data source to read from now; `work` is told how fresh that is, too. */
  read<T>(
    work: (db: DataSource, freshness: Freshness) => Promise<T>,
    options?: ReadOptions,
  ): Promise<Reading<T>>;
}

export interface ReadOptions {
  /**
   * Asked when the standby fails during `work`: may it run again on the primary? (No once an
   * export has begun writing its file.) Default: yes.
   */
  mayRetry?: () => boolean;
}

/** The standby pool's `application_name` (what pg_stat_activity shows for its connections). */
export const readPoolApplicationName = 'grand-mediation-reads';

/** A standby's freshness is asked at most this often; a request in between uses the last answer. */
const probeReuseMs = 1000;
/** After the standby failed, reads go to the primary without trying it for this long. */
const retryAfterFailureMs = 10_000;

/**
 * SQLSTATE 40001 on a standby: "canceling statement due to conflict with recovery" — replay
 * needed rows the statement was reading. The primary answers the same read without it.
 */
const conflictWithRecovery = '40001';
/** SQLSTATE 57014: the statement ran past DATABASE_STATEMENT_TIMEOUT_MS. */
const statementTimedOut = '57014';

/**
 * The standby's own account of its freshness, one statement: on a primary (not in recovery) the
 * data is current; on a standby with a WAL receiver connected that has replayed all it received,
 * current as of its clock (an idle primary writes nothing to replay, so the last replayed commit
 * may be old though nothing is missing); otherwise as of the last commit it replayed — none: not
 * known, and the reads go to the primary.
 */
const freshnessSql = `SELECT now() AS now,
  CASE
    WHEN NOT pg_is_in_recovery() THEN now()
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
      AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN now()
    ELSE pg_last_xact_replay_timestamp()
  END AS as_of`;

type StandbyState = 'unknown' | 'serving' | 'down' | 'lagging';

/**
 * The reads that may go to a standby (DATABASE_READ_URL): statistics and exports. Each read
 * asks the standby how fresh it is (once a second at most, shared by the reads of that
 * second) and runs there when it answers and lags no more than `maxLagSeconds`; otherwise on
 * the primary, as if no standby were configured. A standby that fails — unreachable, down,
 * a statement cancelled by replay — is left alone for 10 s, its reads going to the primary,
 * and a read it failed runs again on the primary. It is logged once when it stops serving and
 * once when it is back, not per request. The standby's pool is opened on first use (a standby
 * down at start does not stop the start) and again after a failure to open it.
 */
export class ReadReplica implements Reads {
  /** How many reads each side served (for tests and the log; never reset). */
  readonly served = { standby: 0, primary: 0 };
  private standby: DataSource | undefined;
  private opening: Promise<DataSource> | undefined;
  private probe: { at: number; answer: Promise<StandbyFreshness> } | undefined;
  private failedAt = Number.NEGATIVE_INFINITY;
  private state: StandbyState = 'unknown';
  private closed = false;

  constructor(
    private readonly options: {
      primary: DataSource;
      /** Builds the standby's data source (not yet initialised): a small pool of its own. */
      openStandby: () => DataSource;
      maxLagSeconds: number;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async read<T>(
    work: (db: DataSource, freshness: Freshness) => Promise<T>,
    options: ReadOptions = {},
  ): Promise<Reading<T>> {
    const standby = await this.usableStandby();
    if (standby) {
      try {
        const value = await work(standby.db, { asOf: standby.asOf, readFrom: 'standby' });
        this.served.standby++;
        return { value, asOf: standby.asOf, standby: true };
      } catch (error) {
        if (!standbyFailure(error)) throw error;
        this.failed(error);
        if (!(options.mayRetry?.() ?? true)) throw error;
      }
    }
    return this.onPrimary(work);
  }

  /** Closes the standby's pool (on shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    const standby = this.standby ?? (await this.opening?.catch(() => undefined));
    this.standby = undefined;
    if (standby?.isInitialized) await standby.destroy();
  }

  private async onPrimary<T>(
    work: (db: DataSource, freshness: Freshness) => Promise<T>,
  ): Promise<Reading<T>> {
    const asOf = this.options.clock.now();
    const value = await work(this.options.primary, { asOf, readFrom: 'primary' });
    this.served.primary++;
    return { value, asOf, standby: false };
  }

  /** The standby and how fresh it is, when reads may go there now; undefined: read on the primary. */
  private async usableStandby(): Promise<{ db: DataSource; asOf: Date } | undefined> {
    if (this.closed || Date.now() - this.failedAt < retryAfterFailureMs) return undefined;
    let db: DataSource;
    let freshness: StandbyFreshness;
    try {
      db = await this.openedStandby();
      freshness = await this.freshness(db);
    } catch (error) {
      this.failed(error);
      return undefined;
    }
    if (freshness.lagSeconds > this.options.maxLagSeconds) {
      this.becomes('lagging', { lagSeconds: Math.round(freshness.lagSeconds) });
      return undefined;
    }
    this.becomes('serving', {});
    return { db, asOf: freshness.asOf };
  }

  private openedStandby(): Promise<DataSource> {
    if (this.standby?.isInitialized) return Promise.resolve(this.standby);
    this.opening ??= (async () => {
      const db = this.options.openStandby();
      try {
        await db.initialize();
      } catch (error) {
        // TypeORM leaves a pool behind when the first connection fails: it holds no connection, but end it
        await (db.driver as { master?: { end(): Promise<void> } }).master?.end().catch(() => undefined);
        throw error;
      }
      if (this.closed) {
        await db.destroy();
        throw new Error('the read replica is closed');
      }
      this.standby = db;
      return db;
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private freshness(db: DataSource): Promise<StandbyFreshness> {
    const now = Date.now();
    if (this.probe && now - this.probe.at < probeReuseMs) return this.probe.answer;
    const answer = (async () => {
      const [row]: Array<{ now: Date; as_of: Date | null }> = await db.query(freshnessSql);
      // nothing replayed and not known to be caught up: how old the data is, nobody can say
      if (!row.as_of) return { asOf: row.now, lagSeconds: Number.POSITIVE_INFINITY };
      return { asOf: row.as_of, lagSeconds: Math.max(0, (row.now.getTime() - row.as_of.getTime()) / 1000) };
    })();
    this.probe = { at: now, answer };
    // a failed probe is not reused: the next read asks again (after the failure's pause)
    answer.catch(() => {
      if (this.probe?.answer === answer) this.probe = undefined;
    });
    return answer;
  }

  private failed(error: unknown): void {
    this.failedAt = Date.now();
    this.probe = undefined;
    this.becomes('down', { err: error });
  }

  /** Logs a change of the standby's state once: not every request of an outage. */
  private becomes(state: StandbyState, details: Record<string, unknown>): void {
    if (state === this.state) return;
    const before = this.state;
    this.state = state;
    const { logger, maxLagSeconds } = this.options;
    if (state === 'down')
      logger.warn(
        details,
        'standby (DATABASE_READ_URL) not answering: statistics and exports read from the primary',
      );
    else if (state === 'lagging')
      logger.warn(
        { ...details, maxLagSeconds },
        'standby (DATABASE_READ_URL) lags more than DATABASE_READ_MAX_LAG_SECONDS: statistics and exports read from the primary',
      );
    else if (before !== 'unknown')
      logger.info({ was: before }, 'standby (DATABASE_READ_URL) serves statistics and exports again');
    else logger.info('standby (DATABASE_READ_URL) serves statistics and exports');
  }
}

/**
 * An error of the standby, not of the read: worth the same read on the primary. That is any error
 * of the database — unreachable, gone, a statement cancelled by replay (40001), a statement it
 * refused (a standby of another database, a schema not yet replayed) — but a statement past its
 * timeout, which would take as long on the primary. Not the domain's own errors (a refusal).
 */
function standbyFailure(error: unknown): boolean {
  const code =
    (error as { driverError?: { code?: unknown }; code?: unknown })?.driverError?.code ??
    (error as { code?: unknown })?.code;
  if (code === statementTimedOut) return false;
  return error instanceof QueryFailedError || code === conflictWithRecovery || isDatabaseUnavailable(error);
}

/** The reads of one module, made with its own repositories (one set per data source, built on first use). */
export interface ReadsOf<R> {
  read<T>(work: (readers: R, freshness: Freshness) => Promise<T>, options?: ReadOptions): Promise<Reading<T>>;
}

/** `reads`, handing each read the repositories `build` makes on the data source it goes to. */
export function readsOf<R extends object>(reads: Reads, build: (db: DataSource) => R): ReadsOf<R> {
  const built = new WeakMap<DataSource, R>();
  return {
    read: (work, options) =>
      reads.read((db, freshness) => {
        let readers = built.get(db);
        if (!readers) {
          readers = build(db);
          built.set(db, readers);
        }
        return work(readers, freshness);
      }, options),
  };
}

/** No standby configured: every read on the primary, current. */
export function primaryReads(primary: DataSource, clock: Clock): Reads {
  return {
    async read(work) {
      const asOf = clock.now();
      return { value: await work(primary, { asOf, readFrom: 'primary' }), asOf, standby: false };
    },
  };
}
