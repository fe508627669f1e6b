import type { RequestHandler } from 'express';
import multer from 'multer';
import { AppError, ValidationError } from '../errors';
import { assertStorableInput } from './storable-input.middleware';

/** multer's limits that say the body is too big (files, fields, parts). */
const sizeLimits = new Set([
  'LIMIT_FILE_SIZE',
  'LIMIT_FILE_COUNT',
  'LIMIT_PART_COUNT',
  'LIMIT_FIELD_COUNT',
  'LIMIT_FIELD_KEY',
  'LIMIT_FIELD_VALUE',
]);

/**
 * What a failure to parse a multipart body means: always the sender's fault, never a 500.
 * A limit passed is a 413; any other refusal of multer's a 400 naming the field; anything
 * busboy throws (no boundary, a truncated body, a malformed part header) a 400 too.
 */
export function multipartFailure(error: unknown, fileField: string): AppError {
  if (error instanceof multer.MulterError) {
    const field = error.field ?? fileField;
    if (sizeLimits.has(error.code))
      return new AppError('body_too_large', 413, [{ field, message: 'validation.upload_too_large' }]);
    return new ValidationError([{ field, message: 'validation.upload_malformed' }]);
  }
  if (error instanceof AppError) return error;
  return new ValidationError(
    [{ field: fileField, message: 'validation.upload_malformed' }],
    'malformed_body',
  );
}

/**
 * Parses a multipart body with `parse` (a multer middleware) and then checks its fields
 * like any other body (no NUL, no unpaired surrogate, not too deep); a failure goes on to
 * the route's error handling as `translate` makes it (`multipartFailure` by default).
 */
export function parseMultipart(
  parse: RequestHandler,
  fileField: string,
  translate: (error: unknown) => AppError = (error) => multipartFailure(error, fileField),
): RequestHandler {
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      req.body ??= {};
      if (error) return next(translate(error));
      try {
        assertStorableInput(req.body);
      } catch (invalid) {
        return next(invalid);
      }
      next();
    });
}
