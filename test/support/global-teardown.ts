import fs from 'node:fs';
import { Client } from 'pg';
import { testEnv } from './database-names';

/** Drops what this run created on a shared server; stops and removes the embedded cluster. */
export default async function globalTeardown(): Promise<void> {
  const embedded = globalThis.__embeddedTestDatabase;
  if (embedded) {
    await embedded.stop();
    if (globalThis.__embeddedTestDir)
      fs.rmSync(globalThis.__embeddedTestDir, { recursive: true, force: true });
    return;
  }
  const adminUrl = process.env[testEnv.adminUrl];
  const runId = process.env[testEnv.runId];
  if (!adminUrl || !runId) return;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
      [`gm_t_${runId}_%`, `gm_tpl_${runId}`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
