import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import v8 from 'node:v8';
import express from 'express';
import { Pool } from 'pg';
import { loadConfig } from '../../config/environment';
import { forViewRead } from '../../src/cases/case-row';
import type { KeptCaseCounts } from '../../src/cases/cases-kept-for-events';
import { startServer } from '../../src/server';
import { createLogger } from '../../src/shared/logger';

/**
 * The app under test, in a process of its own (forked by run.ts), so that the load
 * generator does not share its event loop and its RSS is its own: `startServer` as
 * `npm start` runs it (DATABASE_URL, PORT 0, LOG_LEVEL silent), plus, on a second port of
 * the same process, the case page's two baselines: a bare Express "hello", and the page's floor —
 * bare Express and node-postgres answering the page's own read of the case (`forViewRead.withUnits`: with its units, a
 * named statement, ten connections as the app's pool has) with no middleware, policy or
 * presentation: what the page would cost on this machine if the app did nothing but read.
 */
export type AppMessage =
  | { kind: 'ready'; url: string; helloUrl: string }
  | {
      kind: 'usage';
      maxRssMb: number;
      rssMb: number;
      atPeak: MemoryAtPeak;
      /** How the events so far went: in one message, or read again (`CasesKeptForEvents`). */
      eventsInOneMessage: KeptCaseCounts;
    }
  | { kind: 'error'; message: string };

/**
 * Where the memory was when the sampled RSS was highest (every 50 ms): the V8 heap by
 * space, and what lies outside it (buffers, code, the runtime). The peak itself
 * (`maxRssMb`) is the kernel's and can fall between two samples.
 */
export interface MemoryAtPeak {
  rssMb: number;
  /**
   * The RSS the kernel splits (/proc/self/status): anonymous memory (the heap, buffers, malloc's
   * arenas, V8's pooled pages) and file pages (the node binary's code and ICU data as touched).
   * Absent before issue 22's nineteenth round.
   */
  rssAnonMb?: number;
  rssFileMb?: number;
  /** What V8 itself has malloc'ed outside its heap (zones, the compiler). */
  v8MallocedMb?: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** V8's spaces, MB committed (used) each. */
  spaces: Record<string, { committedMb: number; usedMb: number }>;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The kernel's split of the RSS, in kB by line (`RssAnon`, `RssFile`), or {} where there is no /proc. */
function rssSplit(): Record<string, number> {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    return Object.fromEntries(
      [...status.matchAll(/^(RssAnon|RssFile):\s+(\d+) kB/gm)].map((match) => [match[1], Number(match[2])]),
    );
  } catch {
    return {};
  }
}

function memoryNow(): MemoryAtPeak {
  const usage = process.memoryUsage();
  const split = rssSplit();
  return {
    rssMb: mb(usage.rss),
    // left out where there is no /proc
    ...(split.RssAnon === undefined ? {} : { rssAnonMb: mb(split.RssAnon * 1024) }),
    ...(split.RssFile === undefined ? {} : { rssFileMb: mb(split.RssFile * 1024) }),
    v8MallocedMb: mb(v8.getHeapStatistics().malloced_memory),
    heapUsedMb: mb(usage.heapUsed),
    heapTotalMb: mb(usage.heapTotal),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
    spaces: Object.fromEntries(
      v8
        .getHeapSpaceStatistics()
        .map((space) => [
          space.space_name,
          { committedMb: mb(space.physical_space_size), usedMb: mb(space.space_used_size) },
        ]),
    ),
  };
}

async function main() {
  let atPeak = memoryNow();
  const sampler = setInterval(() => {
    const now = memoryNow();
    if (now.rssMb > atPeak.rssMb) atPeak = now;
    // for investigating (BENCH_MEMORY_TRACE=1): every sample on stderr, to see which phase holds what
    if (process.env.BENCH_MEMORY_TRACE === '1')
      process.stderr.write(
        `memory ${new Date().toISOString()} rss ${now.rssMb} anon ${now.rssAnonMb} file ${now.rssFileMb} heapTotal ${now.heapTotalMb} used ${now.heapUsedMb} ext ${now.externalMb} ab ${now.arrayBuffersMb} malloced ${now.v8MallocedMb} lo ${now.spaces.large_object_space?.committedMb}\n`,
      );
  }, 50);
  sampler.unref();
  const config = loadConfig(process.env);
  // LOG_LEVEL is the run's (run.ts passes silent; an investigation may pass info to measure the request log)
  const server = await startServer(config, createLogger(config.logLevel, { pretty: false }));

  const hello = express();
  hello.get('/hello', (_req, res) => {
    res.send('hello');
  });
  const floorPool = new Pool({ connectionString: config.databaseUrl, max: 10 });
  // an idle connection dropped (the server stopping first) must not take the app down with it: the pool replaces it
  floorPool.on('error', () => undefined);
  hello.get('/case/:id', (req, res, next) => {
    floorPool
      .query({ name: 'page-floor', text: forViewRead.withUnits, values: [req.params.id] })
      .then(({ rows }) => res.json(rows[0]?.r ?? null), next);
  });
  const helloServer = http.createServer(hello);
  await new Promise<void>((resolve) => helloServer.listen(0, '127.0.0.1', resolve));
  const address = helloServer.address();
  const helloPort = typeof address === 'object' && address ? address.port : 0;

  const send = (message: AppMessage) => process.send?.(message);
  send({ kind: 'ready', url: `http://127.0.0.1:${server.port}`, helloUrl: `http://127.0.0.1:${helloPort}` });
  // the run that started it is gone (killed, interrupted): so is this app, not left behind
  process.on('disconnect', () => process.exit(1));
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'usage') {
      send({
        kind: 'usage',
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        rssMb: process.memoryUsage.rss() / 1024 / 1024,
        atPeak,
        eventsInOneMessage: server.eventsInOneMessage,
      });
    } else if (message.kind === 'stop') {
      helloServer.close();
      void floorPool.end();
      server.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }
  });
}

main().catch((error: Error) => {
  process.send?.({ kind: 'error', message: error.stack ?? error.message } satisfies AppMessage);
  process.exit(1);
});
