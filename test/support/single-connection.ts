import { DataSource, type DataSourceOptions } from 'typeorm';
import type { TestApp } from './test-app';

/**
 * A data source of one connection on the test app's database: every transaction then meets what
 * the one before it left on the connection (its prepared statements, its settings).
 */
export async function openSingleConnection(testApp: TestApp): Promise<DataSource> {
  const options = testApp.db.options as DataSourceOptions & { extra?: Record<string, unknown> };
  const single = new DataSource({
    ...options,
    migrationsRun: false,
    synchronize: false,
    extra: { ...options.extra, max: 1 },
  } as DataSourceOptions);
  await single.initialize();
  return single;
}
