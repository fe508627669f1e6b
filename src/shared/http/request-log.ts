import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';

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

/** pino-http's serializers: the request by id, method and redacted URL; the response by status. */
export const requestLogSerializers = {
  req: (req: IncomingMessage & { id?: unknown }) => ({
    id: req.id,
    method: req.method,
    url: redactedUrl(req.url ?? ''),
  }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
  err: safeErrorSerializer,
};
