import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError, ValidationError } from '../errors';

/**
 * How deeply a request body may nest. The deepest real input is a petition event that
 * opens a case with its parties (4 levels); 32 leaves room for any client and keeps
 * every walk over a body short.
 */
export const maxInputDepth = 32;

/** 400: the body nests deeper than `maxInputDepth`. */
export class InputTooDeepError extends AppError {
  constructor() {
    super('body_too_deep', 400, undefined, { max: maxInputDepth });
  }
}

/**
 * express.json's `verify` hook: refuses a UTF-8 body that nests too deeply before it is
 * parsed, by counting brackets outside strings in the raw bytes (a megabyte of `[` parses
 * into half a million arrays and takes V8 a fifth of a second; this scan takes a
 * millisecond). Other charsets are left to the walk after parsing.
 */
export function refuseDeepJson(_req: IncomingMessage, _res: unknown, raw: Buffer, encoding: string): void {
  if (!/^utf-?8$/i.test(encoding)) return;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < raw.length; index++) {
    const byte = raw[index];
    if (inString) {
      if (byte === 0x5c)
        index++; // a backslash: the next byte is escaped
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > maxInputDepth) throw new InputTooDeepError();
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
}

/** `String.prototype.isWellFormed` (ES2024; the compiler's library is ES2022): no unpaired surrogate. */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be stored: PostgreSQL refuses NUL in text and jsonb, and unpaired surrogates in jsonb. */
function problemWith(text: string): string | null {
  if (text.includes('\u0000')) return 'validation.nul_character';
  if (!isWellFormed(text)) return 'validation.lone_surrogate';
  return null;
}

/**
 * The first string (value or key) in `input` that cannot be stored, with the path of its
 * field (`parties.0.name`), or null. Iterative, so no input can exhaust the stack; a
 * structure deeper than `maxInputDepth` is refused whole.
 */
export function findUnstorableText(input: unknown): { field: string; message: string } | null {
  const pending: Array<{ value: unknown; path: string[] }> = [{ value: input, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop() as { value: unknown; path: string[] };
    if (path.length > maxInputDepth) throw new InputTooDeepError();
    if (typeof value === 'string') {
      const message = problemWith(value);
      if (message) return { field: path.join('.') || 'body', message };
    } else if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
      for (const [key, item] of entries) {
        const keyProblem = typeof key === 'string' ? problemWith(key) : null;
        // the key itself is not shown: it is what cannot be shown
        if (keyProblem) return { field: path.join('.') || 'body', message: keyProblem };
        pending.push({ value: item, path: [...path, String(key)] });
      }
    }
  }
  return null;
}

/**
 * No form or API field has a use for a NUL character or an unpaired UTF-16 surrogate
 * (JSON's `"\ud800"`), and PostgreSQL cannot store either: refuse them at the edge with a
 * 400 naming the field, instead of failing deep down (where a failed sign-in carrying one
 * could not even be audited). Runs on the query and on every parsed body; upload routes
 * call `assertStorableInput` once they have parsed theirs.
 */
export const rejectUnstorableInput: RequestHandler = (req, _res, next) => {
  try {
    assertStorableInput(req.query);
    assertStorableInput(req.body);
    next();
  } catch (error) {
    next(error);
  }
};

export function assertStorableInput(input: unknown): void {
  const found = findUnstorableText(input);
  if (found) throw new ValidationError([found]);
}
