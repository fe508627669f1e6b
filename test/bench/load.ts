import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from './random';

/** One HTTP client for the whole run: keep-alive sockets, as a browser or a hotline system holds them. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  status: number;
  body: string;
}

export function request(
  url: string,
  options: { method?: string; token?: string; json?: unknown; text?: string; contentType?: string } = {},
): Promise<Answer> {
  const body =
    options.json !== undefined
      ? JSON.stringify(options.json)
      : options.text !== undefined
        ? options.text
        : undefined;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export async function requestJson<T>(url: string, options: Parameters<typeof request>[1] = {}): Promise<T> {
  const answer = await request(url, options);
  if (answer.status >= 300)
    throw new Error(
      `${options.method ?? 'GET'} ${url} answered ${answer.status}: ${answer.body.slice(0, 300)}`,
    );
  return JSON.parse(answer.body) as T;
}

/** One request of an open-loop run: who sent it, when it was due (ms from the start), how long it took. */
export interface TimedRequest {
  client: number;
  dueMs: number;
  latencyMs: number;
  /** How late it left this process: its own event loop's delay (a GC pause, a busy turn), not the server's. */
  sentLateMs: number;
}

export interface LoadResult {
  /** Each request (open loop only): for `stallsOf`. */
  timeline?: TimedRequest[];
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function summarise(latencies: number[], errors: number, seconds: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    requests: latencies.length,
    errors,
    seconds: round(seconds),
    perSecond: round(latencies.length / seconds),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** A request that fails the run's count (but not the run) unless `ok`. */
export type Operation = (client: number) => Promise<boolean>;

/**
 * Closed loop: `clients` clients, each sending its next request as soon as the last one
 * is answered, for `seconds` (or until `maxRequests` in all). Latency per request.
 */
export async function closedLoop(
  clients: number,
  seconds: number,
  operation: Operation,
  maxRequests = Number.POSITIVE_INFINITY,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  let issued = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < end && issued < maxRequests) {
        issued++;
        const t0 = performance.now();
        const ok = await operation(client).catch(() => false);
        if (ok) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}

/**
 * Open loop at a fixed rate: `clients` clients share `ratePerSecond`, each on its own
 * schedule; latency counts from the scheduled send, so a stall shows in the tail
 * instead of hiding behind fewer requests (coordinated omission).
 */
export async function pacedLoop(
  clients: number,
  seconds: number,
  ratePerSecond: number,
  operation: Operation,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const timeline: TimedRequest[] = [];
  let errors = 0;
  const interval = (1000 * clients) / ratePerSecond;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let k = 0; ; k++) {
        const scheduled = started + (client / clients) * interval + k * interval;
        if (scheduled >= end) break;
        const wait = scheduled - performance.now();
        if (wait > 0) await sleep(wait);
        const sentLateMs = performance.now() - scheduled;
        const ok = await operation(client).catch(() => false);
        if (ok) {
          const latencyMs = performance.now() - scheduled;
          latencies.push(latencyMs);
          timeline.push({ client, dueMs: scheduled - started, latencyMs, sentLateMs });
        } else errors++;
      }
    }),
  );
  return { ...summarise(latencies, errors, (performance.now() - started) / 1000), timeline };
}

/**
 * Where an open-loop run's slow requests (over `slowMs`) came from: a stall is a stretch
 * of time in which requests were late one after another (each slow request due within
 * `gapMs` of the last); `shared` counts the slow requests of stalls that caught most of
 * the clients at once (something all of them wait on: the server's commit, the app's event
 * loop, the machine), as against one client's request being slow on its own.
 */
export function stallsOf(
  timeline: TimedRequest[],
  clients: number,
  slowMs: number,
  gapMs = 50,
): {
  slow: number;
  stalls: number;
  shared: number;
  longestMs: number;
  worstMs: number;
  sentLate: number;
} {
  const slow = timeline.filter((request) => request.latencyMs > slowMs).sort((a, b) => a.dueMs - b.dueMs);
  const groups: TimedRequest[][] = [];
  for (const request of slow) {
    const last = groups.at(-1);
    const previous = last?.at(-1);
    if (last && previous && request.dueMs - previous.dueMs <= gapMs) last.push(request);
    else groups.push([request]);
  }
  const manyClients = Math.max(2, Math.ceil(clients * 0.75));
  const shared = groups
    .filter((group) => new Set(group.map((request) => request.client)).size >= manyClients)
    .reduce((sum, group) => sum + group.length, 0);
  const spanOf = (group: TimedRequest[]) =>
    (group.at(-1)?.dueMs ?? 0) + (group.at(-1)?.latencyMs ?? 0) - (group[0]?.dueMs ?? 0);
  return {
    slow: slow.length,
    stalls: groups.length,
    shared,
    longestMs: Math.round(Math.max(0, ...groups.map(spanOf))),
    worstMs: Math.round(Math.max(0, ...slow.map((request) => request.latencyMs))),
    // slow before they were sent: the load generator's own delay, whatever the app did
    sentLate: slow.filter((request) => request.sentLateMs > slowMs).length,
  };
}
