import net from 'node:net';
import { Client } from 'pg';
import { databaseSchema } from '../../src/database-schema';
import { createDataSource } from '../../src/shared/db/data-source';
import { isDatabaseUnavailable } from '../../src/shared/db/database-errors';
import { findFreePort } from '../../src/shared/db/embedded-database';
import { failureOf } from '../support/failure';
import { openTestDataSource } from '../support/test-database';

/** Takes connections and never answers, as a frozen PostgreSQL does. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('which database errors mean "not answering now" (503) rather than a fault (500)', () => {
  let testDb: Awaited<ReturnType<typeof openTestDataSource>>;

  beforeAll(async () => {
    testDb = await openTestDataSource();
  });
  afterAll(() => testDb.close());

  it('a server that refuses connections: unavailable', async () => {
    const port = await findFreePort();
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    expect(isDatabaseUnavailable(await failureOf(() => client.connect()))).toBe(true);
  });

  it('a server that takes the connection and never answers: unavailable once the connect timeout passes', async () => {
    const silent = await silentServer();
    try {
      const db = createDataSource(`postgres://postgres@127.0.0.1:${silent.port}/postgres`, {
        ...databaseSchema,
        timeouts: { connectTimeoutMs: 300, statementTimeoutMs: 1000, idleInTransactionTimeoutMs: 1000 },
      });
      expect(isDatabaseUnavailable(await failureOf(() => db.initialize()))).toBe(true);
    } finally {
      await silent.close();
    }
  });

  it('a statement past its timeout, through TypeORM: unavailable', async () => {
    const db = createDataSource(testDb.url, {
      ...databaseSchema,
      poolSize: 1,
      timeouts: { connectTimeoutMs: 5000, statementTimeoutMs: 200, idleInTransactionTimeoutMs: 5000 },
    });
    await db.initialize();
    try {
      const error = await failureOf(() => db.query('SELECT pg_sleep(2)'));
      expect((error as { driverError?: { code?: string } }).driverError?.code).toBe('57014');
      expect(isDatabaseUnavailable(error)).toBe(true);
      await expect(db.query('SELECT 1 AS ok')).resolves.toEqual([{ ok: 1 }]); // the pool goes on
    } finally {
      await db.destroy();
    }
  });

  it('no answer within the client’s wait: unavailable, and that connection is given up, not reused', async () => {
    // the client waits the statement timeout + 2 s; this session's statement timeout is off
    const db = createDataSource(testDb.url, {
      ...databaseSchema,
      poolSize: 1,
      timeouts: { connectTimeoutMs: 5000, statementTimeoutMs: 200, idleInTransactionTimeoutMs: 5000 },
    });
    await db.initialize();
    try {
      const runner = db.createQueryRunner();
      const [{ pid: before }] = await runner.query('SELECT pg_backend_pid() AS pid');
      await runner.query('SET statement_timeout = 0');
      const error = await failureOf(() => runner.query('SELECT pg_sleep(10)'));
      expect(isDatabaseUnavailable(error)).toBe(true);
      await runner.release();

      const [{ pid: after }] = await db.query('SELECT pg_backend_pid() AS pid');
      expect(after).not.toBe(before);
    } finally {
      await db.destroy();
    }
  });

  it('no free connection in the pool within the connect timeout: unavailable', async () => {
    const db = createDataSource(testDb.url, {
      ...databaseSchema,
      poolSize: 1,
      timeouts: { connectTimeoutMs: 300, statementTimeoutMs: 5000, idleInTransactionTimeoutMs: 5000 },
    });
    await db.initialize();
    const holder = db.createQueryRunner();
    try {
      await holder.connect();
      expect(isDatabaseUnavailable(await failureOf(() => db.query('SELECT 1')))).toBe(true);
    } finally {
      await holder.release();
      await db.destroy();
    }
  });

  it('the server ending the session (a restart, an administrator): unavailable', async () => {
    const db = createDataSource(testDb.url, { ...databaseSchema, poolSize: 1 });
    await db.initialize();
    try {
      const error = await failureOf(() => db.query('SELECT pg_terminate_backend(pg_backend_pid())'));
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('a transaction whose connection died mid-way (TypeORM released its runner): its next statement is unavailable, by either way in', async () => {
    const db = createDataSource(testDb.url, { ...databaseSchema, poolSize: 1 });
    await db.initialize();
    try {
      const runner = db.createQueryRunner();
      await runner.startTransaction();
      // the server ends the session under the transaction, as a dying primary does
      const killed = await failureOf(() => runner.query('SELECT pg_terminate_backend(pg_backend_pid())'));
      expect(isDatabaseUnavailable(killed)).toBe(true);
      await runner.release().catch(() => undefined);
      const throughRunner = await failureOf(() => runner.query('SELECT 1'));
      const throughManager = await failureOf(() => runner.manager.query('SELECT 1'));
      expect((throughRunner as Error).name).toBe('QueryRunnerAlreadyReleasedError');
      expect((throughManager as Error).name).toBe('QueryRunnerProviderAlreadyReleasedError');
      expect(isDatabaseUnavailable(throughRunner)).toBe(true);
      expect(isDatabaseUnavailable(throughManager)).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('a wrong statement or a broken constraint: a fault, not unavailability', async () => {
    expect(isDatabaseUnavailable(await failureOf(() => testDb.db.query('SELEC 1')))).toBe(false);
    await testDb.db.query('CREATE TEMP TABLE once (id int PRIMARY KEY)');
    const duplicate = await failureOf(() => testDb.db.query('INSERT INTO once VALUES (1), (1)'));
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
