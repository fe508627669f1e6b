import '../../src/shared/runtime/refuse-unsupported-node';
import { databaseSchema } from '../../src/database-schema';
import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { PgBoss } from 'pg-boss';
import { demoPassword } from '../../src/demo/demo-accounts';
import { AuditKeys } from '../../src/shared/crypto/audit-keys';
import { PersonalDataCipher } from '../../src/shared/crypto/personal-data';
import { createDataSource, runPendingMigrations } from '../../src/shared/db/data-source';
import { jobSchema, queues } from '../../src/shared/jobs/job-queue';
import type { AppMessage } from './app-process';
import {
  backgroundCounters,
  backgroundWorkBetween,
  hostCounters,
  hostStallsBetween,
} from './background-work';
import {
  dropSecondaryIndexes,
  filledTables,
  fillLastChanges,
  fillSearch,
  loadCases,
  loadedTables,
  rebuildIndexes,
  searchTriggers,
} from './cases';
import { buildCity } from './city';
import { type CpuCounters, type CpuSplit, cpuCounters, cpuSplitBetween, postmasterPidOf } from './cpu-split';
import { logSession, refreshVersion } from './event-load';
import { historicCsv, historicRows } from './import-csv';
import { closedLoop, type LoadResult, request, requestJson, stallsOf } from './load';
import { measureMail } from './mail';
import type { PacedAnswer, PacedWork } from './paced-worker';
import { runPgbench, stopPgbench } from './pgbench';
import { startBenchServer } from './postgres';
import { Rng } from './random';
import { type BenchReport, evaluateTargets, findBaseline, markdown } from './report';

/**
 * `npm run bench -- --cases N --clients C --out FILE`: a city-scale benchmark of the app
 * against the database's own limit, in one run on one machine (issue 8). See README.md
 * beside this file for what each figure means.
 */
interface Options {
  cases: number;
  clients: number;
  out: string;
  baseline?: string;
  seconds: number;
  /**
   * Seconds of untimed `--clients` events before the timed `--clients` phase (0: none): the app's
   * process and PostgreSQL's reach their steady CPU per event only after a minute or so of that
   * load (issue 22, sixteenth round; test/bench/README item 36), where a server runs for days.
   */
  warmUpSeconds: number;
  seed: number;
  /** Measure only these phases (events, reads, page, hello, import, mail); all by default. */
  phases: Set<string>;
  /** Stop after starting the app and wait for Ctrl-C, printing where everything is: for investigating. */
  hold: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    cases: 100_000,
    clients: 8,
    out: path.join('var', 'bench', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    seconds: 15,
    warmUpSeconds: 45,
    seed: 20091,
    phases: new Set(['events', 'reads', 'page', 'hello', 'import', 'mail']),
    hold: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const [flag, inline] = argv[index].split('=', 2);
    const value = () => inline ?? argv[++index];
    const count = (text: string, least = 1) => {
      const number = text.trim() === '' ? Number.NaN : Number(text.replace(/[_,]/g, ''));
      if (!Number.isInteger(number) || number < least)
        throw new Error(`${flag}: a whole number ≥ ${least}, not "${text}"`);
      return number;
    };
    switch (flag) {
      case '--cases':
        options.cases = count(value());
        break;
      case '--clients':
        options.clients = count(value());
        break;
      case '--out':
        options.out = value();
        break;
      case '--baseline':
        options.baseline = value();
        break;
      case '--seconds':
        options.seconds = count(value());
        break;
      case '--warm-up':
        options.warmUpSeconds = count(value(), 0);
        break;
      case '--seed':
        options.seed = count(value());
        break;
      case '--phases':
        options.phases = new Set(value().split(','));
        break;
      case '--hold':
        options.hold = true;
        break;
      default:
        throw new Error(
          `unknown option ${flag} (known: --cases N --clients C --out FILE --baseline FILE --seconds S --warm-up S --seed N --phases events,reads,page,hello,import,mail --hold)`,
        );
    }
  }
  return options;
}

/** An event slower than this at half the rate misses the p99 target: the paced phase's stalls count these. */
const pacedSlowMs = 15;

const runStarted = Date.now();
const log = (line: string) =>
  process.stderr.write(
    `[bench ${String(Math.round((Date.now() - runStarted) / 1000)).padStart(4)} s] ${line}\n`,
  );

/**
 * The Node options `npm start` runs the app with (package.json's start script, e.g. the
 * young generation's size), so that the benchmark measures the app as it is deployed.
 */
function startNodeOptions(): string[] {
  const packageJson = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const flags = /\bnode((?:\s+--\S+)*)\s+dist\/src\/main\.js/.exec(packageJson.scripts.start)?.[1] ?? '';
  return flags.split(/\s+/).filter(Boolean);
}

/** The paced events phase, run in a worker thread (`paced-worker.ts`). */
function pacedInWorker(work: PacedWork): Promise<PacedAnswer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'paced-worker.js'), { workerData: work });
    worker.once('message', (answer: PacedAnswer) => resolve(answer));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the paced load's thread exited with code ${code}`)));
  });
}

function startApp(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; helloUrl: string }> {
  const child = fork(path.join(__dirname, 'app-process.js'), [], {
    env,
    // as npm start runs it; plus e.g. BENCH_APP_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it
    execArgv: [
      ...startNodeOptions(),
      ...(process.env.BENCH_APP_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the app exited with code ${code} before it was ready`)));
    child.on('message', (message: AppMessage) => {
      if (message.kind === 'ready') resolve({ child, url: message.url, helloUrl: message.helloUrl });
      if (message.kind === 'error') reject(new Error(`the app did not start: ${message.message}`));
    });
  });
}

/**
 * For investigating (BENCH_POSTGRES_PRELOAD=pg_stat_statements): the statements' time from now to
 * `report`, logged per event, the costliest first. Undefined when the server does not preload it.
 */
async function statementStats(databaseUrl: string) {
  if (!(process.env.BENCH_POSTGRES_PRELOAD ?? '').includes('pg_stat_statements')) return undefined;
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
  } catch (error) {
    // a server that does not preload it (BENCH_DATABASE_URL): the run goes on without the statements
    log(`pg_stat_statements unavailable: ${(error as Error).message}`);
    await client.end();
    return undefined;
  }
  return {
    async report(events: number) {
      const { rows } = await client.query<{ calls: string; ms: number; mean: number; query: string }>(
        `SELECT calls, total_exec_time AS ms, mean_exec_time AS mean, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
           FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
      );
      const all = rows.reduce((sum, row) => sum + row.ms, 0);
      log(
        `statements, ${events} events: ${(all / events).toFixed(3)} ms of execution an event in the top 25`,
      );
      for (const row of rows)
        log(
          `  ${(row.ms / events).toFixed(3)} ms/event  ${row.calls} calls  mean ${row.mean.toFixed(3)} ms  ${row.query}`,
        );
      await client.end();
    },
  };
}

/** Resolves once no deadline sweep is waiting or running (pg-boss's job table, on the app's database). */
async function startUpSweepDone(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const started = Date.now(); Date.now() - started < 10 * 60_000; ) {
      const { rows } = await client.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM ${jobSchema}.job
         WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
        [queues.deadlineSweep.name],
      );
      if (rows[0].pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error('the start-up deadline sweep did not finish within 10 minutes');
  } finally {
    await client.end();
  }
}

/**
 * An hourly deadline sweep, sent through pg-boss as the schedule sends it (the queue's singleton
 * policy: no other sweep runs beside it), timed from the job's start to its end (src/worker.ts): how
 * many subjects it checked, and the app's and PostgreSQL's CPU from when the job was seen started to
 * when it was seen done (polled every 20 ms). The second of two: the first still meets the start-up
 * sweep's wake (its jobs, the tables' autovacuum).
 */
async function timedSweep(
  databaseUrl: string,
  pids: { app: number | undefined; postmaster: number | null },
): Promise<NonNullable<BenchReport['deadlineSweep']>> {
  await oneSweep(databaseUrl, pids);
  return oneSweep(databaseUrl, pids);
}

async function oneSweep(
  databaseUrl: string,
  pids: { app: number | undefined; postmaster: number | null },
): Promise<NonNullable<BenchReport['deadlineSweep']>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sender = new PgBoss({
      db: { executeSql: async (text, values) => ({ rows: (await client.query(text, values)).rows }) },
      schema: jobSchema,
    });
    // the queue is a singleton: a sweep its schedule queued meanwhile (minute 7) runs first, then this one
    let id = await sender.send(queues.deadlineSweep.name, {});
    for (let waited = 0; !id && waited < 10 * 60; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      id = await sender.send(queues.deadlineSweep.name, {});
    }
    if (!id) throw new Error('another deadline sweep kept waiting for 10 minutes');
    let before: CpuCounters | null = null;
    for (const started = Date.now(); Date.now() - started < 10 * 60_000; ) {
      const job = (
        await client.query<{ state: string; ms: number; output: { checked?: number } | null }>(
          `SELECT state::text AS state, extract(epoch FROM completed_on - started_on) * 1000 AS ms, output
           FROM ${jobSchema}.job WHERE id = $1`,
          [id],
        )
      ).rows[0];
      if (job.state === 'failed') throw new Error('the hourly deadline sweep failed');
      if (job.state === 'completed') {
        const after = cpuCounters(pids);
        const seconds = (from: number | null | undefined, to: number | null) =>
          from === null || from === undefined || to === null ? null : Math.round(to - from) / 1000;
        return {
          checked: job.output?.checked ?? 0,
          seconds: Math.round(Number(job.ms)) / 1000,
          appCpuSeconds: seconds(before?.appMs, after.appMs),
          postgresCpuSeconds: seconds(before?.postgresMs, after.postgresMs),
        };
      }
      if (job.state === 'active' && !before) before = cpuCounters(pids);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the hourly deadline sweep did not finish within 10 minutes');
  } finally {
    await client.end();
  }
}

function appUsage(child: ChildProcess): Promise<Omit<Extract<AppMessage, { kind: 'usage' }>, 'kind'>> {
  return new Promise((resolve) => {
    const onMessage = (message: AppMessage) => {
      if (message.kind !== 'usage') return;
      child.off('message', onMessage);
      const { kind: _kind, ...usage } = message;
      resolve(usage);
    };
    child.on('message', onMessage);
    child.send({ kind: 'usage' });
  });
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const phases: Record<string, number> = {};
  const loadAverages: Record<string, number> = {};
  /** The signal that interrupted the run (Ctrl-C, SIGTERM): no phase starts after it. */
  let interrupted: NodeJS.Signals | undefined;
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    if (interrupted) throw new Error(`interrupted by ${interrupted} before ${name}`);
    const started = Date.now();
    // other work on the machine shows here: the 1-minute load average as each phase starts
    loadAverages[name] = Math.round(os.loadavg()[0] * 100) / 100;
    log(`${name} … (load average ${loadAverages[name]})`);
    try {
      return await work();
    } finally {
      phases[name] = Math.round((Date.now() - started) / 100) / 10;
      log(`${name}: ${phases[name]} s`);
    }
  };
  const rng = new Rng(options.seed);
  const dataKey = randomBytes(32).toString('hex');
  const cipher = new PersonalDataCipher(Buffer.from(dataKey, 'hex'));
  // the app is started with this audit key; the generated chains are keyed with it, and recorded so
  const auditKey = randomBytes(32);
  const auditKeys = new AuditKeys(auditKey);
  const nowMs = Date.now();

  let app: { child: ChildProcess; url: string; helloUrl: string } | undefined;
  let dataDir: string | undefined;
  /** Waiting, with --hold, for the SIGINT that ends the run (its own listener takes it). */
  let holding = false;
  const serverStarting = startBenchServer(log);
  /**
   * Stops what the run started, once: the app (before its data folder goes), pgbench, PostgreSQL —
   * at the run's end, after a failure, or on a signal (then whatever the run was doing).
   */
  let stopped: Promise<void> | undefined;
  const stopEverything = () => {
    stopped ??= (async () => {
      stopPgbench();
      const running = app?.child;
      if (running && running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      }
      try {
        if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      } finally {
        // a PostgreSQL still starting is stopped once it has
        const server = await serverStarting.catch(() => undefined);
        await server?.stop().catch((error: Error) => log(`stopping PostgreSQL: ${error.message}`));
      }
    })();
    return stopped;
  };
  // `kill <pid>` (or Ctrl-C) mid-run: PostgreSQL runs in a process group of its own, and pgbench and
  // the app would outlive the benchmark too when the signal reaches it alone. A second signal exits at once
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      const code = 128 + os.constants.signals[signal];
      if (holding && signal === 'SIGINT') {
        holding = false; // the awaited one: the run ends by itself; another is an interruption
        return;
      }
      if (interrupted) process.exit(code);
      interrupted = signal;
      log(`${signal}: stopping the app, pgbench and PostgreSQL (again to exit at once)`);
      void stopEverything().finally(() => process.exit(code));
    });
  const server = await phase('start PostgreSQL', () => serverStarting);
  try {
    // ---- the city --------------------------------------------------------------------
    const dataSource = createDataSource(server.appUrl, {
      ...databaseSchema,
      poolSize: 2,
      applicationName: 'bench-loader',
    });
    await dataSource.initialize();
    const client = new Client({ connectionString: server.appUrl, application_name: 'bench-loader' });
    await client.connect();
    const postgres = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]
      .server_version;
    await phase('migrate', () => runPendingMigrations(dataSource));
    const city = await phase('build the city', () => buildCity(dataSource, client, rng));
    await dataSource.destroy();
    log(
      `city: ${city.counts.units} units, ${city.counts.communities} workstations, ${city.counts.grids} grid blocks, ${city.counts.users} users`,
    );

    await client.query('SET synchronous_commit = off');
    // the generated rows are consistent by construction: skip the per-row foreign-key checks if allowed
    await client
      .query(`SET session_replication_role = replica`)
      .catch(() => log('(foreign keys stay checked during the load)'));
    const indexes = await dropSecondaryIndexes(client);
    // case_search is filled in one pass after the load, not row by row
    await searchTriggers(client, 'DISABLE');
    const benchCases = Math.max(64, 1 + options.clients + 32);
    const loaded = await phase(`generate and load ${options.cases} cases`, () =>
      loadCases(client, city, cipher, rng, {
        count: options.cases,
        benchCases,
        nowMs,
        chainKey: auditKeys.chainKey,
        log,
      }),
    );
    // keyed as they were generated: the app's start must not re-key them (ChainKeyingService)
    await client.query(
      `INSERT INTO audit_chain_keyings (method, key_fingerprint, case_chains, petition_chains, events)
       VALUES ('generated-keyed', $1, $2, 0, $3)`,
      [auditKeys.fingerprint, loaded.cases, loaded.events],
    );
    await client.query('SET session_replication_role = DEFAULT').catch(() => undefined);
    const indexStarted = Date.now();
    await phase('fill case search', () => fillSearch(client, server.appUrl));
    await searchTriggers(client, 'ENABLE');
    await phase('fill case last changes', () => fillLastChanges(client));
    await phase('rebuild indexes', () => rebuildIndexes(client, indexes));
    loaded.indexSeconds = (Date.now() - indexStarted) / 1000;
    const vacuumStarted = Date.now();
    await phase('vacuum analyze', async () => {
      for (const table of [...loadedTables, ...filledTables, 'units', 'grids', 'users', 'record_numbers'])
        await client.query(`VACUUM (ANALYZE) ${table}`);
    });
    const vacuumSeconds = (Date.now() - vacuumStarted) / 1000;
    // the load wrote its WAL (≈ 1 GB at 100,000 cases) with checkpoints held off (max_wal_size 8GB, postgres.ts): a
    // checkpoint now lets those WAL files be recycled. Without it the measurements below ran on a
    // server that created a new 16 MB WAL file every few seconds (zero-filled and fsynced while
    // every commit waits: wait event WALInitSync, then WALWrite), the paced events' p99 tail.
    await phase('checkpoint', () => client.query('CHECKPOINT'));
    const size = await client.query<{ mb: number }>(
      'SELECT pg_database_size(current_database()) / 1048576 AS mb',
    );
    const samples = await client.query<{ id: string }>(
      'SELECT id FROM cases TABLESAMPLE SYSTEM (5) LIMIT 2000',
    );
    const pageIds = samples.rows.map((row) => row.id);
    const statsYear = String(new Date(nowMs).getUTCFullYear() - 1);
    const xz = await client.query<{ id: string }>(`SELECT id FROM units WHERE code = 'MH-XZ'`);
    await client.end();
    log(
      `loaded ${loaded.cases} cases, ${loaded.events} events, ${loaded.parties} parties, ${loaded.sessions} sessions, ${loaded.agreements} agreements, ${loaded.escalations} escalations (${size.rows[0].mb} MB)`,
    );

    // ---- the limit -------------------------------------------------------------------
    const pgbench = await phase('pgbench', () => runPgbench(server.pgbenchUrl, options.clients, 20));
    log(`pgbench: ${pgbench.tps ?? 'n/a'} TPS (${pgbench.note})`);

    // ---- the app ---------------------------------------------------------------------
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-bench-app-'));
    app = await phase('start the app', () =>
      startApp({
        ...process.env,
        DATABASE_URL: server.appUrl,
        SESSION_SECRET: randomBytes(32).toString('hex'),
        DATA_KEY: dataKey,
        AUDIT_KEY: auditKey.toString('hex'),
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
      }),
    );
    // the app sweeps every open clock as it starts (src/worker.ts, DeadlineTimerService.sweep):
    // 15–60 s of both cores at 1,000,000 cases. Measured while it ran, the first phases
    // were partly the sweep's; what is measured here is the app in its steady state.
    await phase("the app's start-up deadline sweep", () => startUpSweepDone(server.appUrl));
    const base = app.url;
    // whose CPU each request costs (cpuPerRequest): the app's process, PostgreSQL's, this one's
    const pids = { app: app.child.pid, postmaster: await postmasterPidOf(server.appUrl) };
    const cpuPerRequest: { events8: CpuSplit | null; page: CpuSplit | null } = { events8: null, page: null };
    // what the hourly sweep costs in the steady state (the start-up one above gave clocks their timers)
    const deadlineSweep = await phase('an hourly deadline sweep', () => timedSweep(server.appUrl, pids));
    log(
      `hourly deadline sweep: ${deadlineSweep.seconds} s for ${deadlineSweep.checked} cases and petitions (CPU: app ${deadlineSweep.appCpuSeconds} s, PostgreSQL ${deadlineSweep.postgresCpuSeconds} s)`,
    );
    const login = async (username: string) =>
      (
        await requestJson<{ token: string }>(`${base}/api/v1/auth/login`, {
          method: 'POST',
          json: { username, password: demoPassword },
        })
      ).token;
    const tokens = {
      mediator: await login('mediator'),
      supervisor: await login('supervisor'),
      street: await login('supervisor.street'),
      admin: await login('admin'),
    };

    if (options.hold) {
      holding = true;
      process.stdout.write(
        `${JSON.stringify({ app: base, hello: app.helloUrl, database: server.appUrl, tokens, benchCases: loaded.benchCaseIds, pageIds: pageIds.slice(0, 3) }, null, 2)}\nkill -INT ${process.pid} to stop\n`,
      );
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      // a graceful stop, so that a profiler in the app (BENCH_APP_NODE_OPTIONS) writes its file; an app
      // the Ctrl-C reached too (it shares the terminal's process group) has stopped already
      const child = app.child;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.send({ kind: 'stop' }, (error) => {
          if (error) child.kill('SIGTERM');
        });
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
      }
      return;
    }

    // warm up (JIT, pool, caches) before anything is timed
    await closedLoop(options.clients, 3, async (i) => {
      const id = pageIds[(i * 7919 + Math.floor(performance.now())) % pageIds.length];
      return (await request(`${base}/api/v1/cases/${id}`, { token: tokens.supervisor })).status === 200;
    });

    // events: LOG_SESSION on the bench mediator's own cases, one case per client
    const versions = new Map<string, number>();
    let eventErrors = 0;
    const eventTarget = {
      base,
      token: tokens.mediator,
      versions,
      onRefused: (status: number, body: string) => {
        eventErrors++;
        if (eventErrors <= 3) log(`event answered ${status}: ${body.slice(0, 200)}`);
      },
    };
    const logSessionOn = (ids: string[]) => logSession(eventTarget, ids);
    // the warm-up's refusals are its own (`eventWarmUp.errors`), as the paced thread's untimed second's are not counted
    const warmUpOn = (ids: string[]) =>
      logSession(
        {
          ...eventTarget,
          onRefused: (status, body) => log(`event answered ${status} in the warm-up: ${body.slice(0, 200)}`),
        },
        ids,
      );
    const refresh = (id: string) => refreshVersion(eventTarget, id);
    const ids = loaded.benchCaseIds;
    const sets = {
      c1: ids.slice(0, 1),
      c8: ids.slice(1, 1 + options.clients),
      c32: ids.slice(1 + options.clients, 1 + options.clients + 32),
    };
    // the warm-up's own cases where the working set (64) has enough: the timed phases' cases start as they did without one
    const warmUpIds = ids.slice(1 + options.clients + 32, 1 + 2 * options.clients + 32);
    const warmUpSet = warmUpIds.length === options.clients ? warmUpIds : sets.c8;
    const skipped: LoadResult = {
      requests: 0,
      errors: 0,
      seconds: 0,
      perSecond: 0,
      p50: NaN,
      p95: NaN,
      p99: NaN,
      max: NaN,
    };
    const events: Record<string, LoadResult> = { c1: skipped, c8: skipped, c32: skipped, paced8: skipped };
    let pacedRate = 0;
    let pacedStalls: BenchReport['eventPacedStalls'] = null;
    let pgbenchAfterEvents: number | null = null;
    let eventWarmUp: BenchReport['eventWarmUp'] = null;
    let eventsBackground8: BenchReport['eventsBackground8'] = null;
    if (options.phases.has('events')) {
      for (const id of ids) await refresh(id);
      events.c1 = await phase('events, 1 client', () =>
        closedLoop(1, options.seconds, logSessionOn(sets.c1)),
      );
      if (options.warmUpSeconds > 0) {
        const warmUpCpuBefore = cpuCounters(pids);
        const warmUp = await phase(`events, ${options.clients} clients, warming up (untimed)`, () =>
          closedLoop(options.clients, options.warmUpSeconds, warmUpOn(warmUpSet)),
        );
        eventWarmUp = {
          seconds: options.warmUpSeconds,
          perSecond: warmUp.perSecond,
          errors: warmUp.errors,
          cpu: cpuSplitBetween(warmUpCpuBefore, cpuCounters(pids), warmUp.requests + warmUp.errors),
        };
      }
      // the background's readings outside the statements' window: their queries are not the events'
      const backgroundBefore = await backgroundCounters(server.appUrl);
      const statements = await statementStats(server.appUrl);
      const cpuBefore = cpuCounters(pids);
      events.c8 = await phase(`events, ${options.clients} clients`, () =>
        closedLoop(options.clients, options.seconds, logSessionOn(sets.c8)),
      );
      const cpuAfter = cpuCounters(pids);
      await statements?.report(events.c8.requests);
      eventsBackground8 = backgroundWorkBetween(backgroundBefore, await backgroundCounters(server.appUrl));
      cpuPerRequest.events8 = cpuSplitBetween(cpuBefore, cpuAfter, events.c8.requests + events.c8.errors);
      events.c32 = await phase('events, 32 clients', () =>
        closedLoop(32, options.seconds, logSessionOn(sets.c32)),
      );
      pacedRate = Math.max(1, Math.round(events.c8.perSecond / 2));
      const before = await backgroundCounters(server.appUrl);
      const hostBefore = hostCounters();
      // in a thread of its own, away from this one's heap (paced-worker.ts); its event loop's delay measured there
      const paced = await phase(`events at ${pacedRate}/s, ${options.clients} clients`, () =>
        pacedInWorker({
          base,
          token: tokens.mediator,
          ids: sets.c8,
          versions: Object.fromEntries(versions),
          clients: options.clients,
          seconds: options.seconds,
          rate: pacedRate,
        }),
      );
      events.paced8 = paced.result;
      for (const [id, version] of Object.entries(paced.versions)) versions.set(id, version);
      for (const { status, body } of paced.refused) eventTarget.onRefused(status, body);
      eventErrors += paced.refusedCount - paced.refused.length;
      pacedStalls = {
        ...stallsOf(events.paced8.timeline ?? [], options.clients, pacedSlowMs),
        loadgenLoopDelayMs: paced.loopDelayMs,
        slowOverMs: pacedSlowMs,
        ...backgroundWorkBetween(before, await backgroundCounters(server.appUrl)),
        host: hostStallsBetween(hostBefore, hostCounters()),
      };
      log(`events at ${pacedRate}/s, requests over ${pacedSlowMs} ms: ${JSON.stringify(pacedStalls)}`);
    }
    for (const [name, result] of Object.entries(events))
      log(
        `events ${name}: ${result.perSecond}/s, p50 ${result.p50} p95 ${result.p95} p99 ${result.p99} ms, ${result.errors} errors`,
      );

    // reads: one client, each request waiting for the last (latency, not throughput)
    const readSeconds = Math.max(5, Math.round(options.seconds * 0.7));
    const rotating = (token: string, paths: string[]) => {
      let next = 0;
      return async () => (await request(`${base}${paths[next++ % paths.length]}`, { token })).status === 200;
    };
    const read = (name: string, token: string, paths: string[]) =>
      options.phases.has('reads')
        ? phase(name, () => closedLoop(1, readSeconds, rotating(token, paths), 400))
        : Promise.resolve(skipped);
    const streetList = [
      '/api/v1/cases?state=mediation&page=1&pageSize=20',
      '/api/v1/cases?type=labour&state=closed&page=1&pageSize=20',
      '/api/v1/cases?type=neighbourhood&sort=updated&page=1&pageSize=20',
      `/api/v1/cases?level=community&state=agreement&unitId=${xz.rows[0].id}&page=1&pageSize=20`,
      '/api/v1/cases?track=people&type=family&page=2&pageSize=20',
    ];
    // the headline list and search: a workstation mediator's own cases ("what waits for me"),
    // the list most used day to day; the sub-centre's and the district's scopes are reported beside
    const list = await read('list (workstation mediator, filters)', tokens.mediator, [
      '/api/v1/cases?state=mediation&page=1&pageSize=20',
      '/api/v1/cases?state=closed&type=neighbourhood&page=1&pageSize=20',
      '/api/v1/cases?state=agreement&sort=due&page=1&pageSize=20',
      '/api/v1/cases?type=labour&page=1&pageSize=20',
    ]);
    const search = await read('search q=工资 (workstation mediator)', tokens.mediator, [
      `/api/v1/cases?q=${encodeURIComponent('工资')}&page=1&pageSize=20`,
    ]);
    const stats = await read(`statistics ${statsYear} (district supervisor)`, tokens.supervisor, [
      `/api/v1/stats?from=${statsYear}-01-01&to=${statsYear}-12-31`,
    ]);
    const extra: BenchReport['extra'] = {};
    const extraRead = async (key: string, what: string, token: string, paths: string[]) => {
      const result = await read(what, token, paths);
      extra[key] = { p50: result.p50, p95: result.p95, what: `${what} p50/p95` };
    };
    await extraRead(
      'streetList',
      'list (street sub-centre supervisor, filters; subcentreListP95Ms)',
      tokens.street,
      streetList,
    );
    await extraRead(
      'streetSearch',
      'search q=工资 (street sub-centre supervisor; subcentreSearchP95Ms)',
      tokens.street,
      [`/api/v1/cases?q=${encodeURIComponent('工资')}&page=1&pageSize=20`],
    );
    // a surname, a single character: in 3 % of the generated cases (29,684 of 1,000,000)
    await extraRead(
      'oneCharSearch',
      'search q=张, one character (street sub-centre supervisor; oneCharSearchP95Ms)',
      tokens.street,
      [`/api/v1/cases?q=${encodeURIComponent('张')}&page=1&pageSize=20`],
    );
    await extraRead(
      'districtList',
      'list (district supervisor, filters)',
      tokens.supervisor,
      streetList.slice(0, 3),
    );
    await extraRead('districtSearch', 'search q=拖欠工资 (district supervisor)', tokens.supervisor, [
      `/api/v1/cases?q=${encodeURIComponent('拖欠工资')}&page=1&pageSize=20`,
    ]);
    log(`list p95 ${list.p95} ms, search p95 ${search.p95} ms, stats p95 ${stats.p95} ms`);

    // the case page against a bare "hello", same process, same connections
    let nextPage = 0;
    const noLoad = { requests: { average: NaN, total: 0 }, latency: { p99: NaN }, non2xx: 0 };
    const pageCpuBefore = cpuCounters(pids);
    const page = !options.phases.has('page')
      ? noLoad
      : await phase('case page (autocannon)', () =>
          autocannon({
            url: base,
            connections: options.clients,
            duration: options.seconds,
            headers: { authorization: `Bearer ${tokens.supervisor}`, accept: 'application/json' },
            requests: [
              {
                method: 'GET',
                setupRequest: (req) => ({
                  ...req,
                  path: `/api/v1/cases/${pageIds[nextPage++ % pageIds.length]}`,
                }),
              },
            ],
          }),
        );
    if (options.phases.has('page'))
      cpuPerRequest.page = cpuSplitBetween(pageCpuBefore, cpuCounters(pids), page.requests.total);
    const hello = !options.phases.has('hello')
      ? noLoad
      : await phase('bare hello (autocannon)', () =>
          autocannon({
            url: `${app?.helloUrl}/hello`,
            connections: options.clients,
            duration: options.seconds,
          }),
        );
    // the page's floor: the same reads of the same cases, answered by bare Express and node-postgres
    let nextFloor = 0;
    const floor = !options.phases.has('page')
      ? noLoad
      : await phase('page floor: the case read alone (autocannon)', () =>
          autocannon({
            url: app?.helloUrl ?? '',
            connections: options.clients,
            duration: options.seconds,
            requests: [
              {
                method: 'GET',
                setupRequest: (req) => ({ ...req, path: `/case/${pageIds[nextFloor++ % pageIds.length]}` }),
              },
            ],
          }),
        );
    log(
      `page ${page.requests.average} req/s (${page.non2xx} non-2xx), its floor ${floor.requests.average} req/s (${floor.non2xx} non-2xx), hello ${hello.requests.average} req/s`,
    );

    // the limit read again, once the reads and pages are measured as before and before the import: a host
    // whose speed moved since the first pgbench shows here (both ratios are reported; the target keeps the
    // first). A failure costs this figure only, not the run's
    if (options.phases.has('events')) {
      const again = await phase('pgbench again, after the event, read and page phases', () =>
        runPgbench(server.pgbenchUrl, options.clients, 20, { initialise: false }).catch((error: unknown) => {
          log(`pgbench again failed: ${error instanceof Error ? error.message : String(error)}`);
          return null;
        }),
      );
      pgbenchAfterEvents = again?.tps ?? null;
      log(`pgbench after the events: ${pgbenchAfterEvents ?? 'n/a'} TPS`);
    }

    // the historic import, as the demo admin
    // the peak so far: the app under request load, before the import's one big request
    const beforeImport = await appUsage(app.child);
    let importSeconds = Number.NaN;
    if (options.phases.has('import')) {
      const csv = historicCsv(city, rng);
      const importStarted = performance.now();
      const imported = await phase(`import ${historicRows} rows`, () =>
        request(`${base}/api/v1/imports/cases`, {
          method: 'POST',
          token: tokens.admin,
          text: csv,
          contentType: 'text/csv',
        }),
      );
      importSeconds = Math.round((performance.now() - importStarted) / 10) / 100;
      if (imported.status !== 201)
        throw new Error(`the import answered ${imported.status}: ${imported.body.slice(0, 500)}`);
    }

    const usage = await appUsage(app.child);
    const round = (value: number) => Math.round(value * 10) / 10;
    const report: BenchReport = {
      startedAt: new Date(runStarted).toISOString(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      node: process.version,
      postgres,
      database: server.kind,
      ...(process.env.BENCH_POSTGRES_SETTINGS
        ? { postgresSettings: process.env.BENCH_POSTGRES_SETTINGS }
        : {}),
      cases: options.cases,
      clients: options.clients,
      city: city.counts,
      generated: {
        cases: loaded.cases,
        openCases: loaded.openCases,
        events: loaded.events,
        parties: loaded.parties,
        sessions: loaded.sessions,
        agreements: loaded.agreements,
        escalations: loaded.escalations,
        seconds: round(loaded.generateSeconds),
        indexSeconds: round(loaded.indexSeconds),
        vacuumSeconds: round(vacuumSeconds),
        databaseSizeMb: Number(size.rows[0].mb),
      },
      pgbench: { available: pgbench.available, note: pgbench.note, latencyMs: pgbench.latencyMs },
      pgbenchTps8: pgbench.tps,
      pgbenchTps8AfterEvents: pgbenchAfterEvents,
      eventsPerSec: { c1: events.c1.perSecond, c8: events.c8.perSecond, c32: events.c32.perSecond },
      eventWarmUp,
      eventsBackground8,
      eventLatencyMs: {
        c1: { p50: events.c1.p50, p95: events.c1.p95, p99: events.c1.p99 },
        c8: { p50: events.c8.p50, p95: events.c8.p95, p99: events.c8.p99 },
        c32: { p50: events.c32.p50, p95: events.c32.p95, p99: events.c32.p99 },
        paced8: { p50: events.paced8.p50, p95: events.paced8.p95, p99: events.paced8.p99 },
      },
      eventPacedRate: pacedRate,
      eventP99Ms8: events.paced8.p99,
      eventPacedStalls: pacedStalls,
      eventErrors,
      listP50Ms: list.p50,
      listP95Ms: list.p95,
      searchP50Ms: search.p50,
      searchP95Ms: search.p95,
      subcentreListP95Ms: extra.streetList?.p95 ?? Number.NaN,
      subcentreSearchP95Ms: extra.streetSearch?.p95 ?? Number.NaN,
      oneCharSearchP95Ms: extra.oneCharSearch?.p95 ?? Number.NaN,
      statsP50Ms: stats.p50,
      statsP95Ms: stats.p95,
      statsYear,
      extra,
      pageRps: round(page.requests.average),
      helloRps: round(hello.requests.average),
      pageFloorRps: round(floor.requests.average),
      cpuPerRequest,
      pageLatencyP99Ms: page.latency.p99,
      deadlineSweep,
      importSeconds,
      importRows: historicRows,
      peakRssMb: round(usage.maxRssMb),
      peakRssBeforeImportMb: round(beforeImport.maxRssMb),
      memoryAtPeak: { beforeImport: beforeImport.atPeak, all: usage.atPeak },
      eventsInOneMessage: { ...usage.eventsInOneMessage },
      mailPerSecond: null,
      runSeconds: 0,
      phases,
      loadAverages,
      baseline: findBaseline(path.dirname(options.out), options.baseline, options.cases),
      targets: [],
    };
    app.child.send({ kind: 'stop' });
    await new Promise((resolve) => app?.child.once('exit', resolve));
    app = undefined;
    // mail: once the app has stopped, so that its worker takes no share of the notices (mail.ts)
    if (options.phases.has('mail'))
      report.mail = await phase('mail (100 notices, SMTP answering in 4 s)', () =>
        measureMail({
          databaseUrl: server.appUrl,
          env: { ...process.env, SESSION_SECRET: randomBytes(32).toString('hex'), DATA_KEY: dataKey },
          notices: 100,
          answerDelayMs: 4000,
        }),
      );
    report.mailPerSecond = report.mail?.perSecond ?? null;
    report.runSeconds = Math.round((Date.now() - runStarted) / 1000);
    report.targets = evaluateTargets(report);
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${markdown(report)}\nJSON: ${options.out}\n`);
  } finally {
    await stopEverything();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
