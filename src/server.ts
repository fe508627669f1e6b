import http from 'node:http';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { defaults } from '../config/defaults';
import type { Config } from '../config/environment';
import { createApp } from './app';
import type { KeptCaseCounts } from './cases/cases-kept-for-events';
import { buildServices, type Services } from './composition-root';
import { databaseSchema } from './database-schema';
import { seedDemoHistory } from './demo/demo-history';
import { seedDemoOrganisation } from './demo/seed-demo';
import { listenKeptInMemory, stopKeptInMemory } from './kept-in-memory';
import type { Clock } from './shared/clock';
import { systemClock } from './shared/clock';
import { createDataSource, migrateDatabase } from './shared/db/data-source';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './shared/db/embedded-database';
import { ReadReplica, readPoolApplicationName } from './shared/db/read-replica';
import { createI18n } from './shared/i18n/i18n';
import type { Logger } from './shared/logger';
import { type RunningWorker, startWorker } from './worker';

export interface RunningServer {
  url: string;
  port: number;
  db: DataSource;
  /** How this process's events went: in one message, or read again (`CasesKeptForEvents`); the benchmark reports it. */
  eventsInOneMessage: Readonly<KeptCaseCounts>;
  /**
   * Settles when something the process cannot live without is gone — its embedded
   * PostgreSQL stopped by itself — with what happened: the process should exit non-zero,
   * so that a supervisor restarts the app and its database together.
   */
  lost: Promise<Error>;
  /**
   * Shuts down: readiness fails at once and the worker stops taking work; requests are
   * still served for `drainMs` (default SHUTDOWN_DRAIN_MS), time for a load balancer to
   * notice; then the listener closes, the requests and the mail in flight finish (up to
   * `defaults.shutdown.graceMs`), and the database closes.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
}

/** What has been started so far, stopped in reverse order when a later step fails or the server stops. */
class StartedParts {
  private readonly stops: Array<() => Promise<unknown>> = [];

  add(stop: () => Promise<unknown>): void {
    this.stops.push(stop);
  }

  /** Runs `step`; if it throws, stops everything started before it and rethrows the step's error. */
  async next<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      await this.stopAll().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Stops every part, the last started first. One that fails to stop does not keep the others
   * running (a broken pool must not leave the embedded PostgreSQL behind); the first failure is
   * thrown once all have been tried.
   */
  async stopAll(): Promise<void> {
    let failure: unknown;
    while (this.stops.length > 0) {
      try {
        await this.stops.pop()?.();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}

/** The database: the embedded PostgreSQL unless DATABASE_URL is set, migrated, with the demo data in demo mode. */
async function openDatabase(config: Config, logger: Logger, parts: StartedParts) {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedDatabase({
      clusterDir: path.join(config.dataDir, 'pg'),
      databaseName: defaults.embeddedDatabaseName,
      password: config.embeddedDatabasePassword as string,
      logger,
    });
    parts.add(() => embedded?.stop() ?? Promise.resolve());
    databaseUrl = embedded.url;
    logger.info({ dir: path.join(config.dataDir, 'pg') }, 'embedded PostgreSQL started');
  }
  const url = databaseUrl;
  const db = createDataSource(url, { ...databaseSchema, timeouts: config.database });
  parts.add(async () => {
    if (db.isInitialized) await db.destroy();
  });
  await parts.next(async () => {
    await db.initialize();
    const ran = await migrateDatabase(url, config.database, databaseSchema.migrations);
    if (ran.length > 0) logger.info({ migrations: ran }, 'migrations applied');
    if (config.demoMode && (await seedDemoOrganisation(db))) logger.info('demo organisation seeded');
  });
  return { db, databaseUrl: url, embedded };
}

/**
 * The standby the statistics and the exports read from (DATABASE_READ_URL): a small pool of its
 * own, opened on first use, so that a standby down at start stops nothing (src/shared/db/read-replica.ts).
 * None configured: undefined, and they read from the primary.
 */
export function openReadReplica(
  db: DataSource,
  config: Pick<Config, 'databaseRead' | 'database'>,
  clock: Clock,
  logger: Logger,
): ReadReplica | undefined {
  if (!config.databaseRead) return undefined;
  const { url, maxLagSeconds } = config.databaseRead;
  return new ReadReplica({
    primary: db,
    openStandby: () =>
      createDataSource(url, {
        ...databaseSchema,
        poolSize: defaults.database.readPoolSize,
        applicationName: readPoolApplicationName,
        timeouts: config.database,
      }),
    maxLagSeconds,
    clock,
    logger,
  });
}

/** The audit chains keyed with AUDIT_KEY once (issue 17), before any request or job appends to them. */
async function keyAuditChains(services: Services, logger: Logger): Promise<void> {
  const keyed = await services.chainKeying.ensureKeyed();
  if (keyed) logger.info({ keying: { ...keyed, broken: keyed.broken.length } }, 'audit chains keyed');
  if (keyed?.broken.length) logger.error({ broken: keyed.broken }, 'audit chains found broken when keyed');
  logger.info(
    { publicKey: services.auditKeys.publicKeyText },
    'audit checkpoints are signed with this Ed25519 public key',
  );
}

/** A year of cases and petitions at the demo units, on the first start only (src/demo/demo-history.ts). */
async function tellDemoYear(db: DataSource, config: Config, logger: Logger): Promise<void> {
  const told = await seedDemoHistory(db, config, systemClock.now());
  if (!told.seeded) return;
  const refused = Object.entries(told.tally).filter(([what]) => what.startsWith('refused:'));
  logger.info({ elapsedMs: told.elapsedMs, made: told.tally }, 'demo history seeded');
  if (refused.length > 0)
    logger.warn({ refused: Object.fromEntries(refused) }, 'demo history: steps refused');
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
}

/**
 * Readiness fails at once and the worker stops taking work; requests are still served for
 * `drainMs`; then the listener closes, idle keep-alive sockets are closed as they go idle,
 * and what is still open after the grace period is closed by force.
 */
async function drain(server: http.Server, worker: RunningWorker, drainMs: number, logger: Logger) {
  const workerStopped = worker.stop({ graceMs: drainMs + defaults.shutdown.graceMs });
  logger.info({ drainMs }, 'draining: readiness fails, requests are still served');
  await new Promise((resolve) => setTimeout(resolve, drainMs));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // keep-alive sockets go idle as their last response is sent: close them as they do
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), defaults.shutdown.graceMs);
  await Promise.all([closed, workerStopped]);
  clearInterval(sweep);
  clearTimeout(force);
}

/**
 * Brings the whole app up: the database (embedded unless DATABASE_URL is set),
 * pending migrations, demo data in demo mode, then the HTTP server. Any number of
 * instances may start together on one database: the migrations, the demo data and
 * pg-boss's own tables are each made under an advisory lock.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const parts = new StartedParts();
  const { db, databaseUrl, embedded } = await openDatabase(config, logger, parts);
  const reads = openReadReplica(db, config, systemClock, logger);
  if (reads) parts.add(() => reads.close());
  const i18n = await parts.next(() => createI18n(config.defaultLocale));
  // the keys (AUDIT_KEY, DATA_KEY) are checked here: a bad one stops the start with nothing left running
  const services = await parts.next(async () => buildServices({ db, config, clock: systemClock, reads }));
  // the change notices committed transactions leave to say (`AfterCommitNotices`): said before the database closes
  parts.add(() => services.transactions.notices.flush());
  await parts.next(() => keyAuditChains(services, logger));
  // the demo year (DEMO_DATA=history): told once, after the chains are keyed, before any request
  if (config.demoMode && config.demoData === 'history')
    await parts.next(() => tellDemoYear(db, config, logger));
  // who is calling, the units, the cases last shown and the official calendar, kept in memory while the database's change notices arrive
  parts.add(() => stopKeptInMemory(services));
  await parts.next(() => listenKeptInMemory(services, databaseUrl, logger));
  // the background worker (outbox → mail, deadline timers, digests): after the migrations
  const worker = await parts.next(() =>
    startWorker({ db, config, logger, clock: systemClock, services, i18n }),
  );
  let stopping: Promise<void> | undefined;
  const app = createApp({
    config,
    db,
    logger,
    i18n,
    services,
    clock: systemClock,
    readinessChecks: { worker: () => worker.readiness() },
    stopping: () => stopping !== undefined,
  });
  const server = http.createServer(app);
  await parts.next(async () => {
    try {
      await listen(server, config.port);
    } catch (error) {
      await worker.stop();
      throw error;
    }
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  const stop = ({ drainMs = config.shutdownDrainMs }: { drainMs?: number } = {}) => {
    stopping ??= (async () => {
      await drain(server, worker, drainMs, logger);
      await parts.stopAll();
    })();
    return stopping;
  };
  const lost = embedded ? embedded.exited : new Promise<Error>(() => undefined);

  return {
    url: `http://localhost:${port}`,
    port,
    db,
    eventsInOneMessage: services.casesKeptForEvents.counts,
    lost,
    stop,
  };
}
