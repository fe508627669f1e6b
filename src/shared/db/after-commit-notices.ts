import type { DataSource } from 'typeorm';
import { literalOf } from './prepared';

/** A change notice (NOTIFY): its channel, and what it says. */
export interface ChangeNotice {
  channel: string;
  payload: string;
}

/**
 * The statement that says notices: a transaction of its own that does not wait for its WAL flush
 * (it writes nothing but its notices, which need a transaction id and so a commit record).
 */
export function sayingStatement(notices: readonly ChangeNotice[]): string {
  const said = notices.map(
    (notice) => `pg_notify(${literalOf(notice.channel)}, ${literalOf(notice.payload)})`,
  );
  return `SELECT set_config('synchronous_commit', 'off', true), ${said.join(', ')}`;
}

/** A notice on its way, and how often it was tried. */
export interface CarriedNotice {
  notice: ChangeNotice;
  tries: number;
}

/** How often a notice that could not be said is tried again before it is dropped. */
const triesPerNotice = 3;

/** How long after a failure the next try waits. */
const retryMs = 1_000;

/** Notices waiting at most: past this the oldest are dropped (the database has been unreachable a while). */
const mostWaiting = 10_000;

export interface AfterCommitNoticesOptions {
  /** Batches go out at least this long apart, and a notice waits at most this long for a transaction to carry it. */
  windowMs: number;
}

/**
 * The change notices that committed transactions say after their COMMIT (`Transactions.runBracketed`'s
 * `thenNotify`: a case event's notice for the case views), said together: the notices of every
 * commit since the last batch go out with the next bracketed transaction that opens once
 * `windowMs` have passed, in front of its BEGIN in the same message (`carry`); if none opens
 * within `windowMs`, they go out by themselves on a pooled connection.
 *
 * Why (issue 22, tenth round): a notice is a transaction of its own, and every one of them wakes
 * every listening backend, which wakes its app process. Said in a COMMIT's own message (as
 * before), every event paid for that; said together, under load, the notices of many events
 * wake each listener once, and riding in front of another transaction's BEGIN they cost no
 * round trip of their own.
 *
 * A notice only tells other processes to read a case again (`CaseViewCache`), so one said
 * twice, or said for a transaction whose COMMIT's outcome is unknown, costs a read; one never
 * said leaves another process's kept case old until its entry lapses (a minute at most). A
 * batch that fails is tried again (three times, a second apart) and then dropped.
 */
export class AfterCommitNotices {
  /** Waiting to be said, by channel and payload (PostgreSQL says a repeated one once per transaction anyway). */
  private readonly waiting = new Map<string, CarriedNotice>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** When the last batch went out (ms, `performance.now`). */
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

  /** Queues `notices` of a commit, to be said with those of the commits around it. */
  say(notices: readonly ChangeNotice[]): void {
    for (const notice of notices) this.queue(notice, 0);
    this.plan();
  }

  /**
   * The notices a transaction opening now is to say in front of its BEGIN (`sayingStatement` of
   * their `notice`s), if the last batch went out at least `windowMs` ago; none otherwise. They
   * count as said unless `returned`.
   */
  carry(): CarriedNotice[] {
    if (this.waiting.size === 0 || this.inFlight) return [];
    if (performance.now() < this.lastSentAt + Math.max(this.options.windowMs, this.nextWaitMs)) return [];
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.take();
  }

  /** Notices `carry` handed out whose message failed: queued again, a try used up (dropped after three). */
  returned(carried: readonly CarriedNotice[]): void {
    for (const { notice, tries } of carried) if (tries + 1 < triesPerNotice) this.queue(notice, tries + 1);
    this.nextWaitMs = retryMs;
    this.plan();
  }

  /** Says whatever waits now, and waits for it (the app's stop; the tests). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight) await this.inFlight;
    if (this.waiting.size > 0) await this.send();
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

  private take(): CarriedNotice[] {
    const batch = [...this.waiting.values()];
    this.waiting.clear();
    this.lastSentAt = performance.now();
    return batch;
  }

  /** Said by themselves once the window ends, unless a transaction carries them first. */
  private plan(): void {
    if (this.timer || this.inFlight || this.waiting.size === 0) return;
    const wait = Math.max(this.options.windowMs, this.nextWaitMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, wait);
    // a batch still waiting does not keep a stopping process alive: `flush` says it
    this.timer.unref();
  }

  private send(): Promise<void> {
    const batch = this.take();
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
    if (!this.db.isInitialized || notices.length === 0) return;
    await this.db.query(sayingStatement(notices));
  }
}
