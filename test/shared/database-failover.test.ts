import net from 'node:net';
import type { DataSource } from 'typeorm';
import { databaseSchema } from '../../src/database-schema';
import { createDataSource } from '../../src/shared/db/data-source';
import { parseDatabaseAddress } from '../../src/shared/db/database-address';
import { isDatabaseUnavailable } from '../../src/shared/db/database-errors';
import { findFreePort } from '../../src/shared/db/embedded-database';
import { failureOf } from '../support/failure';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The app's connections follow the primary of a DATABASE_URL naming several servers
 * (src/shared/db/database-client.ts). A real failover needs a formation (`npm run ha:test`);
 * here one real PostgreSQL plays each part: a dead server is a closed port, a frozen one a
 * socket that never answers, and a standby a database whose sessions are read-only.
 */
describe('a DATABASE_URL naming several servers', () => {
  let database: TestDatabase;
  let real: { host: string; port: number };
  const opened: DataSource[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    real = parseDatabaseAddress(database.url).hosts[0] as { host: string; port: number };
  });
  afterAll(async () => {
    for (const db of opened) if (db.isInitialized) await db.destroy();
    await database.drop();
  });

  /** The test database's URL with `servers` in place of its one host, asking for the primary (or `target`). */
  function urlOver(servers: string[], target = 'read-write'): string {
    const one = parseDatabaseAddress(database.url);
    const [head, tail] = one.urlFor(real).split(`${real.host}:${real.port}`) as [string, string];
    return `${head}${servers.join(',')}${tail}${tail.includes('?') ? '&' : '?'}target_session_attrs=${target}`;
  }

  async function open(url: string, poolSize = 4) {
    const db = createDataSource(url, {
      ...databaseSchema,
      poolSize,
      timeouts: { connectTimeoutMs: 1000, statementTimeoutMs: 5000, idleInTransactionTimeoutMs: 5000 },
    });
    opened.push(db);
    await db.initialize();
    return db;
  }

  async function writeOnce(db: DataSource): Promise<void> {
    await db.query('CREATE TABLE IF NOT EXISTS failover_probe (at timestamptz NOT NULL DEFAULT now())');
    await db.query('INSERT INTO failover_probe DEFAULT VALUES');
  }

  it('connects to the server that takes writes, past a dead one listed first', async () => {
    const dead = await findFreePort();
    const db = await open(urlOver([`127.0.0.1:${dead}`, `${real.host}:${real.port}`]));
    await writeOnce(db);
    const [{ port }] = await db.query('SELECT inet_server_port() AS port');
    expect(Number(port)).toBe(real.port);
  });

  it('prefer-standby (as for the statistics’ DATABASE_READ_URL) reads from the primary when no standby answers, and keeps its connections', async () => {
    const dead = await findFreePort();
    const db = await open(urlOver([`127.0.0.1:${dead}`, `${real.host}:${real.port}`], 'prefer-standby'), 2);
    for (let read = 0; read < 3; read++) {
      const [{ standby }] = await db.query('SELECT pg_is_in_recovery() AS standby');
      expect(standby).toBe(false);
    }
    const [{ connections }] = await db.query(
      `SELECT count(*)::int AS connections FROM pg_stat_activity WHERE datname = $1 AND application_name = 'grand-mediation'`,
      [database.name],
    );
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('past a frozen one listed first too: every server is asked at once, not one after another', async () => {
    const sockets = new Set<net.Socket>();
    const frozen = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (frozen.address() as net.AddressInfo).port;
      const db = await open(urlOver([`127.0.0.1:${port}`, `${real.host}:${real.port}`]));
      await writeOnce(db);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => frozen.close(() => resolve()));
    }
  });

  it('while no server takes writes (the primary is dead, the standby not yet promoted), a write is refused as "unavailable" (503), and works again, without a restart, once one does', async () => {
    const dead = await findFreePort();
    const db = await open(urlOver([`127.0.0.1:${dead}`, `${real.host}:${real.port}`]), 2);
    await writeOnce(db);
    const admin = await open(database.url.replace(`/${database.name}`, '/postgres'), 1);

    // the living server turns standby: its sessions become read-only, and its connections are cut
    await admin.query(`ALTER DATABASE ${database.name} SET default_transaction_read_only = on`);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database.name],
    );
    let failure: unknown;
    for (let attempt = 0; attempt < 5 && failure === undefined; attempt++) {
      failure = await writeOnce(db).then(
        () => undefined,
        (error: unknown) => error,
      );
    }
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(isDatabaseUnavailable(await failureOf(() => writeOnce(db)))).toBe(true);
    expect(String(await failureOf(() => writeOnce(db)))).toMatch(/takes read-write sessions now/);

    // promoted: writable again
    await admin.query(`ALTER DATABASE ${database.name} SET default_transaction_read_only = off`);
    await writeOnce(db);
  });

  it('a pooled connection whose server turned read-only under it is dropped: the write answers "unavailable", the next one lands on a fresh connection', async () => {
    const db = await open(urlOver([`${real.host}:${real.port}`]), 1);
    await writeOnce(db);
    // as a demoted primary's sessions would: the one pooled connection can no longer write
    await db.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    const refused = await failureOf(() => writeOnce(db));
    expect((refused as { driverError?: { code?: string } }).driverError?.code).toBe('25006');
    expect(isDatabaseUnavailable(refused)).toBe(true);
    await writeOnce(db);
  });
});
