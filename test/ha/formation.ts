import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

/**
 * A pg_auto_failover formation on this machine (https://pg-auto-failover.readthedocs.io):
 * a monitor, a primary and a secondary, each a `pg_autoctl … --run` supervising its own
 * PostgreSQL on a loopback port under one temporary folder. The Debian packages
 * (`postgresql-<major>-auto-failover`, `pg-auto-failover-cli`) are installed if missing.
 * PostgreSQL refuses to run as root: as root, every pg_autoctl runs as the `postgres` account.
 */

export interface FormationNode {
  name: string;
  port: number;
  pgdata: string;
  process: ChildProcess;
}

export interface Formation {
  dir: string;
  monitorPort: number;
  nodes: FormationNode[];
  /** The app's DATABASE_URL: both nodes, the primary whichever it is (libpq's multi-host form). */
  databaseUrl: string;
  /** A one-node URL (for checks made directly on one server). */
  nodeUrl(node: FormationNode): string;
  /** The node that is primary now, as the monitor says. */
  primary(): Promise<FormationNode>;
  /** Waits until the monitor reports one primary and one secondary, both as assigned. */
  settled(timeoutMs: number): Promise<{ primary: FormationNode; secondary: FormationNode }>;
  /** The monitor's event log (what it decided, when), for the report. */
  events(): Promise<Array<{ at: string; node: string; state: string; comment: string }>>;
  /**
   * Every process of `node` — pg_autoctl, the postmaster, its backends — killed with SIGKILL at
   * once, as a dead server; or, with `SIGSTOP`, frozen, as a server that hangs (its sockets stay
   * open and say nothing).
   */
  kill(node: FormationNode, signal?: 'SIGKILL' | 'SIGSTOP'): { postmasterPid: number | undefined };
  stop(): Promise<void>;
}

const databaseName = 'mediation';
const asRoot = process.getuid?.() === 0;

/** The PostgreSQL major version whose server binaries are here (the highest). */
function postgresMajor(): string {
  const majors = fs
    .readdirSync('/usr/lib/postgresql')
    .filter((entry) => fs.existsSync(path.join('/usr/lib/postgresql', entry, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0)
    throw new Error('no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)');
  return majors[0] as string;
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Installs pg_auto_failover from Debian when pg_autoctl is missing (as root; otherwise says what to install). */
export function ensurePgAutoFailover(log: (line: string) => void): string {
  const major = postgresMajor();
  const packages = [`postgresql-${major}-auto-failover`, 'pg-auto-failover-cli'];
  const extension = `/usr/share/postgresql/${major}/extension/pgautofailover.control`;
  if (hasCommand('pg_autoctl') && fs.existsSync(extension)) return major;
  if (!asRoot)
    throw new Error(`pg_auto_failover is not installed: sudo apt-get install -y ${packages.join(' ')}`);
  log(`installing ${packages.join(' ')} from Debian`);
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return major;
}

/** A free loopback port below the kernel's ephemeral range (so an outgoing connection cannot take it first). */
async function freePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.unref();
      probe.once('error', () => resolve(false));
      probe.listen({ port, host: '127.0.0.1' }, () => probe.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
}

export async function buildFormation(options: {
  log: (line: string) => void;
  /** Monitor settings (pgautofailover.*), and each keeper's network partition timeout, in seconds. */
  failover: {
    healthCheckPeriodMs: number;
    unhealthyAfterMs: number;
    demoteTimeoutMs: number;
    networkPartitionSeconds: number;
  };
}): Promise<Formation> {
  const { log } = options;
  const major = ensurePgAutoFailover(log);
  const bin = `/usr/lib/postgresql/${major}/bin`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-ha-'));
  leftBehind.dirs.add(dir);
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const env = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_DATA_HOME: path.join(dir, 'share'),
    XDG_RUNTIME_DIR: path.join(dir, 'run'),
    LANG: 'C.UTF-8',
  };
  // initdb's superuser: the account pg_autoctl runs as
  const superuser = asRoot ? 'postgres' : os.userInfo().username;
  /** pg_autoctl with `args`, as the `postgres` account when this runs as root. */
  const pgautoctlCommand = (args: string[]): [string, string[]] =>
    asRoot
      ? [
          'runuser',
          [
            '-u',
            'postgres',
            '--',
            'env',
            ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
            'pg_autoctl',
            ...args,
          ],
        ]
      : ['pg_autoctl', args];
  const pgautoctl = (args: string[], logFile?: string): ChildProcess => {
    const [command, argv] = pgautoctlCommand(args);
    const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
    return spawn(command, argv, {
      env: { ...process.env, ...env },
      // a process group of its own: a node is killed whole, as a server dies
      detached: true,
      stdio: ['ignore', out, out],
    });
  };
  const pgautoctlOutput = (args: string[]): string => {
    const [command, argv] = pgautoctlCommand(args);
    return execFileSync(command, argv, { encoding: 'utf8', env: { ...process.env, ...env } });
  };

  const taken = new Set<number>();
  const monitorPort = await freePort(taken);
  const monitorData = path.join(dir, 'monitor');
  const started: ChildProcess[] = [];
  leftBehind.groups.push(started);
  const monitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`;
  const common = ['--hostname', '127.0.0.1', '--auth', 'trust', '--no-ssl', '--run'];

  const frozen: Array<{ node: FormationNode; postmasterPid: number | undefined }> = [];
  const stop = async () => {
    // a frozen node takes no SIGTERM, and its backends outlive a killed postmaster while stopped: kill them all
    for (const { node, postmasterPid } of frozen) {
      if (postmasterPid) signalChildren(postmasterPid, 'SIGKILL');
      if (node.process.pid) killGroup(node.process.pid, 'SIGKILL');
      if (postmasterPid) killPid(postmasterPid, 'SIGKILL');
    }
    for (const child of started.reverse())
      if (child.pid && child.exitCode === null) killGroup(child.pid, 'SIGTERM');
    await sleep(2000);
    for (const child of started) if (child.pid && child.exitCode === null) killGroup(child.pid, 'SIGKILL');
    await sleep(500);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    log(`monitor on 127.0.0.1:${monitorPort} (${dir})`);
    started.push(
      pgautoctl(
        ['create', 'monitor', '--pgdata', monitorData, '--pgport', String(monitorPort), ...common],
        path.join(dir, 'monitor.log'),
      ),
    );
    await until(60_000, 'the monitor to accept connections', () =>
      canQuery(`postgres://${superuser}@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`),
    );
    const monitorAdmin = `postgres://${superuser}@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`;
    const { failover } = options;
    await withClient(monitorAdmin, async (client) => {
      const settings = {
        'pgautofailover.health_check_period': failover.healthCheckPeriodMs,
        'pgautofailover.health_check_timeout': failover.healthCheckPeriodMs,
        'pgautofailover.health_check_max_retries': 1,
        'pgautofailover.health_check_retry_delay': Math.max(
          100,
          Math.round(failover.healthCheckPeriodMs / 2),
        ),
        'pgautofailover.node_considered_unhealthy_timeout': failover.unhealthyAfterMs,
        'pgautofailover.primary_demote_timeout': failover.demoteTimeoutMs,
      };
      for (const [name, value] of Object.entries(settings))
        await client.query(`ALTER SYSTEM SET ${name} = ${Number(value)}`);
      await client.query('SELECT pg_reload_conf()');
    });

    const nodes: FormationNode[] = [];
    for (const name of ['node_1', 'node_2']) {
      const port = await freePort(taken);
      const pgdata = path.join(dir, name);
      log(`${name} on 127.0.0.1:${port}`);
      const child = pgautoctl(
        [
          'create',
          'postgres',
          '--pgdata',
          pgdata,
          '--pgport',
          String(port),
          '--name',
          name,
          '--dbname',
          databaseName,
          '--monitor',
          monitorUrl,
          ...common,
        ],
        path.join(dir, `${name}.log`),
      );
      started.push(child);
      const node = { name, port, pgdata, process: child };
      nodes.push(node);
      if (nodes.length === 1) {
        await until(120_000, `${name} to run as the single primary`, async () =>
          (await states(monitorAdmin)).some(
            (s) => s.name === name && s.reported === 'single' && s.assigned === 'single',
          ),
        );
      } else {
        // pg_basebackup waits for a checkpoint on the primary: ask for one rather than wait for the next
        const primaryUrl = `postgres://${superuser}@127.0.0.1:${(nodes[0] as FormationNode).port}/${databaseName}?sslmode=disable`;
        await until(180_000, `${name} to become the secondary`, async () => {
          await withClient(primaryUrl, (client) => client.query('CHECKPOINT')).catch(() => undefined);
          const now = await states(monitorAdmin);
          return (
            now.some((s) => s.name === name && s.reported === 'secondary' && s.assigned === 'secondary') &&
            now.some((s) => s.reported === 'primary' && s.assigned === 'primary')
          );
        });
      }
      // a primary cut off from the monitor and its standby demotes itself before the monitor promotes another
      pgautoctlOutput([
        'config',
        'set',
        '--pgdata',
        pgdata,
        'timeout.network_partition_timeout',
        String(failover.networkPartitionSeconds),
      ]);
    }

    const hosts = nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
    const formation: Formation = {
      dir,
      monitorPort,
      nodes,
      databaseUrl: `postgres://${superuser}@${hosts}/${databaseName}?target_session_attrs=read-write&sslmode=disable`,
      nodeUrl: (node) => `postgres://${superuser}@127.0.0.1:${node.port}/${databaseName}?sslmode=disable`,
      primary: async () => {
        // the monitor's goal: a dead primary still reports "primary" until it comes back
        const now = await states(monitorAdmin);
        const primary = now.find((s) => ['primary', 'wait_primary', 'single'].includes(s.assigned));
        const node = nodes.find((n) => n.name === primary?.name);
        if (!node) throw new Error('the monitor names no primary');
        return node;
      },
      settled: async (timeoutMs) => {
        let found: { primary: FormationNode; secondary: FormationNode } | undefined;
        await until(timeoutMs, 'a primary and a secondary', async () => {
          const now = await states(monitorAdmin);
          const primary = nodes.find((n) =>
            now.some((s) => s.name === n.name && s.reported === 'primary' && s.assigned === 'primary'),
          );
          const secondary = nodes.find((n) =>
            now.some((s) => s.name === n.name && s.reported === 'secondary' && s.assigned === 'secondary'),
          );
          if (primary && secondary) found = { primary, secondary };
          return found !== undefined;
        });
        return found as { primary: FormationNode; secondary: FormationNode };
      },
      events: () =>
        withClient(monitorAdmin, async (client) => {
          const { rows } = await client.query<{ at: string; node: string; state: string; comment: string }>(
            `SELECT to_char(eventtime AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') AS at, nodename AS node,
                    reportedstate || ' → ' || goalstate AS state, description AS comment
               FROM pgautofailover.event ORDER BY eventid`,
          );
          return rows;
        }),
      kill: (node, signal = 'SIGKILL') => {
        const postmasterPid =
          Number(fs.readFileSync(path.join(node.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]) ||
          undefined;
        if (node.process.pid) killGroup(node.process.pid, signal);
        if (postmasterPid) {
          // its backends too, wherever pg_autoctl started it
          signalChildren(postmasterPid, signal);
          killPid(postmasterPid, signal);
        }
        if (signal === 'SIGSTOP') frozen.push({ node, postmasterPid });
        return { postmasterPid };
      },
      stop,
    };
    return formation;
  } catch (error) {
    for (const name of ['monitor', 'node_1', 'node_2']) {
      const file = path.join(dir, `${name}.log`);
      if (fs.existsSync(file))
        log(`${name}.log (last lines):\n${fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')}`);
    }
    await stop();
    throw error;
  }
}

/** Every formation's processes and folder, for `killEverything` (an interrupted run). */
const leftBehind = { groups: [] as ChildProcess[][], dirs: new Set<string>() };

/**
 * Kills every process any formation of this run started (SIGKILL to each group, a frozen one
 * included) and removes their folders, at once: for a run interrupted (Ctrl-C, SIGTERM), whose
 * detached formation would otherwise outlive it. Synchronous, so it can run in a signal handler.
 */
export function killEverything(): void {
  for (const group of leftBehind.groups)
    for (const child of group) if (child.pid && child.exitCode === null) killGroup(child.pid, 'SIGKILL');
  // a frozen postmaster's backends are not in its group: every process working in a formation's folder
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cwd = '';
    try {
      cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue; // gone, or not ours to read
    }
    if ([...leftBehind.dirs].some((dir) => cwd.startsWith(dir))) killPid(Number(entry), 'SIGKILL');
  }
  for (const dir of leftBehind.dirs) fs.rmSync(dir, { recursive: true, force: true });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** `signal` to every child of `pid` (none left is fine: pkill then exits 1). */
function signalChildren(pid: number, signal: NodeJS.Signals): void {
  try {
    execFileSync('pkill', [`-${signal.slice(3)}`, '-P', String(pid)], { stdio: 'ignore' });
  } catch {
    // no process matched
  }
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function canQuery(url: string): Promise<boolean> {
  return withClient(url, (client) => client.query('SELECT 1')).then(
    () => true,
    () => false,
  );
}

async function states(monitorUrl: string) {
  return withClient(monitorUrl, async (client) => {
    const { rows } = await client.query<{ name: string; reported: string; assigned: string }>(
      'SELECT nodename AS name, reportedstate::text AS reported, goalstate::text AS assigned FROM pgautofailover.node ORDER BY nodeid',
    );
    return rows;
  }).catch(() => []);
}

async function until(timeoutMs: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for ${what}`);
}
