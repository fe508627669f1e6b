import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../src/shared/db/embedded-database';

/** The PostgreSQL server of one benchmark run, and the two fresh databases on it. */
export interface BenchServer {
  kind: 'embedded' | 'external';
  /** The app's database (the generated city). */
  appUrl: string;
  /** pgbench's own database, on the same server. */
  pgbenchUrl: string;
  adminUrl: string;
  stop(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A throw-away embedded cluster in a temp folder (as test/support/global-setup.ts does:
 * the folder is opened up because the cluster runs as `postgres` when we run as root),
 * or fresh databases on the server in BENCH_DATABASE_URL, dropped again at the end.
 */
export async function startBenchServer(log: (line: string) => void): Promise<BenchServer> {
  const suffix = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const external = process.env.BENCH_DATABASE_URL;
  if (external && process.env.BENCH_POSTGRES_SETTINGS)
    throw new Error(
      'BENCH_POSTGRES_SETTINGS is for the embedded server: set them on your own server yourself',
    );
  if (external) {
    const appDb = `gm_bench_${suffix}`;
    const pgbenchDb = `gm_pgbench_${suffix}`;
    await adminQuery(external, `CREATE DATABASE ${appDb}`);
    await adminQuery(external, `CREATE DATABASE ${pgbenchDb}`);
    log(`databases ${appDb} and ${pgbenchDb} created on BENCH_DATABASE_URL`);
    return {
      kind: 'external',
      appUrl: withDatabase(external, appDb),
      pgbenchUrl: withDatabase(external, pgbenchDb),
      adminUrl: external,
      stop: async () => {
        await adminQuery(external, `DROP DATABASE IF EXISTS ${appDb} WITH (FORCE)`);
        await adminQuery(external, `DROP DATABASE IF EXISTS ${pgbenchDb} WITH (FORCE)`);
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-bench-'));
  fs.chmodSync(dir, 0o755); // the cluster runs as the `postgres` user when the benchmark runs as root
  const clusterDir = path.join(dir, 'pg');
  // for investigating: BENCH_POSTGRES_PRELOAD=pg_stat_statements (a restart's setting: the cluster is made, set, restarted)
  const preload = process.env.BENCH_POSTGRES_PRELOAD;
  if (preload) {
    if (!/^[a-z_,]+$/.test(preload)) throw new Error(`BENCH_POSTGRES_PRELOAD: ${preload}?`);
    const first = await startEmbeddedDatabase({ clusterDir, databaseName: 'gm_bench', password: 'bench' });
    try {
      await adminQuery(first.adminUrl, `ALTER SYSTEM SET shared_preload_libraries = '${preload}'`);
    } finally {
      await first.stop();
    }
    log(`PostgreSQL preloads ${preload}`);
  }
  const embedded = await startEmbeddedDatabase({
    clusterDir,
    databaseName: 'gm_bench',
    password: 'bench',
    persistent: false,
  });
  // a bulk load of a million cases writes several GB of WAL: fewer forced checkpoints
  await adminQuery(embedded.adminUrl, `ALTER SYSTEM SET max_wal_size = '8GB'`);
  // for investigating: BENCH_POSTGRES_SETTINGS="wal_compression=lz4,autovacuum=off" (reloadable settings only)
  for (const setting of (process.env.BENCH_POSTGRES_SETTINGS ?? '').split(',').filter(Boolean)) {
    const [name, value] = setting.split('=');
    if (!/^[a-z_.]+$/.test(name ?? '') || value === undefined)
      throw new Error(`BENCH_POSTGRES_SETTINGS: ${setting}?`);
    await adminQuery(embedded.adminUrl, `ALTER SYSTEM SET ${name} = '${value.replaceAll("'", "''")}'`);
    log(`PostgreSQL setting ${name} = ${value}`);
  }
  await adminQuery(embedded.adminUrl, 'SELECT pg_reload_conf()');
  await adminQuery(embedded.adminUrl, 'CREATE DATABASE gm_pgbench');
  log(`embedded PostgreSQL started in ${dir}`);
  return {
    kind: 'embedded',
    appUrl: embedded.url,
    pgbenchUrl: withDatabase(embedded.adminUrl, 'gm_pgbench'),
    adminUrl: embedded.adminUrl,
    stop: async () => {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * `COPY … FROM STDIN` through node-postgres without pg-copy-streams: a "submittable"
 * (the interface pg-cursor and pg-copy-streams use) that answers the server's
 * CopyInResponse with the data, in CopyData messages, then CopyDone.
 */
class CopyIn {
  callback?: (error?: Error) => void;
  private error: Error | undefined;
  rowCount = 0;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    const chunk = 1 << 20;
    for (let offset = 0; offset < this.data.length; offset += chunk)
      connection.sendCopyFromChunk(this.data.subarray(offset, offset + chunk));
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rowCount = Number((message.text ?? '').split(' ').pop() ?? 0);
  }

  handleError(error: Error): void {
    this.error ??= error;
  }

  handleReadyForQuery(): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(this.error);
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Loads rows in COPY text format (see `copyValue`) into `table (columns)`; resolves to the row count. */
export function copyRows(
  client: Client,
  table: string,
  columns: readonly string[],
  data: string,
): Promise<number> {
  if (data.length === 0) return Promise.resolve(0);
  const copy = new CopyIn(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, Buffer.from(data, 'utf8'));
  return new Promise((resolve, reject) => {
    copy.callback = (error) => (error ? reject(error) : resolve(copy.rowCount));
    (client as unknown as { query(submittable: CopyIn): void }).query(copy);
  });
}

/** One value in COPY's text format: \N for null, backslash, tab and line breaks escaped. */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/** A row of COPY text: the values tab-separated, newline-terminated. */
export function copyLine(values: Array<string | number | boolean | null | undefined>): string {
  let line = '';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) line += '\t';
    line += copyValue(values[index]);
  }
  return `${line}\n`;
}
