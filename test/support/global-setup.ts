import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { databaseSchema } from '../../src/database-schema';
import { createDataSource, runPendingMigrations } from '../../src/shared/db/data-source';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../src/shared/db/embedded-database';
import { testEnv, withDatabase } from './database-names';

declare global {
  var __embeddedTestDatabase: EmbeddedDatabase | undefined;
  var __embeddedTestDir: string | undefined;
}

/**
 * One PostgreSQL for the whole run: the embedded one (a fresh cluster in a temp
 * folder), or the server in TEST_DATABASE_URL. Migrates one template database;
 * each test file clones its own database from it (test/support/test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-test-'));
    fs.chmodSync(dir, 0o755); // the cluster runs as the `postgres` user when tests run as root
    const embedded = await startEmbeddedDatabase({
      clusterDir: path.join(dir, 'pg'),
      databaseName: 'gm_admin',
      password: 'test',
      persistent: false,
    });
    globalThis.__embeddedTestDatabase = embedded;
    globalThis.__embeddedTestDir = dir;
    adminUrl = embedded.adminUrl;
  }

  const templateDb = `gm_tpl_${runId}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDb}`);
  await admin.end();

  const template = createDataSource(withDatabase(adminUrl, templateDb), { ...databaseSchema, poolSize: 1 });
  await template.initialize();
  await runPendingMigrations(template);
  await template.destroy(); // no connection may stay open on a template that is being cloned

  process.env[testEnv.adminUrl] = adminUrl;
  process.env[testEnv.templateDb] = templateDb;
  process.env[testEnv.runId] = runId;
}
