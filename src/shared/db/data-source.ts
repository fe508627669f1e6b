import { DataSource, type DataSourceOptions, MigrationExecutor } from 'typeorm';
import { defaults } from '../../../config/defaults';
import type { DatabaseTimeouts } from '../../../config/environment';
import { DatabaseClient } from './database-client';
import { TransactionEndSubscriber } from './transaction-end';

/** What a pool waits for at most. `statementTimeoutMs: 0`: a statement may run as long as it takes. */
export type PoolTimeouts = Pick<
  DatabaseTimeouts,
  'connectTimeoutMs' | 'statementTimeoutMs' | 'idleInTransactionTimeoutMs'
>;

/** The client gives up on an answer this long after the server should have cancelled the statement. */
const answerMarginMs = 2000;

/**
 * The one place a TypeORM DataSource is configured. `synchronize` is off: the
 * schema comes only from the reviewed migrations in /migrations. Every wait is bounded
 * (`timeouts`, from the configuration; the defaults otherwise): opening a connection or
 * waiting for a free one, a statement on the server (and, a little later, the client's
 * wait for its answer, so that a frozen server cannot hold a request), a transaction
 * left idle.
 */
export function createDataSource(
  url: string,
  options: {
    /** The entities it maps and the migrations it runs (`databaseSchema`, src/database-schema.ts). */
    entities: NonNullable<DataSourceOptions['entities']>;
    migrations: NonNullable<DataSourceOptions['migrations']>;
    poolSize?: number;
    applicationName?: string;
    timeouts?: PoolTimeouts;
  },
) {
  const timeouts = options.timeouts ?? defaults.database;
  const statementTimeout = timeouts.statementTimeoutMs > 0 ? timeouts.statementTimeoutMs : undefined;
  return new DataSource({
    type: 'postgres',
    url,
    entities: options.entities,
    migrations: options.migrations,
    // tells `whenTransactionEnds` (the case view cache's marks) that a transaction has ended
    subscribers: [TransactionEndSubscriber],
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // the extensions come from the migrations too (under their lock), not from every connect
    installExtensions: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'grand-mediation',
      // follows the primary of a several-server URL; drops a connection whose answer does not come
      Client: DatabaseClient,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      // sent at connect: PostgreSQL cancels a statement running longer, and ends a session idle in a transaction
      statement_timeout: statementTimeout,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
      query_timeout: statementTimeout === undefined ? undefined : statementTimeout + answerMarginMs,
    },
  });
}

/** Taken (as a session lock, `pg_advisory_lock(hashtext(key))`) by whoever migrates: one instance at a time. */
export const migrationLockKey = 'grand-mediation:migrations';

/**
 * Applies every pending migration; returns the names of those it ran. Any number of
 * processes may call this at once: each waits (up to `lockTimeoutMs`) for the advisory
 * lock held while another migrates, then finds what is left to do — nothing, after the
 * first. The migrations run on the connection holding the lock, where a migration's own
 * wait for a table lock is bounded the same way; past the bound it fails (the start
 * fails, a supervisor's restart tries again) instead of queueing every request behind it.
 */
export async function runPendingMigrations(
  dataSource: DataSource,
  options: { lockTimeoutMs?: number } = {},
): Promise<string[]> {
  const lockTimeoutMs = options.lockTimeoutMs ?? defaults.database.migrationLockTimeoutMs;
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query(`SET lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [migrationLockKey]).catch((error) => {
      if (sqlStateOf(error) !== lockNotAvailable) throw error;
      throw new Error(
        `another instance has been migrating this database for more than ${lockTimeoutMs} ms (MIGRATION_LOCK_TIMEOUT_MS); try again when it is done`,
      );
    });
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const ran = await executor.executePendingMigrations();
      return ran.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [migrationLockKey]);
    }
  } finally {
    // the connection goes back to the pool: without the lock timeout of this session
    await runner.query('RESET lock_timeout').catch(() => undefined);
    await runner.release();
  }
}

const lockNotAvailable = '55P03';

function sqlStateOf(error: unknown): string | undefined {
  return (error as { driverError?: { code?: string } })?.driverError?.code;
}

/**
 * Migrates the database at `url` on a connection of its own, without the statement
 * timeouts of the app's pool (an index built on a large table may take minutes).
 */
export async function migrateDatabase(
  url: string,
  timeouts: DatabaseTimeouts,
  migrations: NonNullable<DataSourceOptions['migrations']>,
): Promise<string[]> {
  const dataSource = createDataSource(url, {
    // the migrations' own connection maps no entity
    entities: [],
    migrations,
    poolSize: 1,
    applicationName: 'grand-mediation migrations',
    timeouts: { ...timeouts, statementTimeoutMs: 0 },
  });
  await dataSource.initialize();
  try {
    return await runPendingMigrations(dataSource, { lockTimeoutMs: timeouts.migrationLockTimeoutMs });
  } finally {
    await dataSource.destroy();
  }
}

/** True when every migration the code knows has been applied. */
export async function migrationsAreCurrent(dataSource: DataSource): Promise<boolean> {
  return !(await dataSource.showMigrations());
}
