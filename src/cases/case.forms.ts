import { z } from 'zod';
import { caseEventSchema } from './case.schemas';

/**
 * The edge between HTML forms and the case schemas: a form sends strings (blank for
 * an untouched field, `on` for a ticked box, `2026-11-20T10:00` for a local time);
 * the schemas in case.schemas.ts expect the API's types. These functions convert,
 * and keep only the fields the schema knows, so the same zod schemas validate both
 * the API and the forms.
 */

type FormBody = Record<string, unknown>;

const text = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** A whole number typed in a form; anything else is passed on for the schema to reject by name. */
const wholeNumber = (value: unknown): number | string | undefined => {
  const typed = text(value);
  if (typed === undefined) return undefined;
  return /^\d+$/.test(typed) ? Number(typed) : typed;
};

/** An amount: digits with an optional decimal part and thousands separators (42,000.50). */
const amount = (value: unknown): number | string | undefined => {
  const typed = text(value)?.replace(/[,，\s]/g, '');
  if (typed === undefined) return undefined;
  return /^\d+(\.\d{1,2})?$/.test(typed) ? Number(typed) : typed;
};

/** `<input type="datetime-local">` gives Asia/Shanghai wall time without a zone: add it. */
export const localDateTimeToIso = (value: unknown): string | undefined => {
  const typed = text(value);
  if (typed === undefined) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(typed);
  return match ? `${match[1]}T${match[2]}${match[3] ?? ':00'}+08:00` : typed;
};

type Convert = (value: unknown) => unknown;

/** A ticked box sends `on`; an unticked one sends nothing, which is a no. */
const ticked = (value: unknown): boolean => value === 'on' || value === 'true';

/** Boxes ticked under one name: one value, or several (the body parser's list). */
const tickedValues = (value: unknown): string[] | undefined => {
  const values = (Array.isArray(value) ? value : [value]).flatMap((one) => text(one) ?? []);
  return values.length === 0 ? undefined : values;
};

/** How a form's string becomes what a payload field's schema expects: a whole number, a moment with its zone, a tick, ticked values, or text. */
function converterFor(schema: z.ZodType): Convert {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  if (inner instanceof z.ZodNumber) return wholeNumber;
  if (inner instanceof z.ZodBoolean) return ticked;
  if (inner instanceof z.ZodArray) return tickedValues;
  if (inner instanceof z.ZodISODateTime) return localDateTimeToIso;
  return text;
}

/** The fields each event's schema accepts and how each is read from a form, from the schema itself. */
const eventFields = new Map<string, Array<[string, Convert]>>(
  caseEventSchema.options.map((option) => [
    String((option.shape.type as unknown as { value: string }).value),
    Object.entries(option.shape).map(([name, field]): [string, Convert] => [
      name,
      converterFor(field as z.ZodType),
    ]),
  ]),
);

/** A workflow event form → the input `caseEventSchema` validates. */
export function caseEventFromForm(body: FormBody): Record<string, unknown> {
  const type = text(body.type) ?? '';
  const fields = eventFields.get(type);
  if (!fields) return { type };
  const input: Record<string, unknown> = {};
  for (const [field, convert] of fields) input[field] = field === 'type' ? type : convert(body[field]);
  return input;
}

/**
 * What the page says was done after an event (`?saved=`): the event, and for a session its kind
 * (a hearing is recorded as a hearing, not as "a mediation record"; casePage.done.*).
 */
export function savedKeyOf(input: { type: string; kind?: unknown }): string {
  return input.type === 'LOG_SESSION' && typeof input.kind === 'string'
    ? `${input.type}-${input.kind}`
    : input.type;
}

/** The party fields of the intake form, as typed (for showing the rows again). */
export interface PartyRow {
  role: string;
  kind: string;
  name: string;
  idNumber: string;
  phone: string;
  address: string;
  representative: boolean;
  smsConsent: boolean;
  language: string;
}

/**
 * The party rows of the intake form (`parties.0.name`, `parties.0.role` …), in order.
 * Rows left entirely blank are dropped (unless kept for editing), so an added but
 * unused row is no error.
 */
export function partyRowsFromForm(body: FormBody, options: { keepBlank?: boolean } = {}): PartyRow[] {
  const indexes = new Set<number>();
  for (const key of Object.keys(body)) {
    const match = /^parties\.(\d{1,3})\.(\w+)$/.exec(key);
    if (match) indexes.add(Number(match[1]));
  }
  return [...indexes]
    .sort((a, b) => a - b)
    .map((index) => {
      const value = (field: string) => {
        const raw = body[`parties.${index}.${field}`];
        return typeof raw === 'string' ? raw : '';
      };
      return {
        role: value('role'),
        kind: value('kind'),
        name: value('name'),
        idNumber: value('idNumber'),
        phone: value('phone'),
        address: value('address'),
        representative: value('representative') !== '',
        smsConsent: value('smsConsent') !== '',
        language: value('language'),
      };
    })
    .filter(
      (row) =>
        options.keepBlank ||
        [row.name, row.idNumber, row.phone, row.address].some((field) => field.trim() !== ''),
    );
}

/** The intake form → the input `registerCaseSchema` validates (with `parties.N.field` errors matching the rows). */
export function registerCaseFromForm(body: FormBody, rows: PartyRow[]): Record<string, unknown> {
  return {
    type: text(body.type),
    title: text(body.title),
    description: text(body.description),
    source: text(body.source),
    unitId: text(body.unitId),
    gridId: text(body.gridId),
    occurredOn: text(body.occurredOn),
    receivedOn: text(body.receivedOn),
    knewOn: text(body.knewOn),
    amountInDispute: amount(body.amountInDispute),
    groupSize: wholeNumber(body.groupSize),
    riskGrade: wholeNumber(body.riskGrade),
    parties: rows.map((row) => ({
      role: text(row.role),
      kind: text(row.kind),
      name: text(row.name),
      idNumber: text(row.idNumber),
      phone: text(row.phone),
      address: text(row.address),
      ...(row.representative ? { representative: true } : {}),
      ...(row.smsConsent ? { smsConsent: true } : {}),
      language: text(row.language),
    })),
  };
}
