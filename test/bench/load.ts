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

export interface LoadResult {
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
        const ok = await operation(client).catch(() => false);
        if (ok) latencies.push(performance.now() - scheduled);
        else errors++;
      }
    }),
  );
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}
