import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { logSession } from './event-load';
import { type LoadResult, pacedLoop } from './load';

/**
 * Paced events sent before the measured ones, and not counted (neither their latency nor their
 * refusals): this thread starts cold, its code not yet compiled and its connections to the app
 * not yet open, and the first ≈ 100 ms of a phase without it were the slowest of the run
 * (test/bench/README item 31).
 */
const warmUpSeconds = 1;

/**
 * The paced events phase in a thread of its own (`pacedInWorker`), whose heap holds only
 * this load: the benchmark's main thread keeps ≈ 200 MB after generating the city, and its
 * garbage collection (10–22 ms scavenges every few seconds, a mark-compact of 85 ms, issue 22's
 * fifth round) would delay every client's next request at once — a tail of the load
 * generator's, not the app's.
 */
export interface PacedWork {
  base: string;
  token: string;
  ids: string[];
  versions: Record<string, number>;
  clients: number;
  seconds: number;
  rate: number;
}

export interface PacedAnswer {
  result: LoadResult;
  versions: Record<string, number>;
  /** Events the app refused, and the first few answers. */
  refusedCount: number;
  refused: Array<{ status: number; body: string }>;
  loopDelayMs: { p99: number; max: number };
}

async function main() {
  const work = workerData as PacedWork;
  const versions = new Map(Object.entries(work.versions));
  const refused: PacedAnswer['refused'] = [];
  let refusedCount = 0;
  const operation = logSession(
    {
      base: work.base,
      token: work.token,
      versions,
      onRefused: (status, body) => {
        refusedCount++;
        if (refused.length < 3) refused.push({ status, body: body.slice(0, 200) });
      },
    },
    work.ids,
  );
  await pacedLoop(work.clients, warmUpSeconds, work.rate, operation);
  refusedCount = 0;
  refused.length = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const startedAt = Date.now();
  const startedHrNs = process.hrtime.bigint();
  const result = await pacedLoop(work.clients, work.seconds, work.rate, operation);
  loopDelay.disable();
  // for investigating (BENCH_PACED_TIMELINE=FILE): each measured event answered, with the phase's start as epoch
  // ms and in ns on `process.hrtime`'s clock (CLOCK_MONOTONIC, which V8's CPU profiles count in µs)
  if (process.env.BENCH_PACED_TIMELINE)
    fs.writeFileSync(
      process.env.BENCH_PACED_TIMELINE,
      JSON.stringify({ startedAt, startedHrNs: String(startedHrNs), timeline: result.timeline }),
    );
  const answer: PacedAnswer = {
    result,
    versions: Object.fromEntries(versions),
    refusedCount,
    refused,
    loopDelayMs: {
      p99: Math.round(loopDelay.percentile(99) / 1e5) / 10,
      max: Math.round(loopDelay.max / 1e5) / 10,
    },
  };
  parentPort?.postMessage(answer);
}

// a failure ends the thread with an error, which `pacedInWorker` turns into the phase's failure
void main();
