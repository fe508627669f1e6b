import type { TFunction } from 'i18next';
import { z } from 'zod';
import { formatMoment, formatPlainDate } from '../../shared/format';
import { isoDay, isoMoment } from '../../shared/http/calendar-fields';
import type { Bilingual } from '../../shared/i18n/bilingual';
import type { Locale } from '../../shared/i18n/i18n';
import type { Unit } from '../../units/unit.entity';
import type { DayBasis, DisputeRules, FailureGuidance, Track } from '../rules/dispute-rules.types';

/**
 * How a case event is declared, once: its payload schema (the API's, validated at the
 * edge), the machine's event type derived from it, the action forms that ask for it and
 * the facts the timeline shows of it. The declarations are grouped by stage of the case
 * (intake, mediation, hand-offs, agreement) in this folder; `case-events.ts` assembles them.
 */

// ---------------------------------------------------------------- payload pieces

/** Free text: plain text of at most 10,000 characters, rendered escaped everywhere (API.md). */
export const text = z.string().trim().min(1, 'validation.required').max(10000, 'validation.too_big');
export const optionalText = z.string().trim().max(10000, 'validation.too_big').optional();
export const date = isoDay();
export const dateTime = isoMoment();
export const invalidValue = { error: 'validation.invalid_value' } as const;

/**
 * A day or a moment something happened (a session held, an application made, a visit): a
 * fact, so never after today (Asia/Shanghai, the app's clock). The write path checks every
 * field declared with these (`CaseEventDeclaration.datesOfFact`), answering 422 naming the field.
 */
export const dayOfFact = isoDay();
export const momentOfFact = isoMoment();
const factSchemas = new Set<z.ZodType>([dayOfFact, momentOfFact]);
export const uuid = () => z.uuid(invalidValue);

const version = { expectedVersion: z.number({ error: 'validation.required' }).int().min(0) };

/** An event's API payload: its `type`, the `expectedVersion` the service checks, then its own fields. */
export function eventSchema<const Type extends string, Shape extends z.ZodRawShape>(
  type: Type,
  shape: Shape,
) {
  return z.strictObject({ type: z.literal(type), ...version, ...shape });
}

/**
 * The machine's event as the schema gives it: the payload without `expectedVersion` (which
 * stays with the service). Where the service resolves more (a target unit, a clock read
 * today), the event group adds it to this type, with a comment saying where it comes from.
 */
export type MachineEvent<Schema extends z.ZodType> = Omit<z.infer<Schema>, 'expectedVersion'>;

// ---------------------------------------------------------------- action forms

type FieldKind =
  | 'select'
  | 'text'
  | 'textarea'
  | 'date'
  | 'datetime-local'
  | 'number'
  | 'tel'
  | 'hidden'
  | 'radio'
  | 'checkbox'
  /** Several boxes under one name, one per option: the payload takes the ticked values as a list. */
  | 'checkboxes';

export interface FieldSpec {
  kind: FieldKind;
  name: string;
  label?: string;
  required?: boolean;
  /** The choices; those with a `group` are shown under it (an <optgroup>), after the ungrouped ones. */
  options?: Array<{ value: string; label: string; group?: string }>;
  /** Shown when nothing was typed yet (a failed form shows what was typed instead). */
  initial?: string;
  hint?: string;
  /** A select without a blank first choice. */
  noBlank?: boolean;
  rows?: number;
  autocomplete?: string;
}

/** One action form of an event; what it leaves out the case page fills in (key and title from the event). */
export interface EventForm {
  key?: string;
  title?: string;
  description?: string;
  notes?: string[];
  fields: FieldSpec[];
  tone?: 'primary' | 'secondary' | 'danger';
  prominent?: boolean;
}

/** What the forms need to know of the case and its district (the case file gives it). */
export interface EventFormContext {
  t: TFunction;
  locale: Locale;
  /** Active units of the case's district, in tree order. */
  units: Unit[];
  unitById(id: string): Unit | undefined;
  holdingUnit: Unit;
  mediators: Array<{ id: string; displayName: string }>;
  currentMediatorId: string | null;
  track: Track | null;
  failureGuidance: readonly FailureGuidance[];
  rules: Pick<
    DisputeRules,
    'administrativeBody' | 'hearingWhenMajorityObjects' | 'failureNote' | 'breachGuidance'
  >;
  period: {
    stage: { source: Bilingual; extensionByAgreement?: { source: Bilingual } } | null;
    failedByExpiry: boolean;
  };
  deadline: { due: string; basis: DayBasis } | null;
  /** YYYY-MM-DD in Asia/Shanghai. */
  today: string;
  /** Now as a `datetime-local` value in Asia/Shanghai. */
  now: string;
}

/** Options of a value list, labelled from the locale's `<prefix>.<value>`. */
export function optionsOf(t: TFunction, prefix: string, values: readonly string[]) {
  return values.map((value) => ({ value, label: t(`${prefix}.${value}`) }));
}

/** The textareas most forms end with. */
export const reasonField = (t: TFunction, label = 'actionForms.reason', required = true): FieldSpec => ({
  kind: 'textarea',
  name: 'reason',
  label: t(label),
  required,
  rows: 3,
});
/** Why a department other than the type's competent body is chosen (ACCEPT, TRANSFER): optional, audited when used. */
export const departmentOverrideField = (t: TFunction): FieldSpec => ({
  kind: 'textarea',
  name: 'departmentOverrideReason',
  label: t('actionForms.departmentOverrideReason'),
  hint: t('actionForms.departmentOverrideHint'),
  rows: 2,
});
export const noteField = (t: TFunction): FieldSpec => ({
  kind: 'textarea',
  name: 'note',
  label: t('actionForms.note'),
  rows: 2,
});

// ---------------------------------------------------------------- timeline

export interface TimelineLine {
  label: string;
  text: string;
}

export interface TimelineContext {
  t: TFunction;
  locale: Locale;
  unitText(id: unknown): string;
  userName(id: unknown): string | undefined;
}

type Payload = Record<string, unknown>;
type Read = (payload: Payload, context: TimelineContext) => string | undefined;

/** One line of an event's timeline entry: a fact (label: value) or a note (a text the user wrote). */
export interface TimelineEntry {
  as: 'fact' | 'note';
  label: string;
  /** The payload fields this line reads. */
  fields: string[];
  read: Read;
}

const asString = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** How a payload value reads on the timeline. */
const readers = {
  text: (value: unknown) => asString(value),
  day: (value: unknown, { locale }: TimelineContext) =>
    typeof value === 'string' ? formatPlainDate(value, locale) : undefined,
  moment: (value: unknown, { locale }: TimelineContext) =>
    typeof value === 'string' ? formatMoment(new Date(value), locale) : undefined,
  unit: (value: unknown, { unitText }: TimelineContext) => unitText(value),
} satisfies Record<string, (value: unknown, context: TimelineContext) => string | undefined>;

/** Timeline lines over the fields of one event (`Field`: its payload's and resolved fields' names). */
export function timelineLines<Field extends string>() {
  return {
    /** A fact; `as` a reader, or a locale prefix for a value of a list (`suspendReasons` → `suspendReasons.<value>`). */
    fact: (
      label: string,
      field: Field,
      as: keyof typeof readers | { list: string } = 'text',
    ): TimelineEntry => ({
      as: 'fact',
      label,
      fields: [field],
      read: (payload, context) =>
        typeof as === 'string'
          ? readers[as](payload[field], context)
          : typeof payload[field] === 'string'
            ? context.t(`${as.list}.${payload[field]}`)
            : undefined,
    }),
    /** A fact read from several fields (the mediator by id, else by the username the API took). */
    factOf: (label: string, fields: Field[], read: Read): TimelineEntry => ({
      as: 'fact',
      label,
      fields,
      read,
    }),
    note: (label: string, field: Field): TimelineEntry => ({
      as: 'note',
      label,
      fields: [field],
      read: (payload) => asString(payload[field]),
    }),
  };
}

export type TimelineLines<Field extends string> = ReturnType<typeof timelineLines<Field>>;

// ---------------------------------------------------------------- the declaration

export interface CaseEventDeclaration<Schema extends z.ZodObject = z.ZodObject> {
  type: string;
  schema: Schema;
  /** The action forms that send the event (most events: one). */
  forms(context: EventFormContext): EventForm[];
  timeline: TimelineEntry[];
  /** The payload fields that are days or moments of fact (`dayOfFact`, `momentOfFact`). */
  datesOfFact: string[];
}

interface DeclarationInput<Field extends string> {
  /** The forms; fields the schema has and no form places are asked for as text after them. */
  forms?: (context: EventFormContext) => EventForm[];
  /** Fields some forms ask for only in some cases (ACCEPT's level on the people's form, its unit on the others). */
  asks?: Field[];
  /** The fields of one form (default: no field). */
  fields?: (context: EventFormContext) => FieldSpec[];
  /** Fields the API takes that no form asks for (the forms send the other way of saying it). */
  apiOnly?: Field[];
  timeline?: (lines: TimelineLines<Field>) => TimelineEntry[];
  /** Fields the timeline does not show (every other payload field it shows, as a fact). */
  notOnTimeline?: Field[];
}

/** The default form field for a payload field no form places: a text box, labelled from `actionForms.<name>`. */
function defaultField(t: TFunction, name: string, schema: z.ZodType): FieldSpec {
  return {
    kind: 'text',
    name,
    label: t(`actionForms.${name}`),
    required: !schema.safeParse(undefined).success,
  };
}

/**
 * Declares an event whose machine event type is `Event` (derived from the schema in its
 * group's module) from its payload schema: the forms and timeline lines are checked against
 * the names of the payload's and the machine event's fields, and a payload field they do not
 * mention is still asked for and shown, so a field added to the schema reaches the API, the
 * machine, the form and the timeline with that one edit.
 */
export function declareCaseEvent<Event extends { type: string }>() {
  return <Schema extends z.ZodObject<{ type: z.ZodLiteral<Event['type']> } & z.ZodRawShape>>(
    schema: Schema,
    input: DeclarationInput<(keyof Event | keyof z.input<Schema>) & string>,
  ): CaseEventDeclaration<Schema> => {
    const type = schema.shape.type.value;
    const own = Object.entries(schema.shape).filter(
      ([name]) => name !== 'type' && name !== 'expectedVersion',
    );
    const lines = timelineLines<string>();
    const declared = input.timeline?.(lines) ?? [];
    const shown = new Set([...declared.flatMap((entry) => entry.fields), ...(input.notOnTimeline ?? [])]);
    const timeline = [
      ...declared,
      ...own.filter(([name]) => !shown.has(name)).map(([name]) => lines.fact(`actionForms.${name}`, name)),
    ];
    const asked = (context: EventFormContext) => {
      const forms = input.forms?.(context) ?? [{ fields: input.fields?.(context) ?? [] }];
      const placed = new Set([
        ...forms.flatMap((form) => form.fields.map((field) => field.name)),
        ...(input.asks ?? []),
        ...(input.apiOnly ?? []),
      ]);
      const rest = own
        .filter(([name]) => !placed.has(name))
        .map(([name, field]) => defaultField(context.t, name, field as z.ZodType));
      return rest.length === 0
        ? forms
        : forms.map((form) => ({ ...form, fields: [...form.fields, ...rest] }));
    };
    const datesOfFact = own.filter(([, field]) => isDateOfFact(field as z.ZodType)).map(([name]) => name);
    return { type, schema, timeline, forms: asked, datesOfFact };
  };
}

function isDateOfFact(field: z.ZodType): boolean {
  if (factSchemas.has(field)) return true;
  // an optional one: the schema it wraps
  return field instanceof z.ZodOptional && factSchemas.has(field.unwrap() as z.ZodType);
}
