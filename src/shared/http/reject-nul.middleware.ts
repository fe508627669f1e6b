import type { RequestHandler } from 'express';
import { ValidationError } from '../errors';

/** The path of the first string holding a NUL character, or null. */
function findNul(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || 'body' : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, [...path, String(index)]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNul(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * PostgreSQL cannot store a NUL character in text or jsonb; no form or API field has a
 * use for one. Refuse it at the edge, naming the field, instead of failing deep down.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  const field = findNul(req.body) ?? findNul(req.query);
  if (field !== null) return next(new ValidationError([{ field, message: 'validation.nul_character' }]));
  next();
};
