import fs from 'node:fs';
import { Client } from 'pg';

/** PostgreSQL's own work counters at one moment: autovacuum and autoanalyze runs per table, checkpoints. */
export interface BackgroundCounters {
  tables: Map<string, { vacuums: number; analyzes: number }>;
  checkpoints: number;
  /**
   * Files in pg_wal: a new one is created (zero-filled, fsynced) when no old one can be recycled.
   * Null: the role may not list them (pg_ls_waldir needs a superuser or pg_monitor).
   */
  walFiles: number | null;
}

/** What PostgreSQL did by itself between two readings, beside the measured load. */
export interface BackgroundWork {
  /** Tables autovacuum vacuumed. */
  autovacuum: string[];
  /** Tables autovacuum analysed. */
  autoanalyze: string[];
  checkpoints: number;
  /**
   * WAL files created, net (a file removed meanwhile hides one added): each new one a stall of
   * every commit while it is zero-filled and fsynced (WALInitSync).
   */
  walFilesAdded: number | null;
}

export async function backgroundCounters(databaseUrl: string): Promise<BackgroundCounters> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ relname: string; vacuums: string; analyzes: string }>(
      'SELECT relname, autovacuum_count AS vacuums, autoanalyze_count AS analyzes FROM pg_stat_user_tables',
    );
    const [{ version }] = (
      await client.query<{ version: number }>("SELECT current_setting('server_version_num')::int AS version")
    ).rows;
    // PostgreSQL 17 moved the checkpoint counters to pg_stat_checkpointer
    const checkpoints = await client.query<{ count: string }>(
      version >= 170000
        ? 'SELECT num_timed + num_requested AS count FROM pg_stat_checkpointer'
        : 'SELECT checkpoints_timed + checkpoints_req AS count FROM pg_stat_bgwriter',
    );
    const wal = await client
      .query<{ files: number }>('SELECT count(*)::int AS files FROM pg_ls_waldir()')
      .then((answer) => answer.rows[0]?.files ?? 0)
      .catch(() => null);
    return {
      walFiles: wal,
      tables: new Map(
        tables.rows.map((row) => [
          row.relname,
          { vacuums: Number(row.vacuums), analyzes: Number(row.analyzes) },
        ]),
      ),
      checkpoints: Number(checkpoints.rows[0]?.count ?? 0),
    };
  } finally {
    await client.end();
  }
}

export function backgroundWorkBetween(before: BackgroundCounters, after: BackgroundCounters): BackgroundWork {
  const grew = (key: 'vacuums' | 'analyzes') =>
    [...after.tables]
      .filter(([table, counts]) => counts[key] > (before.tables.get(table)?.[key] ?? 0))
      .map(([table]) => table)
      .sort();
  return {
    autovacuum: grew('vacuums'),
    autoanalyze: grew('analyzes'),
    checkpoints: after.checkpoints - before.checkpoints,
    walFilesAdded:
      after.walFiles === null || before.walFiles === null
        ? null
        : Math.max(0, after.walFiles - before.walFiles),
  };
}

/**
 * This machine's stall counters at one moment (Linux): the kernel's pressure-stall totals for
 * I/O (`/proc/pressure/io`: time some task, and time every non-idle task, waited on I/O) and the
 * CPU time the hypervisor gave to others (`steal` in `/proc/stat`). Null where they cannot be read.
 */
export interface HostCounters {
  ioSomeUs: number;
  ioFullUs: number;
  stealTicks: number;
}

export function hostCounters(): HostCounters | null {
  try {
    const pressure = fs.readFileSync('/proc/pressure/io', 'utf8');
    const total = (kind: 'some' | 'full') =>
      Number(new RegExp(`^${kind} .*total=(\\d+)`, 'm').exec(pressure)?.[1] ?? Number.NaN);
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const counters = { ioSomeUs: total('some'), ioFullUs: total('full'), stealTicks: Number(cpu[8]) };
    return Object.values(counters).every(Number.isFinite) ? counters : null;
  } catch {
    return null;
  }
}

/**
 * What this machine went through between two readings, beside the measured load: milliseconds
 * in which some task, and every non-idle task, waited on I/O (a commit's fsync stalled by the
 * disk: every client late at once, with nothing in PostgreSQL's own counters), and CPU
 * milliseconds stolen by the hypervisor. Of the benchmark's machine: with `BENCH_DATABASE_URL`
 * on another host, not the database's.
 */
export interface HostStalls {
  ioSomeMs: number;
  ioFullMs: number;
  stealMs: number;
}

export function hostStallsBetween(
  before: HostCounters | null,
  after: HostCounters | null,
): HostStalls | null {
  if (!before || !after) return null;
  const tickMs = 10; // USER_HZ is 100 on Linux
  return {
    ioSomeMs: Math.round((after.ioSomeUs - before.ioSomeUs) / 1000),
    ioFullMs: Math.round((after.ioFullUs - before.ioFullUs) / 1000),
    stealMs: (after.stealTicks - before.stealTicks) * tickMs,
  };
}
