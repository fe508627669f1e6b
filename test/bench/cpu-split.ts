import fs from 'node:fs';
import { Client } from 'pg';

/**
 * Where a phase's CPU went, by process, per answered request: the app's process, PostgreSQL's
 * (the postmaster and every backend under it), and the load generator's (this process:
 * the benchmark's own HTTP client, or autocannon in it). On two cores these three share one
 * machine, so their sum per request is what bounds the rate; the run says it instead of a
 * hand reading of `/proc` (issue 22, fifth round). Linux only; PostgreSQL's share only when
 * its server runs on this machine.
 */

/** Linux's USER_HZ: `/proc/<pid>/stat` counts CPU time in ticks of 10 ms. */
const tickMs = 10;

interface ProcessStat {
  ppid: number;
  /** utime + stime. */
  ownMs: number;
  /** cutime + cstime: children that ended and were waited for. */
  endedChildrenMs: number;
}

function statOf(pid: number): ProcessStat | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count from after it
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      ownMs: (Number(fields[11]) + Number(fields[12])) * tickMs,
      endedChildrenMs: (Number(fields[13]) + Number(fields[14])) * tickMs,
    };
  } catch {
    return null;
  }
}

/** A process's CPU with its children's: those running now and those that ended. */
function treeMs(root: number): number | null {
  const rootStat = statOf(root);
  if (!rootStat) return null;
  let total = rootStat.ownMs + rootStat.endedChildrenMs;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat?.ppid === root) total += stat.ownMs + stat.endedChildrenMs;
  }
  return total;
}

/** The postmaster of the server at `databaseUrl`, when it runs on this machine (else null). */
export async function postmasterPidOf(databaseUrl: string): Promise<number | null> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = rows[0].pid;
    // the same pid on this machine must be that backend: a postgres process whose parent is a postgres too
    const comm = (pid: number) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    };
    const parent = statOf(backend)?.ppid;
    return parent && comm(backend).startsWith('postgres') && comm(parent).startsWith('postgres')
      ? parent
      : null;
  } finally {
    await client.end();
  }
}

export interface CpuCounters {
  appMs: number | null;
  postgresMs: number | null;
  loadgenMs: number;
  atMs: number;
}

/** The three processes' CPU so far (the app's, PostgreSQL's tree, this process's). */
export function cpuCounters(pids: { app: number | undefined; postmaster: number | null }): CpuCounters {
  const usage = process.cpuUsage();
  return {
    appMs: pids.app === undefined ? null : (statOf(pids.app)?.ownMs ?? null),
    postgresMs: pids.postmaster === null ? null : treeMs(pids.postmaster),
    loadgenMs: (usage.user + usage.system) / 1000,
    atMs: performance.now(),
  };
}

/** CPU milliseconds per answered request, by process, over one phase; and how many cores were busy. */
export interface CpuSplit {
  requests: number;
  appMs: number | null;
  postgresMs: number | null;
  loadgenMs: number;
  /** The three together over the phase's wall time (2 = both cores of this machine busy). */
  busyCores: number | null;
}

export function cpuSplitBetween(before: CpuCounters, after: CpuCounters, requests: number): CpuSplit | null {
  if (!(requests > 0)) return null;
  const per = (from: number | null, to: number | null) =>
    from === null || to === null ? null : Math.round(((to - from) / requests) * 1000) / 1000;
  const split = {
    requests,
    appMs: per(before.appMs, after.appMs),
    postgresMs: per(before.postgresMs, after.postgresMs),
    loadgenMs: per(before.loadgenMs, after.loadgenMs) ?? 0,
  };
  const total =
    split.appMs === null || split.postgresMs === null
      ? null
      : (split.appMs + split.postgresMs + split.loadgenMs) * requests;
  return {
    ...split,
    busyCores: total === null ? null : Math.round((total / (after.atMs - before.atMs)) * 100) / 100,
  };
}
