import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { defaults } from '../../config/defaults';
import type { Config } from '../../config/environment';
import { createApp } from '../../src/app';
import { CaseRepository } from '../../src/cases/case.repository';
import { buildServices, type Services } from '../../src/composition-root';
import { listenKeptInMemory, stopKeptInMemory } from '../../src/kept-in-memory';
import { openReadReplica } from '../../src/server';
import type { Clock } from '../../src/shared/clock';
import { AuditKeys } from '../../src/shared/crypto/audit-keys';
import type { ReadReplica } from '../../src/shared/db/read-replica';
import { createI18n } from '../../src/shared/i18n/i18n';
import { createLogger, type Logger } from '../../src/shared/logger';
import { EventLog } from '../../src/workflows/event-log.repository';
import { openTestDataSource } from './test-database';

/** Configuration for tests: fixed secrets, a database URL, nothing read from the environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    databaseUrl: 'postgres://unused',
    port: 0,
    dataDir: '/tmp/gm-test-data',
    smtpUrl: undefined,
    mailFrom: '"大调解 test" <no-reply@test.example>',
    publicUrl: 'http://mediation.test',
    sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
    dataKey: Buffer.alloc(32, 7),
    auditKey: Buffer.alloc(32, 11),
    logLevel: 'silent',
    defaultLocale: 'zh-CN',
    demoMode: false,
    // a demo-mode test app never tells the demo year (it would slow every browser test): the one test of it asks
    demoData: 'none',
    embeddedDatabasePassword: undefined,
    database: {
      connectTimeoutMs: defaults.database.connectTimeoutMs,
      statementTimeoutMs: defaults.database.statementTimeoutMs,
      idleInTransactionTimeoutMs: defaults.database.idleInTransactionTimeoutMs,
      migrationLockTimeoutMs: defaults.database.migrationLockTimeoutMs,
    },
    shutdownDrainMs: 0,
    ...overrides,
  };
}

/**
 * A clock the test moves by hand. It runs on the machine's clock unless told where to start: a test
 * whose dates matter (a deadline across a holiday) starts it on a fixed instant, so that it reads the
 * same whatever day the suite runs.
 */
export class TestClock implements Clock {
  private offsetMs: number;
  constructor(startAt?: Date) {
    this.offsetMs = startAt ? startAt.getTime() - Date.now() : 0;
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceMinutes(minutes: number): void {
    this.offsetMs += minutes * 60 * 1000;
  }
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: DataSource;
  config: Config;
  clock: TestClock;
  services: Services;
  /** The standby reads, when the configuration names one (`databaseRead`). */
  reads?: ReadReplica;
  close(): Promise<void>;
}

/**
 * The real app on a database of its own (cloned from the migrated template); `logger` to read what it logs.
 * Its data folder (uploads, mail and SMS files, audit checkpoints) is a temp folder of its own, removed on
 * `close`, unless `overrides.dataDir` names one (which the test then owns).
 */
export async function startTestApp(
  overrides: Partial<Config> = {},
  options: {
    logger?: Logger;
    startAt?: Date;
    /** A standby for the statistics and exports (DATABASE_READ_URL); no `url`: the test's own database. */
    standby?: { url?: string; maxLagSeconds?: number };
  } = {},
): Promise<TestApp> {
  const { db, url, close } = await openTestDataSource();
  const ownDataDir =
    overrides.dataDir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'gm-test-app-')) : undefined;
  const databaseRead = options.standby
    ? { url: options.standby.url ?? url, maxLagSeconds: options.standby.maxLagSeconds ?? 60 }
    : undefined;
  const config = testConfig({
    databaseUrl: url,
    databaseRead,
    ...overrides,
    dataDir: overrides.dataDir ?? ownDataDir,
  });
  const clock = new TestClock(options.startAt);
  const i18n = await createI18n(config.defaultLocale);
  const logger = options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false });
  // a standby to read the statistics and exports from, as the server opens it (config.databaseRead)
  const reads = openReadReplica(db, config, clock, logger);
  const services = buildServices({ db, config, clock, reads });
  // as the server starts: the audit chains keyed once (nothing to re-key in a fresh database)
  await services.chainKeying.ensureKeyed();
  // as the server runs it: who is calling, the units, the cases last shown and the calendar kept in
  // memory, the database's change notices keeping them true
  await listenKeptInMemory(services, url, logger);
  const app = createApp({ config, db, logger, i18n, services, clock });
  const closeAll = async () => {
    try {
      await reads?.close();
      await stopKeptInMemory(services);
      await services.transactions.notices.flush();
      await close();
    } finally {
      if (ownDataDir) fs.rmSync(ownDataDir, { recursive: true, force: true });
    }
  };
  return { app, db, config, clock, services, reads, close: closeAll };
}

/** A fresh app (new services, nothing in memory) on the same database: what a restart leaves. */
export async function rebuildApp(testApp: TestApp) {
  const i18n = await createI18n(testApp.config.defaultLocale);
  const services = buildServices({ db: testApp.db, config: testApp.config, clock: testApp.clock });
  await services.calendarCache.load();
  return createApp({
    config: testApp.config,
    db: testApp.db,
    logger: createLogger('silent', { pretty: false }),
    i18n,
    services,
    clock: testApp.clock,
  });
}

/** The test app's event log: the one appender, with the test configuration's audit key. */
export function eventLogOf(testApp: Pick<TestApp, 'config'>): EventLog {
  return new EventLog(new AuditKeys(testApp.config.auditKey).chainKey);
}

/** A case repository of its own on the test app's database (for tests of its queries). */
export function caseRepositoryOf(testApp: Pick<TestApp, 'db' | 'config'>): CaseRepository {
  return new CaseRepository(testApp.db, eventLogOf(testApp));
}
