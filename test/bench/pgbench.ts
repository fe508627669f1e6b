import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

/**
 * The database's own limit on this machine: pgbench's built-in tpcb-like transaction
 * (three UPDATEs, a SELECT and an INSERT in one transaction, committed durably) against
 * the same server, with the same client count as the app's event benchmark.
 */
export interface PgbenchResult {
  available: boolean;
  binary: string | null;
  scale: number;
  clients: number;
  tps: number | null;
  latencyMs: number | null;
  note: string;
}

const candidates = ['/usr/bin/pgbench', '/usr/local/bin/pgbench', '/usr/lib/postgresql/18/bin/pgbench'];

function findPgbench(): string | null {
  for (const candidate of candidates) if (fs.existsSync(candidate)) return candidate;
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir && fs.existsSync(`${dir}/pgbench`)) return `${dir}/pgbench`;
  return null;
}

/** The pgbench processes running now: an interrupted benchmark stops them (`stopPgbench`). */
const running = new Set<ChildProcess>();

/** Stops any pgbench still running (an interrupted benchmark: otherwise it runs on to its -T). */
export function stopPgbench(): void {
  for (const child of running) child.kill('SIGTERM');
}

function run(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('close', () => running.delete(child));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/**
 * `initialise: false` runs the transactions again on the tables a first run initialised (the
 * measurement after the app's phases: the same limit, read a few minutes later); pgbench still
 * vacuums its branch and teller tables and empties its history table first, as before any run.
 */
export async function runPgbench(
  url: string,
  clients: number,
  seconds: number,
  { initialise = true }: { initialise?: boolean } = {},
): Promise<PgbenchResult> {
  const binary = findPgbench();
  const scale = Math.max(10, clients);
  if (!binary)
    return {
      available: false,
      binary: null,
      scale,
      clients,
      tps: null,
      latencyMs: null,
      note: 'pgbench is not installed on this machine',
    };
  const parsed = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(parsed.password) };
  const connection = [
    '-h',
    parsed.hostname,
    '-p',
    parsed.port || '5432',
    '-U',
    decodeURIComponent(parsed.username),
  ];
  const database = parsed.pathname.slice(1);
  if (initialise) {
    const init = await run(binary, ['-i', '-q', '-s', String(scale), ...connection, database], env);
    if (init.code !== 0) throw new Error(`pgbench -i failed:\n${init.out}`);
  }
  const bench = await run(
    binary,
    [
      '-c',
      String(clients),
      '-j',
      String(Math.min(2, clients)),
      '-T',
      String(seconds),
      ...connection,
      database,
    ],
    env,
  );
  if (bench.code !== 0) throw new Error(`pgbench failed:\n${bench.out}`);
  const tps =
    /tps = ([\d.]+) \(without initial connection time\)/.exec(bench.out) ?? /tps = ([\d.]+)/.exec(bench.out);
  const latency = /latency average = ([\d.]+) ms/.exec(bench.out);
  return {
    available: true,
    binary,
    scale,
    clients,
    tps: tps ? Number(tps[1]) : null,
    latencyMs: latency ? Number(latency[1]) : null,
    note: `tpcb-like, scale ${scale}, -c ${clients} -j ${Math.min(2, clients)} -T ${seconds}`,
  };
}
