import { defaults } from '../../config/defaults';
import { ChangeNoticeListener } from '../shared/db/change-notices';
import { whenTransactionEnds } from '../shared/db/transaction-end';
import type { ChangeNotice, Tx } from '../shared/db/transactions';
import type { Logger } from '../shared/logger';

/** The channel the triggers of migration NotifyWhenCaseViewsChange speak on: a case's id, or `*` for all. */
export const caseViewsChangedChannel = 'case_views_changed';

/**
 * A workflow event's transaction notifies for its case after its commit, not inside it
 * (`Transactions.runBracketed`), with the notices of the commits around it
 * (`AfterCommitNotices`: within a few milliseconds). Its locked read of the case selects this
 * column, which tells the `cases` trigger (migration NotifyWhenCaseViewsChange) not to notify
 * for that case in this transaction; `caseViewNoticeAfterCommit` is its `thenNotify`.
 */
export const caseViewNoticeAfterCommitColumn =
  "set_config('gm.case_view_notice_after_commit', c.id::text, true) AS case_view_notice_after_commit";

/** The notice a workflow event on case `caseId` says after its commit. */
export function caseViewNoticeAfterCommit(caseId: string): ChangeNotice {
  // as PostgreSQL writes a uuid: the listeners compare it with the ids they keep, and the trigger with `OLD.id::text`
  return { channel: caseViewsChangedChannel, payload: caseId.toLowerCase() };
}

/** A row as the case page's read answers it (`forViewRead.unitsKept`, through `rowOfJson`). */
export type KeptCaseRow = Readonly<Record<string, unknown>>;

export interface CaseViewCacheOptions {
  /** Cases kept at most (0: none; CASE_VIEW_CACHE_SIZE). */
  maxEntries: number;
  /** How long a case is kept at most. */
  maxAgeMs: number;
  /** How long this process's write marks a case at most (its transaction's end was never seen). */
  writeMarkMs: number;
}

export const caseViewCacheDefaults: CaseViewCacheOptions = {
  maxEntries: defaults.caseViewCacheSize,
  maxAgeMs: 60_000,
  writeMarkMs: 30_000,
};

/** A case kept, and until when (clock ms). */
interface Entry {
  row: KeptCaseRow;
  until: number;
}

/**
 * This process's transactions writing one case (by their query runners) that have not ended;
 * whether a write in no transaction marked it too (it lapses, nobody tells its end); and when
 * the mark lapses all the same (clock ms).
 */
interface WriteMark {
  open: Set<object>;
  untold: boolean;
  until: number;
}

/** The reads of one case in flight: whether something changed the case meanwhile. */
interface InFlight {
  count: number;
  changed: boolean;
}

/** Deep-freezes a row's plain objects and arrays: one kept row answers many requests (also `CasesKeptForEvents`). */
export function frozen<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) frozen(inner);
  }
  return value;
}

/**
 * The cases this process last showed, kept in memory between requests: the case page's read
 * (the row, its parties, its linked petitions' agents, its mediator's name; its units come
 * from the `UnitDirectory` at every answer) without its round trip to PostgreSQL. That trip
 * held the case page to the "floor" of bare Express reading the same row (0.11–0.18× of a
 * "hello", issue 22); a kept case is answered without it.
 *
 * Kept true by the database, as `ActorCache` is: triggers on `cases`, `parties`,
 * `petition_case_links`, `petitions` and `users` say NOTIFY `case_views_changed` with the
 * case's id at the commit of whatever may change what is kept (every case event, sweep,
 * correction by hand), and each app process LISTENs and forgets that case. While the
 * listening connection is down nothing is kept: every read goes to the database.
 *
 * No read keeps what may already be old:
 * - a read during which a notice for its case arrived is not kept (it may hold the old row);
 * - this process's own writes mark the case before their commit (`writing`), and until that
 *   transaction has ended the case is read from the database and not kept; at its end the
 *   case is forgotten, and a read still in flight then is not kept (it may hold the row as
 *   it was before). A user who sent an event reads its outcome on the next request here,
 *   whenever the notice lands. Not the notice: one for an earlier commit of the same case
 *   may land while the transaction is still open.
 *
 * At most `maxEntries` cases are kept; past that the longest kept goes first. A case is
 * kept at most `maxAgeMs`: a notice that could not be said (a process that stopped dead
 * between a commit and its notice, or one the database refused three times:
 * `AfterCommitNotices`) leaves another process's page old that long at most.
 */
export class CaseViewCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, InFlight>();
  /** The cases this process's open transactions are writing. */
  private readonly writes = new Map<string, WriteMark>();
  private readonly options: CaseViewCacheOptions;
  /** Moves on when everything is forgotten: a read that began before it is not kept. */
  private generation = 0;
  private readonly notices = new ChangeNoticeListener({
    channel: caseViewsChangedChannel,
    logAs: { name: 'case view cache', meanwhile: 'reading every case from the database' },
    onNotice: (payload) => this.changed(payload),
    // whatever changed before now was not seen (nothing is kept while not listening)
    onListening: () => this.forgetAll(),
    onLost: () => this.forgetAll(),
  });

  constructor(
    private readonly now: () => number = Date.now,
    options: Partial<CaseViewCacheOptions> = {},
  ) {
    this.options = {
      maxEntries: options.maxEntries ?? caseViewCacheDefaults.maxEntries,
      maxAgeMs: options.maxAgeMs ?? caseViewCacheDefaults.maxAgeMs,
      writeMarkMs: options.writeMarkMs ?? caseViewCacheDefaults.writeMarkMs,
    };
  }

  /** True while the database's change notices reach this process: only then is anything kept. */
  get live(): boolean {
    return this.notices.listening;
  }

  /** How many cases are kept (for the benchmark and the tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Whether case `caseId` is kept now, to be answered from memory (for the tests). */
  keeps(caseId: string): boolean {
    const id = caseId.toLowerCase();
    return this.live && !this.isWriting(id) && (this.entries.get(id)?.until ?? 0) > this.now();
  }

  /**
   * The row of case `id`, kept when it is there, else from `read` (kept for next time when
   * the cache is live and nothing changed the case meanwhile). No row (no such case) is not kept.
   */
  async lookup(
    caseId: string,
    read: () => Promise<Record<string, unknown> | undefined>,
  ): Promise<KeptCaseRow | undefined> {
    // as the notices name it: a path may name a case in capitals (`isUuid` allows them)
    const id = caseId.toLowerCase();
    const writing = this.isWriting(id);
    if (this.live && !writing) {
      const kept = this.entries.get(id);
      if (kept && kept.until > this.now()) return kept.row;
    }
    const generation = this.generation;
    let flight = this.inFlight.get(id);
    if (!flight) {
      flight = { count: 0, changed: false };
      this.inFlight.set(id, flight);
    }
    flight.count++;
    let row: Record<string, unknown> | undefined;
    try {
      row = await read();
    } finally {
      flight.count--;
      if (flight.count === 0) this.inFlight.delete(id);
    }
    const keep = row && this.options.maxEntries > 0 && this.live && generation === this.generation;
    if (!row || !keep || flight.changed || this.isWriting(id)) return row;
    this.entries.delete(id); // kept anew: last in the order of going
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, { row: frozen(row), until: this.now() + this.options.maxAgeMs });
    return row;
  }

  /**
   * Transaction `tx` of this process changes case `id` (called inside it, before its commit):
   * forgotten now, and neither answered from memory nor kept until `tx` has ended (committed
   * or rolled back, `whenTransactionEnds`); forgotten again then. A mark whose transaction's
   * end is never seen (or a write in no transaction) lapses after `writeMarkMs`.
   */
  writing(caseId: string, tx: Tx): void {
    const id = caseId.toLowerCase();
    const now = this.now();
    // marks whose transaction's end was never seen, swept now and then
    if (this.writes.size >= 1_000)
      for (const [marked, mark] of this.writes) if (mark.until <= now) this.writes.delete(marked);
    const until = now + this.options.writeMarkMs;
    let mark = this.writes.get(id);
    if (mark && mark.until > now) mark.until = until;
    else {
      // a lapsed mark's transactions, if any are still open, are forgotten with it: their end releases nothing
      mark = { open: new Set(), untold: false, until };
      this.writes.set(id, mark);
    }
    this.forget(id);
    const runner = tx.queryRunner;
    if (runner && mark.open.has(runner)) return; // this transaction marked it already: its end is awaited
    if (runner && whenTransactionEnds(tx, () => this.written(id, runner))) mark.open.add(runner);
    else mark.untold = true;
  }

  /** Forgets every case kept. */
  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /**
   * Starts listening for the database's change notices (on the process's one listening
   * connection, `ChangeNoticeListener`); if it drops, the cache stops keeping anything until
   * it is back, tried again every few seconds.
   */
  listen(databaseUrl: string, logger: Logger, retryMs = 5000): Promise<void> {
    return this.notices.start(databaseUrl, logger, retryMs);
  }

  /** Stops listening (and keeping anything). */
  async stop(): Promise<void> {
    await this.notices.stop();
    this.forgetAll();
    this.writes.clear();
  }

  /** A notice: case `payload` (or, `*`, any case) may have changed, by a commit of any process. */
  private changed(payload: string): void {
    if (payload === '*') {
      this.forgetAll();
      for (const flight of this.inFlight.values()) flight.changed = true;
      return;
    }
    // a write mark stays: the notice may be of an earlier commit, the marking transaction still open
    this.forget(payload.toLowerCase());
  }

  /**
   * Transaction `runner` that marked case `id` has ended: the case is forgotten (a read in flight
   * may hold it as it was), and read and kept afresh once no other that marked it is open (and
   * no write in no transaction marked it: that mark stays until it lapses).
   */
  private written(id: string, runner: object): void {
    this.forget(id);
    const mark = this.writes.get(id);
    if (!mark?.open.delete(runner)) return;
    if (mark.open.size === 0 && !mark.untold) this.writes.delete(id);
  }

  private forget(id: string): void {
    this.entries.delete(id);
    const flight = this.inFlight.get(id);
    if (flight) flight.changed = true;
  }

  private isWriting(id: string): boolean {
    if (this.writes.size === 0) return false;
    const mark = this.writes.get(id);
    if (mark === undefined) return false;
    if (mark.until > this.now()) return true;
    this.writes.delete(id);
    return false;
  }
}
