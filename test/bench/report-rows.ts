import type { BackgroundWork } from './background-work';
import type { CpuSplit } from './cpu-split';
import type { BenchReport } from './report';

// The table rows of the event phases that say more than a figure (`report.ts`'s `markdown`): CPU per
// request, the warm-up, what PostgreSQL ran by itself, the paced phase's slow events.

/**
 * Where a phase's CPU went per request, and the rate that the three processes' sum allows on
 * this machine's cores, as one table row (none when not measured).
 */
export function cpuRow(
  title: string,
  report: Pick<BenchReport, 'cpus'>,
  split: CpuSplit | null | undefined,
): Array<[string, string]> {
  if (!split) return [];
  const ms = (value: number | null) => (value === null ? 'not measured' : `${value.toFixed(2)} ms`);
  const sum =
    split.appMs === null || split.postgresMs === null
      ? null
      : split.appMs + split.postgresMs + split.loadgenMs;
  const bound =
    sum === null
      ? ''
      : `; ${sum.toFixed(2)} ms in all: at most ≈ ${Math.round((report.cpus * 1000) / sum)}/s on ${report.cpus} cores`;
  const busy = split.busyCores === null ? '' : `; ${split.busyCores} cores busy`;
  return [
    [
      title,
      `app ${ms(split.appMs)}, PostgreSQL ${ms(split.postgresMs)}, load generator ${ms(split.loadgenMs)}${bound}${busy}`,
    ],
  ];
}

/** The untimed warm-up before the timed `--clients` events: its rate (and its ratio to pgbench) and its CPU per event. */
export function warmUpRows(
  report: Pick<BenchReport, 'cpus' | 'clients' | 'pgbenchTps8'>,
  warmUp: NonNullable<BenchReport['eventWarmUp']>,
): Array<[string, string]> {
  const ratio = report.pgbenchTps8 ? ` (${(warmUp.perSecond / report.pgbenchTps8).toFixed(2)}× pgbench)` : '';
  return [
    [
      `…events/s, ${report.clients} clients, the ${warmUp.seconds} s warm-up before (untimed: eventWarmUp)`,
      `${warmUp.perSecond}${ratio}, ${warmUp.errors} errors`,
    ],
    ...cpuRow('…CPU per event in that warm-up (eventWarmUp.cpu)', report, warmUp.cpu),
  ];
}

/** What PostgreSQL ran by itself over a phase, as phrases (none: nothing). */
function backgroundPhrases(work: BackgroundWork): string[] {
  return [
    work.autovacuum.length > 0 ? `autovacuum of ${work.autovacuum.join(', ')}` : '',
    work.autoanalyze.length > 0 ? `autoanalyze of ${work.autoanalyze.join(', ')}` : '',
    work.checkpoints > 0 ? `${work.checkpoints} checkpoint(s)` : '',
    work.walFilesAdded === null
      ? 'new WAL files not counted (the role may not list pg_wal)'
      : work.walFilesAdded > 0
        ? `${work.walFilesAdded} new WAL file(s)`
        : '',
  ].filter(Boolean);
}

const nothingInTheBackground = 'no autovacuum, autoanalyze, checkpoint or new WAL file';

/** What PostgreSQL ran by itself during the timed `--clients` events, as one table row. */
export function backgroundRow(clients: number, work: BackgroundWork): [string, string] {
  const phrases = backgroundPhrases(work);
  return [
    `…what PostgreSQL ran by itself during those ${clients} clients' events (eventsBackground8)`,
    phrases.length > 0 ? phrases.join('; ') : nothingInTheBackground,
  ];
}

/** The paced phase's slow events, and what PostgreSQL ran by itself meanwhile, as one table row. */
export function pacedStallsRow(stalls: NonNullable<BenchReport['eventPacedStalls']>): [string, string] {
  const background = backgroundPhrases(stalls);
  if (stalls.sentLate !== undefined && stalls.loadgenLoopDelayMs)
    background.push(
      `${stalls.sentLate} of the slow events left the load generator late (its event loop's delay p99 ${stalls.loadgenLoopDelayMs.p99} ms, max ${stalls.loadgenLoopDelayMs.max} ms)`,
    );
  if (stalls.host)
    background.push(
      `the machine waited on I/O ${stalls.host.ioSomeMs} ms (every task ${stalls.host.ioFullMs} ms), ${stalls.host.stealMs} CPU ms stolen`,
    );
  return [
    `…events over ${stalls.slowOverMs} ms at that rate (eventPacedStalls)`,
    `${stalls.slow} in ${stalls.stalls} stretch(es), ${stalls.shared} of them in stretches that caught most clients at once; longest ${stalls.longestMs} ms, worst ${stalls.worstMs} ms; meanwhile ${background.length > 0 ? background.join('; ') : nothingInTheBackground}`,
  ];
}
