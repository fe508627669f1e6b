import { type Db, PgBoss, type Queue, type SendOptions, type UpdateQueueOptions } from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { DatabaseClient } from '../db/database-client';
import type { Logger } from '../logger';

/** pg-boss's tables live here (installed by migration 1764140420000). */
export const jobSchema = 'pgboss';

/** Every queue the app uses, with its pg-boss policy and retry settings. */
export const queues = {
  /** One job per open clock (singleton key per subject and clock): wakes the timer when it is due. */
  deadlineTimer: {
    name: 'deadline-timer',
    // stately: at most one waiting job per key, so a clock never has two timers queued
    options: { policy: 'stately', retryLimit: 5, retryDelay: 30, retryBackoff: true },
  },
  /** Re-reads every open clock from the calendar (holiday-table changes) and fires what is due. */
  deadlineSweep: {
    name: 'deadline-sweep',
    options: { policy: 'singleton', retryLimit: 2, retryDelay: 60, expireInSeconds: 30 * 60 },
  },
  /** One job per planned appointment (singleton key `appointment:<id>`): its next reminder (src/schedule). */
  appointmentReminder: {
    name: 'appointment-reminder',
    options: { policy: 'stately', retryLimit: 5, retryDelay: 30, retryBackoff: true },
  },
  /** Assembles the daily digests. */
  notificationDigest: {
    name: 'notification-digest',
    options: { policy: 'singleton', retryLimit: 2, retryDelay: 60 },
  },
  /** Signs a checkpoint of every audit chain (issue 17). */
  auditCheckpoint: {
    name: 'audit-checkpoint',
    options: { policy: 'singleton', retryLimit: 3, retryDelay: 300, expireInSeconds: 60 * 60 },
  },
  /** Flags the community workstations that filed no screening round for the month gone by (issue 21). */
  screeningMissing: {
    name: 'screening-missing',
    options: { policy: 'singleton', retryLimit: 2, retryDelay: 300 },
  },
  /** Removes uploaded files that no row records (issue 17). */
  uploadSweep: {
    name: 'upload-sweep',
    options: { policy: 'singleton', retryLimit: 1, retryDelay: 60 },
  },
  /** Removes the browser sessions past their expiry. */
  sessionPrune: {
    name: 'session-prune',
    options: { policy: 'singleton', retryLimit: 1, retryDelay: 60 },
  },
} satisfies Record<string, { name: string; options: Omit<Queue, 'name'> }>;

/**
 * The app's pg-boss, on the app's database. Two ways in:
 *
 * - `sendIn(tx, …)` / `cancelIn(tx, …)`: queue or cancel a job *inside the caller's
 *   TypeORM transaction*, so the job exists exactly when the change that wants it
 *   commits. Works whether or not this process runs a worker (the tables come from a
 *   migration).
 * - `start()` then `boss.work()` / `boss.schedule()`, and `stop()`: the worker side,
 *   with a small pool of its own.
 *
 * Since pg-boss 11 an instance looks a queue up (its table and policy) through its
 * own database before it sends, and an instance never started has none. So each
 * `sendIn`/`cancelIn` uses a pg-boss that is never started and whose only database is
 * the caller's transaction: the look-up runs on the connection the transaction already
 * holds. Looking it up through the app's pool instead could wait for a connection that
 * every other waiting transaction holds, with none given back.
 */
export class JobQueue {
  private running: PgBoss | undefined;

  constructor(private readonly connectionString: string) {}

  /** The connection string of a data source made by `createDataSource`. */
  static connectionStringOf(db: DataSource): string {
    const url = (db.options as { url?: string }).url;
    if (!url) throw new Error('the data source has no url: build it with createDataSource(url)');
    return url;
  }

  /** pg-boss's database interface over the caller's transaction. */
  static inTransaction(tx: EntityManager): Db {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('JobQueue.inTransaction needs a transaction');
    return {
      executeSql: async (text, values) => ({ rows: (await runner.query(text, values, true)).records ?? [] }),
    };
  }

  /** Queues a job in the caller's transaction; null when its singleton key already has one waiting. */
  sendIn(tx: EntityManager, queue: string, data: object, options: SendOptions = {}) {
    return senderIn(tx).send(queue, data, options);
  }

  /** Cancels a waiting job in the caller's transaction (a no-op for one already done). */
  cancelIn(tx: EntityManager, queue: string, id: string) {
    return senderIn(tx).cancel(queue, id);
  }

  /** The started pg-boss (after `start()`). */
  get boss(): PgBoss {
    if (!this.running) throw new Error('the job queue has not been started');
    return this.running;
  }

  get isStarted(): boolean {
    return this.running !== undefined;
  }

  /**
   * Starts pg-boss (it migrates its tables if a newer version needs it) and creates the
   * app's queues. `cron: false` leaves out pg-boss's scheduler (tests call the jobs directly).
   */
  async start(logger: Logger, options: { cron: boolean }): Promise<PgBoss> {
    const boss = new PgBoss({
      connectionString: this.connectionString,
      // pg-boss hands its options to pg's Pool, which takes the app's client: it follows the
      // primary of a several-server URL (pg-boss's own LISTEN client is not used: useListenNotify is off)
      ...({ Client: DatabaseClient } as object),
      schema: jobSchema,
      max: 4,
      application_name: 'grand-mediation-jobs',
      schedule: options.cron,
    });
    boss.on('error', (error: Error) => logger.error({ err: error }, 'job queue error'));
    await boss.start();
    try {
      // the migration created them; these settings are the current ones
      for (const queue of Object.values(queues)) {
        await boss.createQueue(queue.name, queue.options);
        await boss.updateQueue(queue.name, updatable(queue.options));
      }
    } catch (error) {
      await boss.stop({ graceful: false });
      throw error;
    }
    this.running = boss;
    return boss;
  }

  async stop(): Promise<void> {
    const boss = this.running;
    if (!boss) return;
    this.running = undefined;
    // graceful: a job being handled gets a few seconds; one cut off is failed and retried elsewhere
    await boss.stop({ graceful: true, timeout: 3000 });
  }
}

/** What `updateQueue` may change: pg-boss fixes a queue's policy when the queue is created. */
function updatable({ policy: _fixedAtCreation, ...options }: Omit<Queue, 'name'>): UpdateQueueOptions {
  return options;
}

/** A pg-boss that is never started and runs every statement in the caller's transaction. */
function senderIn(tx: EntityManager): PgBoss {
  return new PgBoss({ db: JobQueue.inTransaction(tx), schema: jobSchema });
}
