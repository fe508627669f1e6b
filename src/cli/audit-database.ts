import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { defaults } from '../../config/defaults';
import type { DatabaseConfig } from '../../config/environment';
import { databaseSchema } from '../database-schema';
import { createDataSource } from '../shared/db/data-source';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../shared/db/embedded-database';

/** Thrown for anything that stops an audit command before a verdict: exit code 2. */
export class CannotAudit extends Error {}

/**
 * The database an audit command works on: DATABASE_URL, else the embedded cluster under
 * DATA_DIR (started for the command, stopped after it — so not while the app runs on that
 * folder). An audit never creates a database: without one there is nothing to check.
 */
export async function openAuditDatabase<T>(
  config: DatabaseConfig,
  work: (db: DataSource) => Promise<T>,
): Promise<T> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const clusterDir = path.join(config.dataDir, 'pg');
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION')))
      throw new CannotAudit(`No DATABASE_URL, and no embedded database under ${config.dataDir}.`);
    embedded = await startEmbeddedDatabase({
      clusterDir,
      databaseName: defaults.embeddedDatabaseName,
      password: config.embeddedDatabasePassword as string,
    }).catch((error: Error) => {
      throw new CannotAudit(error.message);
    });
    databaseUrl = embedded.url;
    const running = embedded;
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => void running.stop().finally(() => process.exit(2)));
  }
  const db = createDataSource(databaseUrl, {
    ...databaseSchema,
    poolSize: 2,
    applicationName: 'grand-mediation-audit',
  });
  try {
    await db.initialize().catch((error: Error) => {
      throw new CannotAudit(`Cannot connect to the database: ${error.message}`);
    });
    return await work(db);
  } finally {
    if (db.isInitialized) await db.destroy();
    await embedded?.stop();
  }
}
