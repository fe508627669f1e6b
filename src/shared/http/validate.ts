import type { z } from 'zod';
import { type ErrorDetail, ValidationError } from '../errors';

/** The locale key for a zod issue: our own `validation.*` message, "required" for a missing value, else by code. */
function messageKeyOf(issue: z.core.$ZodIssue & { input?: unknown }): string {
  if (issue.message.startsWith('validation.')) return issue.message;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'validation.required';
  return `validation.${issue.code}`;
}

/**
 * Parses input with a zod schema; on failure throws a ValidationError whose
 * details name each field, with messages as locale keys (`validation.*`).
 * The input itself is never echoed back (it may hold a password).
 */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => {
    const { minimum, maximum, expected } = issue as {
      minimum?: unknown;
      maximum?: unknown;
      expected?: unknown;
    };
    return {
      field: issue.path.join('.'),
      message: messageKeyOf(issue),
      params: { minimum, maximum, expected },
    };
  });
  throw new ValidationError(details);
}

/**
 * A filter form's query string, parsed: blank fields (an untouched select, an empty search
 * box) are no filter; anything else must fit the schema (else a 400 naming the field).
 */
export function parseFilterQuery<Schema extends z.ZodType>(
  schema: Schema,
  query: Record<string, unknown>,
  fixed: Record<string, unknown> = {},
): z.output<Schema> {
  const given = Object.fromEntries(
    Object.entries(query).filter(([, value]) => !(typeof value === 'string' && value.trim() === '')),
  );
  return parseOrThrow(schema, { ...given, ...fixed });
}
