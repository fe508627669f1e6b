import type { z } from 'zod';
import { type ErrorDetail, ValidationError } from '../errors';

/**
 * Parses input with a zod schema; on failure throws a ValidationError whose
 * details name each field, with messages as locale keys (`validation.*`).
 */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message.startsWith('validation.') ? issue.message : `validation.${issue.code}`,
    params: issue as unknown as Record<string, unknown>,
  }));
  throw new ValidationError(details);
}
