import fs from 'node:fs';
import path from 'node:path';
import type { MemoryAtPeak } from './app-process';
import type { BackgroundWork, HostStalls } from './background-work';
import type { CpuSplit } from './cpu-split';
import type { MailBenchResult } from './mail';
import { backgroundRow, cpuRow, pacedStallsRow, warmUpRows } from './report-rows';

/** The figures of one run, as written to the JSON file (the keys of issue 8 and more). */
export interface BenchReport {
  startedAt: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  postgres: string;
  /** Settings given through BENCH_POSTGRES_SETTINGS (a diagnostic run; absent normally). */
  postgresSettings?: string;
  database: 'embedded' | 'external';
  cases: number;
  clients: number;
  city: { units: number; communities: number; grids: number; users: number };
  generated: {
    cases: number;
    openCases: number;
    events: number;
    parties: number;
    sessions: number;
    agreements: number;
    escalations: number;
    seconds: number;
    indexSeconds: number;
    vacuumSeconds: number;
    databaseSizeMb: number;
  };
  pgbench: { available: boolean; note: string; latencyMs: number | null };
  pgbenchTps8: number | null;
  /**
   * pgbench again, on the tables its first run initialised, after the event, read and page phases and
   * before the import (absent in older JSON files; null: no events phase, no pgbench, or it failed): how
   * far the host's speed moved while the app was measured. The target keeps `pgbenchTps8`.
   */
  pgbenchTps8AfterEvents?: number | null;
  eventsPerSec: { c1: number; c8: number; c32: number };
  /**
   * The untimed `--clients` events run just before the timed one (`--warm-up`, on as many cases of
   * their own where the working set has them): its rate and CPU per event show the app still cold
   * (null: none, or no events phase; absent in runs before issue 22's sixteenth round, whose
   * 8-client phase followed the 1-client one directly).
   */
  eventWarmUp?: { seconds: number; perSecond: number; errors: number; cpu: CpuSplit | null } | null;
  /**
   * Over the whole run, the events the app decided from the case as its last event on it left it and
   * sent in one message (`sentAlone`), and those it had to read again (`readAgain`: the case had
   * changed, or deciding needed the database): `CasesKeptForEvents`. Absent before issue 22's
   * seventeenth round.
   */
  eventsInOneMessage?: { sentAlone: number; readAgain: number };
  /**
   * What PostgreSQL ran by itself during the timed `--clients` events phase (autovacuum, autoanalyze,
   * checkpoints, new WAL files): at 100k, a table's autovacuum and autoanalyze come every few
   * thousand events and, landing in the phase, take part of its CPU (item 36). Null: no events phase;
   * absent in runs before the sixteenth round's fourth 100k run.
   */
  eventsBackground8?: BackgroundWork | null;
  eventLatencyMs: Record<'c1' | 'c8' | 'c32' | 'paced8', { p50: number; p95: number; p99: number }>;
  eventPacedRate: number;
  eventP99Ms8: number;
  /**
   * Where the paced phase's slow events (over `slowOverMs`) came from: `stalls` stretches of
   * late requests, `shared` of them in stretches that caught most clients at once, and what
   * PostgreSQL ran by itself meanwhile (autovacuum, autoanalyze, checkpoints). Null: no events phase.
   */
  eventPacedStalls: {
    slowOverMs: number;
    slow: number;
    stalls: number;
    shared: number;
    longestMs: number;
    worstMs: number;
    /**
     * Of the slow events, those that left the load generator over `slowOverMs` late (its own
     * pause, not the app's), and its event loop's delay over the phase (absent in runs before
     * issue 22's fifth round).
     */
    sentLate?: number;
    loadgenLoopDelayMs?: { p99: number; max: number };
    autovacuum: string[];
    autoanalyze: string[];
    checkpoints: number;
    /** Null: the benchmark's role may not list pg_wal. */
    walFilesAdded: number | null;
    /**
     * This machine meanwhile: ms in which some / every non-idle task waited on I/O, CPU ms stolen
     * by the hypervisor (`hostStallsBetween`). Null: not Linux, or runs before issue 22's fourth round.
     */
    host?: HostStalls | null;
  } | null;
  eventErrors: number;
  listP50Ms: number;
  listP95Ms: number;
  searchP50Ms: number;
  searchP95Ms: number;
  /** The street sub-centre supervisor's list with filters (= extra.streetList.p95). */
  subcentreListP95Ms: number;
  /** The street sub-centre supervisor's search q=工资 (= extra.streetSearch.p95). */
  subcentreSearchP95Ms: number;
  /** A one-character search, q=张 (a surname), by the street sub-centre supervisor (= extra.oneCharSearch.p95). */
  oneCharSearchP95Ms: number;
  statsP50Ms: number;
  statsP95Ms: number;
  statsYear: string;
  extra: Record<string, { p50: number; p95: number; what: string }>;
  pageRps: number;
  helloRps: number;
  /**
   * The page's floor: bare Express and node-postgres answering the page's own read of the case
   * (`forViewRead.withUnits`) on the same 2,000 cases, same process, no middleware (absent in runs before
   * issue 22's fourth round).
   */
  pageFloorRps?: number;
  /**
   * CPU milliseconds per request over the 8-client events phase and the case page's phase: the
   * app's process, PostgreSQL's (null: its server is not on this machine), the load generator's,
   * and how many cores the three kept busy (`cpu-split.ts`; absent in runs before issue 22's fifth round).
   */
  cpuPerRequest?: { events8: CpuSplit | null; page: CpuSplit | null };
  pageLatencyP99Ms: number;
  /**
   * An hourly deadline sweep once the start-up one has given every open clock its timer (the steady
   * state: most clocks unchanged): how many cases and petitions it checked, its run's wall time, the
   * app's and PostgreSQL's CPU seconds meanwhile (absent in runs before issue 22's fourteenth round).
   */
  deadlineSweep?: {
    checked: number;
    seconds: number;
    appCpuSeconds: number | null;
    postgresCpuSeconds: number | null;
  };
  importSeconds: number;
  importRows: number;
  peakRssMb: number;
  /** The peak before the historic import: the app under the request load alone. */
  peakRssBeforeImportMb: number;
  /** Where the memory was at the highest sampled RSS, before the import and in the whole run (absent before issue 22's seventh round). */
  memoryAtPeak?: { beforeImport: MemoryAtPeak; all: MemoryAtPeak };
  /** Mails per second one process sends to an SMTP server that takes 4 s per mail (the `mail` phase). */
  mailPerSecond: number | null;
  mail?: MailBenchResult;
  runSeconds: number;
  phases: Record<string, number>;
  /** The machine's 1-minute load average as each phase started (other work on a shared machine). */
  loadAverages: Record<string, number>;
  baseline: { file: string; cases: number; listP95Ms: number; searchP95Ms: number } | null;
  targets: Array<{ target: string; measured: string; met: boolean | null }>;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The issue's targets, each checked against this run (and the 100k baseline for growth). */
export function evaluateTargets(report: BenchReport): BenchReport['targets'] {
  const targets: BenchReport['targets'] = [];
  const tps = report.pgbenchTps8;
  targets.push({
    target: `events/s at ${report.clients} clients ≥ 0.5 × pgbench tpcb-like TPS`,
    measured: tps
      ? `${report.eventsPerSec.c8} vs ${round1(tps)} → ${(report.eventsPerSec.c8 / tps).toFixed(2)}×`
      : 'no pgbench',
    met: tps ? report.eventsPerSec.c8 >= 0.5 * tps : null,
  });
  targets.push({
    target: 'event p99 ≤ 25 ms at half that rate',
    measured: `${report.eventP99Ms8} ms at ${report.eventPacedRate}/s`,
    met: report.eventP99Ms8 <= 25,
  });
  targets.push({
    target: 'list p95 ≤ 50 ms (workstation mediator: listP95Ms)',
    measured: `${report.listP95Ms} ms`,
    met: report.listP95Ms <= 50,
  });
  targets.push({
    target: 'search p95 ≤ 50 ms (workstation mediator: searchP95Ms)',
    measured: `${report.searchP95Ms} ms`,
    met: report.searchP95Ms <= 50,
  });
  for (const [figure, label, limit] of [
    [report.subcentreListP95Ms, 'list p95 ≤ 50 ms (street sub-centre supervisor: subcentreListP95Ms)', 50],
    [
      report.subcentreSearchP95Ms,
      'search p95 ≤ 50 ms (street sub-centre supervisor: subcentreSearchP95Ms)',
      50,
    ],
    [
      report.oneCharSearchP95Ms,
      'one-character search q=张 p95 ≤ 200 ms (sub-centre: oneCharSearchP95Ms)',
      200,
    ],
  ] as const) {
    // NaN (or absent in an older report): the reads phase did not run
    if (Number.isFinite(figure))
      targets.push({ target: label, measured: `${figure} ms`, met: figure <= limit });
  }
  const base = report.baseline;
  if (base && report.cases > base.cases) {
    const list = report.listP95Ms / base.listP95Ms;
    const search = report.searchP95Ms / base.searchP95Ms;
    targets.push({
      target: `list and search p95 grow ≤ 1.5× from ${base.cases} cases`,
      measured: `list ${list.toFixed(2)}×, search ${search.toFixed(2)}×`,
      met: list <= 1.5 && search <= 1.5,
    });
  } else {
    targets.push({
      target: 'list and search p95 grow ≤ 1.5× from 100,000 to 1,000,000 cases',
      measured: 'needs a --cases 1000000 run (with a 100,000 run as baseline)',
      met: null,
    });
  }
  targets.push({
    target: 'statistics for a district-year p95 ≤ 200 ms',
    measured: `${report.statsP95Ms} ms (${report.statsYear})`,
    met: report.statsP95Ms <= 200,
  });
  targets.push({
    target: 'case page ≥ 0.3 × bare "hello" rate',
    measured: `${report.pageRps} vs ${report.helloRps} req/s → ${(report.pageRps / report.helloRps).toFixed(2)}×`,
    met: report.pageRps >= 0.3 * report.helloRps,
  });
  targets.push({
    target: `${report.importRows}-row import ≤ 10 s`,
    measured: `${report.importSeconds} s`,
    met: report.importSeconds <= 10,
  });
  if (report.mailPerSecond !== null)
    targets.push({
      target: 'mails/s per process ≥ 5 against an SMTP server taking 4 s per mail',
      measured: `${report.mailPerSecond}/s`,
      met: report.mailPerSecond >= 5,
    });
  targets.push({
    target: 'app RSS ≤ 250 MB under load',
    measured: `${report.peakRssMb} MB peak (${report.peakRssBeforeImportMb} MB before the import)`,
    met: report.peakRssMb <= 250,
  });
  return targets;
}

const mark = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : '**not met**');

export function markdown(report: BenchReport): string {
  const rows: Array<[string, string]> = [
    ['machine', `${report.cpus} CPUs (${report.cpuModel}), ${report.memoryGb} GB, Node ${report.node}`],
    [
      'PostgreSQL',
      `${report.postgres} (${report.database})${report.postgresSettings ? `, set for diagnosis: ${report.postgresSettings}` : ''}`,
    ],
    [
      'city',
      `${report.city.units} units (${report.city.communities} workstations), ${report.city.grids} grid blocks, ${report.city.users} users`,
    ],
    [
      'cases generated',
      `${report.generated.cases} (${report.generated.openCases} open), ${report.generated.events} events, ${report.generated.parties} parties — ${report.generated.seconds} s + indexes ${report.generated.indexSeconds} s + vacuum ${report.generated.vacuumSeconds} s, ${report.generated.databaseSizeMb} MB`,
    ],
    [
      `pgbench tpcb-like, ${report.clients} clients (pgbenchTps8)`,
      report.pgbenchTps8 === null ? report.pgbench.note : `${round1(report.pgbenchTps8)} TPS`,
    ],
    ...(typeof report.pgbenchTps8AfterEvents === 'number'
      ? [
          [
            '…pgbench again, after the event, read and page phases (pgbenchTps8AfterEvents)',
            `${round1(report.pgbenchTps8AfterEvents)} TPS (events/s at ${report.clients} clients ÷ it: ${(report.eventsPerSec.c8 / report.pgbenchTps8AfterEvents).toFixed(2)}×)`,
          ] as [string, string],
        ]
      : []),
    ['events/s, 1 client (p50/p95/p99 ms)', `${report.eventsPerSec.c1} (${fmt(report.eventLatencyMs.c1)})`],
    ...(report.eventWarmUp ? warmUpRows(report, report.eventWarmUp) : []),
    [
      `events/s, ${report.clients} clients (p50/p95/p99 ms)`,
      `${report.eventsPerSec.c8} (${fmt(report.eventLatencyMs.c8)})`,
    ],
    ...(report.eventsBackground8 ? [backgroundRow(report.clients, report.eventsBackground8)] : []),
    ...(report.eventsInOneMessage
      ? [
          [
            '…events sent in one message, the whole run (eventsInOneMessage)',
            `${report.eventsInOneMessage.sentAlone} (read again: ${report.eventsInOneMessage.readAgain})`,
          ] as [string, string],
        ]
      : []),
    [
      'events/s, 32 clients (p50/p95/p99 ms)',
      `${report.eventsPerSec.c32} (${fmt(report.eventLatencyMs.c32)})`,
    ],
    [
      `event latency at ${report.eventPacedRate}/s, ${report.clients} clients (eventP99Ms8)`,
      `${fmt(report.eventLatencyMs.paced8)} ms`,
    ],
    ...(report.eventPacedStalls ? [pacedStallsRow(report.eventPacedStalls)] : []),
    ...cpuRow(
      `…CPU per event at ${report.clients} clients (cpuPerRequest.events8)`,
      report,
      report.cpuPerRequest?.events8,
    ),
    [
      'case list with filters, workstation mediator p50/p95 (listP95Ms)',
      `${report.listP50Ms} / ${report.listP95Ms} ms`,
    ],
    [
      'full-text search q=工资, workstation mediator p50/p95 (searchP95Ms)',
      `${report.searchP50Ms} / ${report.searchP95Ms} ms`,
    ],
    [
      `statistics for the district, ${report.statsYear} p50/p95 (statsP95Ms)`,
      `${report.statsP50Ms} / ${report.statsP95Ms} ms`,
    ],
    ...Object.values(report.extra).map((item): [string, string] => [
      item.what,
      `${item.p50} / ${item.p95} ms`,
    ]),
    [
      'case page GET /api/v1/cases/:id (pageRps)',
      `${report.pageRps} req/s (p99 ${report.pageLatencyP99Ms} ms)`,
    ],
    ['bare Express "hello" (helloRps)', `${report.helloRps} req/s`],
    ...(report.pageFloorRps === undefined
      ? []
      : [
          [
            "…the page's floor: bare Express + node-postgres, the page's own read, no middleware (pageFloorRps)",
            `${report.pageFloorRps} req/s (${(report.pageFloorRps / report.helloRps).toFixed(2)}× hello; the page is ${(report.pageRps / report.pageFloorRps).toFixed(2)}× its floor)`,
          ] as [string, string],
        ]),
    ...cpuRow('…CPU per case page (cpuPerRequest.page)', report, report.cpuPerRequest?.page),
    ...(report.deadlineSweep
      ? [
          [
            'an hourly deadline sweep, every open clock (deadlineSweep)',
            `${report.deadlineSweep.seconds} s for ${report.deadlineSweep.checked} cases and petitions (CPU: app ${report.deadlineSweep.appCpuSeconds ?? 'n/a'} s, PostgreSQL ${report.deadlineSweep.postgresCpuSeconds ?? 'n/a'} s)`,
          ] as [string, string],
        ]
      : []),
    [`historic import, ${report.importRows} rows (importSeconds)`, `${report.importSeconds} s`],
    [
      'mails/s, one process, SMTP answering in 4 s (mailPerSecond)',
      report.mail
        ? `${report.mail.perSecond} (${report.mail.messages} mails in ${report.mail.seconds} s, ${report.mail.concurrency} at once, at most ${report.mail.maxInFlight} held by the server)`
        : 'not measured',
    ],
    [
      'app peak RSS (peakRssMb)',
      `${report.peakRssMb} MB (${report.peakRssBeforeImportMb} MB before the import)`,
    ],
    ['whole run', `${report.runSeconds} s`],
    [
      'load average during the measurements (min–max)',
      (() => {
        const values = Object.values(report.loadAverages);
        return values.length ? `${Math.min(...values)}–${Math.max(...values)} on ${report.cpus} CPUs` : 'n/a';
      })(),
    ],
  ];
  const lines = [
    `### ${report.cases.toLocaleString('en')} cases, ${report.clients} clients — ${report.startedAt}`,
    '',
    '| figure | value |',
    '|---|---|',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...report.targets.map((item) => `| ${item.target} | ${item.measured} | ${mark(item.met)} |`),
    '',
  ];
  return lines.join('\n');
}

function fmt(latency: { p50: number; p95: number; p99: number }): string {
  return `${latency.p50} / ${latency.p95} / ${latency.p99}`;
}

/** The latest earlier run at 100,000 cases in the output folder: the base for the growth target. */
export function findBaseline(
  dir: string,
  explicit: string | undefined,
  cases: number,
): BenchReport['baseline'] {
  const files = explicit
    ? [explicit]
    : fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((name) => name.endsWith('.json'))
          .sort()
          .reverse()
          .map((name) => path.join(dir, name))
      : [];
  for (const file of files) {
    try {
      const earlier = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchReport;
      if (explicit || (earlier.cases === 100_000 && cases > 100_000))
        return { file, cases: earlier.cases, listP95Ms: earlier.listP95Ms, searchP95Ms: earlier.searchP95Ms };
    } catch {
      // not one of ours
    }
  }
  return null;
}
