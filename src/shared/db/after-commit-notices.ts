import type { DataSource } from 'typeorm';

/** A change notice (NOTIFY): its channel, and what it says. */
export interface ChangeNotice {
  channel: string;
  payload: string;
}

/**
 * The statement that says a batch of notices: one transaction, whatever their number, that does not
 * wait for its WAL flush (it writes nothing, but its notices need a transaction id, so a commit record).
 */
const sayAllSql = `SELECT set_config('synchronous_commit', 'off', true) AS quiet,
  (SELECT count(pg_notify(n.channel, n.payload)) FROM unnest($1::text[], $2::text[]) AS n(channel, payload)) AS said`;

/** How often a notice that could not be said is tried again before it is dropped. */
const triesPerNotice = 3;

/** How long after a failure the next try waits. */
const retryMs = 1_000;

/** Notices waiting at most: past this the oldest are dropped (the database has been unreachable a while). */
const mostWaiting = 10_000;

export interface AfterCommitNoticesOptions {
  /** Batches start at least this long apart: the notices of the commits in between wait for the next. */
  windowMs: number;
}

/**
 * The change notices that committed transactions say after their COMMIT (`Transactions.runBracketed`'s
 * `thenNotify`: a case event's notice for the case views), said together: every commit within
 * `windowMs` of the last batch goes in the next one, one transaction, one statement.
 *
 * Why (issue 22, tenth round): a notice is a transaction of its own, and every one of them
 * wakes every listening backend, which wakes its app process: with one per event, about a
 * fifth of PostgreSQL's CPU per event under the event load (an A/B with none at all). Said
 * together, the notices of many events wake each listener once. Alone (no batch in the last
 * `windowMs`) a notice is said at once, on the next turn of the event loop. Never in front of
 * another transaction's BEGIN in one message: PostgreSQL would fold it into that transaction.
 *
 * A notice only tells other processes to read a case again (`CaseViewCache`), so one said
 * twice, or said for a transaction whose COMMIT's outcome is unknown, costs a read; one
 * never said leaves another process's kept case old until its entry lapses (a minute at
 * most). A batch that fails is tried again (three times, a second apart) and then dropped.
 */
export class AfterCommitNotices {
  /** Waiting to be said, by channel and payload (PostgreSQL says a repeated one once per transaction anyway). */
  private readonly waiting = new Map<string, { notice: ChangeNotice; tries: number }>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** When the last batch was sent (ms, `performance.now`). */
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private nextWaitMs = 0;

  constructor(
    private readonly db: Pick<DataSource, 'query' | 'isInitialized'>,
    private readonly options: AfterCommitNoticesOptions = { windowMs: 5 },
  ) {}

  /** How many notices wait to be said (for the tests). */
  get pending(): number {
    return this.waiting.size;
  }

  /** Queues `notices`, to be said with those of the commits around them. */
  say(notices: readonly ChangeNotice[]): void {
    for (const notice of notices) this.queue(notice, 0);
    this.plan();
  }

  /** Says whatever waits now, and waits for it (the app's stop; the tests): none is left waiting unless refused. */
  async flush(): Promise<void> {
    for (;;) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.inFlight) await this.inFlight;
      else if (this.waiting.size > 0) await this.send();
      else return;
      // refused: one try per flush, the next one planned a second later as usual
      if (this.nextWaitMs > 0) return;
    }
  }

  private queue(notice: ChangeNotice, tries: number): void {
    const key = `${notice.channel}\u0000${notice.payload}`;
    this.waiting.delete(key); // queued anew: last in the order of dropping
    this.waiting.set(key, { notice, tries });
    if (this.waiting.size > mostWaiting) {
      const oldest = this.waiting.keys().next().value;
      if (oldest !== undefined) this.waiting.delete(oldest);
    }
  }

  /** A batch at once if none went out in the last window (nor is on its way), else when the window ends. */
  private plan(): void {
    if (this.timer || this.inFlight || this.waiting.size === 0) return;
    const wait = Math.max(this.nextWaitMs, this.lastSentAt + this.options.windowMs - performance.now(), 0);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, wait);
    // a batch still waiting does not keep a stopping process alive: `flush` says it
    this.timer.unref();
  }

  private send(): Promise<void> {
    const batch = [...this.waiting.values()];
    this.waiting.clear();
    this.lastSentAt = performance.now();
    const sent = this.sayAll(batch.map(({ notice }) => notice)).then(
      () => {
        this.nextWaitMs = 0;
      },
      () => {
        // tried again after a pause, unless tried enough (or the process is closing its database)
        if (!this.db.isInitialized) return;
        for (const { notice, tries } of batch) if (tries + 1 < triesPerNotice) this.queue(notice, tries + 1);
        this.nextWaitMs = retryMs;
      },
    );
    this.inFlight = sent.finally(() => {
      this.inFlight = undefined;
      this.plan();
    });
    return this.inFlight;
  }

  private async sayAll(notices: ChangeNotice[]): Promise<void> {
    if (!this.db.isInitialized) return;
    await this.db.query(sayAllSql, [
      notices.map((notice) => notice.channel),
      notices.map((notice) => notice.payload),
    ]);
  }
}
