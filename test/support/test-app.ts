import type { DataSource } from 'typeorm';
import { defaults } from '../../config/defaults';
import type { Config } from '../../config/environment';
import { createApp } from '../../src/app';
import { buildServices, type Services } from '../../src/composition-root';
import type { Clock } from '../../src/shared/clock';
import { createI18n } from '../../src/shared/i18n/i18n';
import { createLogger } from '../../src/shared/logger';
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
    logLevel: 'silent',
    defaultLocale: 'zh-CN',
    demoMode: false,
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

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  private offsetMs = 0;
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
  close(): Promise<void>;
}

/** The real app on a database of its own (cloned from the migrated template). */
export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const { db, url, close } = await openTestDataSource();
  const config = testConfig({ databaseUrl: url, ...overrides });
  const clock = new TestClock();
  const i18n = await createI18n(config.defaultLocale);
  const services = buildServices({ db, config, clock });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false });
  // as the server runs it: who is calling kept in memory, the database's change notices keeping it true
  await services.actorCache.listen(url, logger);
  const app = createApp({ config, db, logger, i18n, services, clock });
  const closeAll = async () => {
    await services.actorCache.stop();
    await close();
  };
  return { app, db, config, clock, services, close: closeAll };
}

/** A fresh app (new services, nothing in memory) on the same database: what a restart leaves. */
export async function rebuildApp(testApp: TestApp) {
  const i18n = await createI18n(testApp.config.defaultLocale);
  const services = buildServices({ db: testApp.db, config: testApp.config, clock: testApp.clock });
  return createApp({
    config: testApp.config,
    db: testApp.db,
    logger: createLogger('silent', { pretty: false }),
    i18n,
    services,
    clock: testApp.clock,
  });
}
