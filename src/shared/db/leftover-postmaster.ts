import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import { CannotRunEmbeddedDatabase } from './postgres-account';

/**
 * The app that started an embedded cluster, recorded beside it (not in PostgreSQL's own
 * folder): the app's pid and its postmaster's.
 */
interface OwnerRecord {
  appPid: number;
  postmasterPid: number;
}

function ownerRecordFile(clusterDir: string): string {
  return `${path.resolve(clusterDir)}.owner.json`;
}

export function recordOwner(clusterDir: string, postmasterPid: number): void {
  const record: OwnerRecord = { appPid: process.pid, postmasterPid };
  fs.writeFileSync(ownerRecordFile(clusterDir), `${JSON.stringify(record)}\n`);
}

export function forgetOwner(clusterDir: string): void {
  fs.rmSync(ownerRecordFile(clusterDir), { force: true });
}

function readOwner(clusterDir: string): OwnerRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(ownerRecordFile(clusterDir), 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** Linux's /proc tells what a process runs and where; elsewhere nothing is detected. */
const canInspectProcesses = fs.existsSync('/proc/self/stat');

/** A process's state letter and parent, from /proc/<pid>/stat (its name may hold spaces and brackets). */
function statusOf(pid: number): { state: string; parent: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, parent: Number.parseInt(parent, 10) };
  } catch {
    return undefined;
  }
}

/** Running: present and not a zombie waiting for its parent to reap it. */
function isRunning(pid: number): boolean {
  const status = statusOf(pid);
  return status !== undefined && status.state !== 'Z' && status.state !== 'X';
}

/** True when `pid` is a PostgreSQL process working in `clusterDir` (a postmaster and its children work in their data folder). */
function isPostgresOf(
  pid: number,
  clusterDir: string,
  realClusterDir = fs.realpathSync(clusterDir),
): boolean {
  try {
    const program = path.basename(fs.readlinkSync(`/proc/${pid}/exe`));
    return program.startsWith('postgres') && fs.readlinkSync(`/proc/${pid}/cwd`) === realClusterDir;
  } catch {
    return false;
  }
}

/** Every running PostgreSQL process working in `clusterDir`. */
function postgresProcessesOf(clusterDir: string): number[] {
  const realClusterDir = fs.realpathSync(clusterDir);
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => isPostgresOf(pid, clusterDir, realClusterDir) && isRunning(pid));
}

async function exitOf(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (isRunning(pid)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/**
 * Before an embedded cluster starts: what a killed app may have left in `clusterDir`.
 *
 * - A PostgreSQL still running there whose app is gone (the app was killed with -9: its
 *   postmaster now has another parent) is stopped — fast shutdown, then immediate — so
 *   that this start can have it. Only a process whose program is PostgreSQL and whose
 *   working folder is this very cluster is touched.
 * - One whose app is alive (another copy of the app on the same DATA_DIR) stops this
 *   start with one line.
 * - A `postmaster.pid` naming no such process (its pid dead, or reused by another program)
 *   is stale: removed, since PostgreSQL would refuse to start over a live pid; the
 *   processes of that dead postmaster still ending are given a few seconds, then ended.
 */
export async function clearLeftoverPostmaster(clusterDir: string, logger?: Logger): Promise<void> {
  if (!canInspectProcesses) return;
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0], 10);
  } catch {
    return; // no pid file: nothing was left running
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgresOf(pid, clusterDir)) {
    logger?.warn({ pidFile, pid }, 'removing a stale postmaster.pid: no PostgreSQL of this cluster runs');
    fs.rmSync(pidFile, { force: true });
    await endOrphanedBackends(clusterDir, logger);
    return;
  }

  // the postmaster's parent is the app that started it for as long as that app lives
  const parent = statusOf(pid)?.parent;
  const owner = readOwner(clusterDir);
  const appAlive = owner ? parent === owner.appPid : parent !== undefined && parent > 1 && isNode(parent);
  if (appAlive) {
    throw new CannotRunEmbeddedDatabase(
      `Another copy of the app (pid ${parent}) runs the embedded PostgreSQL in ${clusterDir}: stop it first, or give this one a DATA_DIR of its own.`,
    );
  }

  logger?.warn({ pid, clusterDir }, 'stopping the embedded PostgreSQL left running by an app that is gone');
  signal(pid, 'SIGINT'); // fast shutdown: ends the sessions, writes a checkpoint
  if (!(await exitOf(pid, 30_000))) {
    signal(pid, 'SIGQUIT'); // immediate shutdown
    if (!(await exitOf(pid, 10_000))) {
      throw new CannotRunEmbeddedDatabase(
        `The embedded PostgreSQL left running in ${clusterDir} (pid ${pid}) by an app that is gone does not stop: stop it (kill ${pid}), then start again.`,
      );
    }
  }
  forgetOwner(clusterDir);
  logger?.info({ pid }, 'the leftover embedded PostgreSQL stopped');
}

/**
 * The processes of a postmaster that died (killed with -9) end by themselves once they
 * notice; until then they hold its shared memory, and a new postmaster refuses to start.
 * Give them a few seconds, then end them.
 */
async function endOrphanedBackends(clusterDir: string, logger?: Logger): Promise<void> {
  const until = Date.now() + 5000;
  let orphans = postgresProcessesOf(clusterDir);
  while (orphans.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    orphans = postgresProcessesOf(clusterDir);
  }
  for (const orphan of orphans) {
    logger?.warn({ pid: orphan, clusterDir }, 'ending a PostgreSQL process whose postmaster is gone');
    process.kill(orphan, 'SIGKILL');
  }
}

/** Sends `signal`; a process already gone is fine. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Without an owner record (a cluster started by an older version): is the parent a Node.js process? */
function isNode(pid: number): boolean {
  try {
    return path.basename(fs.readlinkSync(`/proc/${pid}/exe`)).startsWith('node');
  } catch {
    return false;
  }
}
