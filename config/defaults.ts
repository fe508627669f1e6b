/**
 * Defaults for every setting. The environment overrides them (see config/environment.ts
 * and .env.example); nothing else should hold a default.
 */
export const defaults = {
  port: 3000,
  dataDir: './var',
  logLevel: 'info',
  defaultLocale: 'zh-CN',
  /** Asia/Shanghai is the legal time zone for every date and period in this product. */
  timeZone: 'Asia/Shanghai',
  /**
   * The request log (src/shared/http/request-log.ts): a request slower than `slowMs` is always
   * logged (at warn), as is every 5xx; of the others, the share `sampleRate` (1: every request).
   */
  requestLog: { slowMs: 1000, sampleRate: 1 },
  /**
   * Cases each app process keeps in memory for the case page (src/cases/case-view-cache.ts,
   * CASE_VIEW_CACHE_SIZE; 0: none): ≈ 12 KB each with what is made of them for one reader
   * (measured at 100,000 cases, issue 22), so 2,000 hold ≈ 25 MB.
   */
  caseViewCacheSize: 2000,
  /**
   * Cases each app process keeps as its last event on them left them, for the next event on one
   * to go to PostgreSQL in one message (src/cases/cases-kept-for-events.ts, CASE_EVENT_KEEP_SIZE;
   * 0: none): a few KB each.
   */
  caseEventKeepSize: 500,
  session: {
    idleTimeoutMinutes: 30,
    absoluteTimeoutHours: 12,
    /** When the worker removes expired browser sessions (`session-prune`). */
    pruneCron: '7,22,37,52 * * * *',
  },
  /** Name of the database the embedded PostgreSQL cluster serves the app from. */
  embeddedDatabaseName: 'mediation',
  /**
   * Every wait on PostgreSQL is bounded, so a database that is down or frozen is answered
   * by 503 (and /readyz) instead of requests that hang.
   */
  database: {
    /** Opening a connection, or waiting for a free one in the pool. */
    connectTimeoutMs: 5000,
    /** One statement, on the server; the client stops waiting for an answer 2 s later. */
    statementTimeoutMs: 30_000,
    /** A transaction left open without a statement is ended by the server after this. */
    idleInTransactionTimeoutMs: 60_000,
    /** A starting instance waits this long for another's migrations, and a migration this long for a lock. */
    migrationLockTimeoutMs: 120_000,
    /** The `Retry-After` hint of a 503 answered while the database does not answer. */
    retryAfterSeconds: 5,
    /**
     * A standby (DATABASE_READ_URL) further behind than this serves no read: the statistics and
     * exports read from the primary until it has caught up (DATABASE_READ_MAX_LAG_SECONDS).
     */
    readMaxLagSeconds: 60,
    /** Connections of the standby's pool: the statistics and the exports only. */
    readPoolSize: 3,
  },
  /** SIGTERM: readiness fails at once, requests are still served for `drainMs`, then the listener closes. */
  shutdown: {
    drainMs: 5000,
    /** After the listener closes, requests in flight (and the mail being sent) get this long to finish. */
    graceMs: 10_000,
  },
  /** Notifications (outbox → mail) and their worker. */
  notifications: {
    /** The sender of every mail; its domain also names each Message-ID. */
    mailFrom: '"大调解 Grand mediation" <no-reply@grand-mediation.local>',
    /** How often each worker process looks for mail to send when there was none. */
    pollIntervalMs: 1000,
    /** A failed send is retried after 30 s, 1 min, 2 min … (at most an hour apart), 10 tries in all. */
    retry: { baseDelayMs: 30_000, maxDelayMs: 60 * 60_000, maxAttempts: 10 },
    /** Digests go out once a day, at the first run of the digest job from this hour (Asia/Shanghai). */
    digestHour: 8,
    /** Connection, greeting and socket timeouts towards the SMTP server. */
    smtpTimeoutMs: 15_000,
    /**
     * Mails (and SMS) in flight at once per worker process, over as many pooled SMTP connections
     * (MAIL_CONCURRENCY). A server taking 4 s per mail needs 20 in flight for 5 mails/s; 32 leaves
     * room and stays under common per-client connection limits (Postfix: 50).
     */
    concurrency: 32,
    /**
     * How long a claimed outbox row stays its worker's before another may take it over (MAIL_LEASE_SECONDS):
     * far above the longest send the timeouts allow, so that only a dead worker's rows are taken over.
     */
    leaseSeconds: 300,
  },
  /** Deadline timers: the sweep re-reads every open clock from the calendar (holiday changes). */
  timers: { sweepCron: '7 * * * *' },
  /** The audit trail: a signed checkpoint of every chain each day at 02:30 (Asia/Shanghai), and on request. */
  audit: { checkpointCron: '30 2 * * *' },
  /**
   * Attachments: files with no row (a failed or interrupted upload) are swept at the worker's start and
   * every half hour, once older than an hour (an upload in flight is never that old).
   */
  uploads: { sweepCron: '17,47 * * * *', orphanAgeMinutes: 60 },
} as const;

export const supportedLocales = ['zh-CN', 'en'] as const;
export type Locale = (typeof supportedLocales)[number];
