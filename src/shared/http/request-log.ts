import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import pino, { type Level, type Logger } from 'pino';

/**
 * The request log says which page or call was asked for, never what a person searched for
 * or typed: the query parameters whose values are logged are listed here (filters that
 * hold codes, enums, ids, dates and page numbers), and only when the value is a plain
 * token; every other value — `q`, `returnTo` (it may carry a search), an uploaded file's
 * name, anything unknown — is logged as `[redacted]`, and an unknown key that is not a
 * plain name is dropped whole. Path segments are kept when they are plain tokens (ids,
 * route names). What is left is also searched for 18-character ID numbers and
 * 统一社会信用代码, and mobile phone numbers, which are masked wherever they appear.
 */
const loggedQueryParams = new Set([
  'page',
  'pageSize',
  'state',
  'type',
  'track',
  'level',
  'unitId',
  'parentId',
  'mediatorId',
  'overdue',
  'from',
  'to',
  'sort',
  'flag',
  'status',
  'reasonCode',
  'kind',
  'action',
  'timeline',
  'saved',
  'registered',
  'retried',
  'notFailed',
  'expired',
]);

const redacted = '[redacted]';

/** ID numbers (身份证, 17 digits and a check character), 统一社会信用代码, mobile numbers: masked anywhere. */
const personalNumbers = [
  /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g,
  /(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])/g,
  /(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/g,
];

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `text` with every personal number in it masked. */
export function maskPersonalNumbers(text: string): string {
  let masked = text;
  for (const pattern of personalNumbers) masked = masked.replace(pattern, redacted);
  return masked;
}

/** A path segment or a listed parameter's value: kept only when it is a plain token (a code, an id, a date, a number). */
function loggedToken(raw: string): string {
  const value = decoded(raw);
  return /^[A-Za-z0-9_.:-]{0,64}$/.test(value) ? maskPersonalNumbers(value) : redacted;
}

/** A request's URL as the log may keep it. */
export function redactedUrl(url: string): string {
  const at = url.indexOf('?');
  const path = (at < 0 ? url : url.slice(0, at)).split('/').map(loggedToken).join('/');
  if (at < 0) return path;
  const pairs = url
    .slice(at + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawKey = equals < 0 ? pair : pair.slice(0, equals);
      const key = decoded(rawKey);
      if (loggedQueryParams.has(key))
        return equals < 0 ? rawKey : `${rawKey}=${loggedToken(pair.slice(equals + 1))}`;
      return /^[A-Za-z_][\w.-]{0,40}$/.test(key) ? `${rawKey}=${redacted}` : redacted;
    });
  return `${path}?${pairs.join('&')}`;
}

/**
 * Errors as the log keeps them: what went wrong and where, without what was sent — no
 * request body (body-parser attaches it), no SQL parameters (TypeORM attaches them:
 * names, ID numbers), no PostgreSQL `detail` (it quotes the values of a violated key) —
 * and with personal numbers masked in the message and stack (PostgreSQL quotes an
 * input it cannot read in its message).
 */
export function safeErrorSerializer(error: unknown): Record<string, unknown> {
  return scrubbed(pino.stdSerializers.err(error as Error) as Record<string, unknown>);
}

/** What is sent, dropped; personal numbers in what is said, masked — here and in the errors it wraps. */
function scrubbed(serialized: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) {
    if (key === 'body' || key === 'parameters' || key === 'detail') continue;
    if (typeof value === 'string')
      kept[key] = key === 'message' || key === 'stack' ? maskPersonalNumbers(value) : value;
    else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 3)
      kept[key] = scrubbed(value as Record<string, unknown>, depth + 1);
    else kept[key] = value;
  }
  return kept;
}

/** The request as its log line keeps it: id, method and redacted URL. */
export function loggedRequest(req: IncomingMessage & { id?: unknown; originalUrl?: string }) {
  return { id: req.id, method: req.method, url: redactedUrl(req.originalUrl ?? req.url ?? '') };
}

export interface RequestLogOptions {
  /** A request slower than this (ms) is always logged, at `warn` (LOG_SLOW_MS). */
  slowMs: number;
  /**
   * The share of other requests (under `slowMs`, status below 500) that get a line (LOG_SAMPLE_RATE):
   * 1 logs every request, 0.1 one in ten, 0 none of them. 5xx answers and slow requests always do.
   */
  sampleRate: number;
}

/** An incoming X-Request-Id is kept (a load balancer's), when it is a plain token; else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

/** The level of a finished request's line, or null when it goes unlogged. */
function lineLevel(status: number, slow: boolean, sampleRate: number): Level | null {
  if (status >= 500) return 'error';
  if (slow) return 'warn';
  if (sampleRate < 1 && Math.random() >= sampleRate) return null;
  return 'info';
}

/**
 * One line per finished request (the shape pino-http wrote: `req` {id, method, url}, `res`
 * {statusCode}, `responseTime`), written by the app's own pino logger when the response
 * closes, and its id echoed as X-Request-Id. Replaces pino-http, which built a child logger
 * and wrapped every request's response whether or not a line would be written; here nothing
 * is serialised for a line the logger's level drops (`LOG_LEVEL=warn` keeps only 5xx and
 * slow requests), and `req.log` (a child logger carrying the request id) is only made
 * when something logs through it (the error handler). Measured in test/bench/README.md
 * ("The request pipeline"). Probes (/healthz, /readyz) are not logged.
 */
export function requestLogger(logger: Logger, options: RequestLogOptions): RequestHandler {
  return (req, res, next) => {
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (req.url === '/healthz' || req.url === '/readyz') return next();
    const started = performance.now();
    res.once('close', () => {
      const responseTime = Math.round(performance.now() - started);
      const finished = res.writableFinished;
      const level = finished
        ? lineLevel(res.statusCode, responseTime >= options.slowMs, options.sampleRate)
        : 'warn';
      if (!level || !logger.isLevelEnabled(level)) return;
      logger[level](
        { req: loggedRequest(req), res: { statusCode: res.statusCode }, responseTime },
        finished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}

/**
 * `req.log`: a child of the app's logger carrying the request's id, made on first use and
 * kept on the request (defined once on the app's request prototype, so a request that logs
 * nothing costs nothing).
 */
export function provideRequestLog(requestPrototype: object, logger: Logger): void {
  const made = new WeakMap<object, Logger>();
  Object.defineProperty(requestPrototype, 'log', {
    configurable: true,
    get(this: IncomingMessage & { id?: string }) {
      let child = made.get(this);
      if (!child) {
        child = logger.child({ req: loggedRequest(this) });
        made.set(this, child);
      }
      return child;
    },
  });
}
