import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { type ErrorDetail, ValidationError } from '../errors';

/** A value that is not there: a select left on its blank option, an empty field, a key not sent. */
const isBlank = (input: unknown) => input === undefined || input === null || input === '';

/**
 * The locale key for a zod issue: our own `validation.*` message, "required" for a missing
 * value, "choose" for a list left unselected (saying what to choose, not that "" is not allowed),
 * a length or size by what was measured (a text's limit in characters), else by code.
 */
function messageKeyOf(issue: z.core.$ZodIssue & { input?: unknown }): string {
  const generic = issue.message === 'validation.invalid_value' || issue.message === 'validation.too_big';
  if (issue.message.startsWith('validation.') && !generic) return issue.message;
  if (issue.code === 'invalid_value' || issue.message === 'validation.invalid_value')
    return isBlank(issue.input) ? 'validation.choose' : 'validation.invalid_value';
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'validation.required';
  if (issue.code === 'too_big' && issue.origin === 'string') return 'validation.too_long';
  return `validation.${issue.code}`;
}

/**
 * The numbers a message can say (the limit; for a text over it, its length and by how much),
 * and where the field's name is found when the form that sent it has one (`names`).
 */
function paramsOf(issue: z.core.$ZodIssue & { input?: unknown }, names?: string): Record<string, unknown> {
  const { minimum, maximum, expected } = issue as {
    minimum?: unknown;
    maximum?: unknown;
    expected?: unknown;
  };
  const field = [...issue.path].reverse().find((segment) => typeof segment === 'string');
  const params: Record<string, unknown> = { minimum, maximum, expected };
  if (names && field) params.labelKey = `${names}.${field}`;
  if (typeof issue.input === 'string' && typeof maximum === 'number') {
    params.length = issue.input.length;
    params.over = issue.input.length - maximum;
  }
  return params;
}

/**
 * A detail's message in the reader's language, as a sentence that names the field when the
 * form gave its names (`fieldNames.<form>.*`: "请选择纠纷类型", "Choose the dispute type."),
 * else the plain sentence; a message that is not a locale key is shown as it is.
 */
export function detailMessage(t: TFunction, detail: ErrorDetail): string {
  const params = detail.params ?? {};
  const plain = t(detail.message, { ...params, defaultValue: detail.message });
  const labelKey = typeof params.labelKey === 'string' ? params.labelKey : '';
  const label = labelKey && detail.message.startsWith('validation.') ? t(labelKey, { defaultValue: '' }) : '';
  if (!label) return plain;
  const named = detail.message.replace(
    /^validation\.(.*)$/,
    (_whole, key: string) => `validation.named.${key}`,
  );
  return t(named, { ...params, label, defaultValue: plain });
}

/**
 * Parses input with a zod schema; on failure throws a ValidationError whose
 * details name each field, with messages as locale keys (`validation.*`).
 * The input itself is never echoed back (it may hold a password). `names`: the locale
 * section naming this form's fields (`fieldNames.case`), for messages that name them.
 */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  options: { names?: string } = {},
): z.output<Schema> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: messageKeyOf(issue),
    params: paramsOf(issue, options.names),
  }));
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
