import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { databaseSchema } from '../../src/database-schema';
import { createDataSource } from '../../src/shared/db/data-source';
import { testEnv, withDatabase } from './database-names';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (its globalSetup sets it)`);
  return value;
}

async function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: requireEnv(testEnv.adminUrl) });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * A database of this test file's own: cloned from the migrated template, or empty
 * (for tests of the migrations themselves).
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const runId = requireEnv(testEnv.runId);
  const name = `gm_t_${runId}_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  const template = options.empty ? 'template0' : requireEnv(testEnv.templateDb);
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    name,
    url: withDatabase(requireEnv(testEnv.adminUrl), name),
    drop: () =>
      withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A migrated database and a TypeORM data source on it; `close()` drops it. */
export async function openTestDataSource(): Promise<{ db: DataSource; url: string; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const db = createDataSource(database.url, { ...databaseSchema, poolSize: 4 });
  await db.initialize();
  return {
    db,
    url: database.url,
    close: async () => {
      if (db.isInitialized) await db.destroy();
      await database.drop();
    },
  };
}
