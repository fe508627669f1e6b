import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations';
import { entities } from './entities';

/**
 * The one place a TypeORM DataSource is configured. `synchronize` is off: the
 * schema comes only from the reviewed migrations in /migrations.
 */
export function createDataSource(url: string, options: { poolSize?: number; applicationName?: string } = {}) {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'grand-mediation',
    },
  });
}

/** Applies every pending migration; returns the names of those it ran. */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  return ran.map((migration) => migration.name);
}

/** True when every migration the code knows has been applied. */
export async function migrationsAreCurrent(dataSource: DataSource): Promise<boolean> {
  return !(await dataSource.showMigrations());
}
