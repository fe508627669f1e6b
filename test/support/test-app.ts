import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config/environment';
import { createApp } from '../../src/app';
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
    sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
    dataKey: Buffer.alloc(32, 7),
    logLevel: 'silent',
    defaultLocale: 'zh-CN',
    demoMode: false,
    embeddedDatabasePassword: undefined,
    ...overrides,
  };
}

export interface TestApp {
  app: Express;
  db: DataSource;
  config: Config;
  close(): Promise<void>;
}

/** The real app on a database of its own (cloned from the migrated template). */
export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const { db, url, close } = await openTestDataSource();
  const config = testConfig({ databaseUrl: url, ...overrides });
  const i18n = await createI18n(config.defaultLocale);
  const app = createApp({ config, db, logger: createLogger('silent', { pretty: false }), i18n });
  return { app, db, config, close };
}
