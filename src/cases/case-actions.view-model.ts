import type { TFunction } from 'i18next';
import { z } from 'zod';
import { toLocalDateTimeInput } from '../shared/format';
import { optionGroupsOf } from '../shared/http/forms';
import type { Locale } from '../shared/i18n/i18n';
import {
  type EventForm,
  type EventFormContext,
  type FieldSpec,
} from '../workflows/case-events/case-event-declaration';
import { caseEventDeclaration } from '../workflows/case-events/case-events';
import type { CaseFile } from './case-file.service';
import { type TextLimitView, textLimitView } from './text-limit.view-model';

export type { FieldSpec };

/**
 * The action forms of the case page: one per event this user may send now (and only
 * those: `file.allowedEvents` is the statechart's and the policy's answer), each with
 * exactly the fields its event needs, as the event's declaration asks for them
 * (src/workflows/case-events/). Some events offer more than one form: ACCEPT per
 * track, TRANSFER per target track, LOG_SESSION with a separate hearing form where the
 * type's rules call for hearings.
 */

/** A form that failed: shown again, open, with what was typed and the messages next to the fields. */
export interface ActionFailure {
  formKey: string;
  values: Record<string, unknown>;
  errors: Record<string, string>;
  formError?: string;
}

interface FormSpec {
  key: string;
  event: string;
  /** The event's payload schema: what a text field may hold is read from it, not restated. */
  schema: z.ZodObject;
  title: string;
  description?: string;
  notes?: string[];
  fields: FieldSpec[];
  tone: 'primary' | 'secondary' | 'danger';
  prominent?: boolean;
}

/** The order forms appear in: the usual next step first, ending the case last. */
const displayOrder = [
  'SUBMIT',
  'ACCEPT',
  'ASSIGN',
  'LOG_SESSION',
  'SCHEDULE_SESSION',
  'REACH_AGREEMENT',
  'RECORD_FOLLOW_UP',
  'FULFILLED',
  'REQUEST_JUDICIAL_CONFIRMATION',
  'CONFIRMED',
  'CONFIRMATION_REJECTED',
  'RESUME',
  'SUSPEND',
  'ESCALATE',
  'RETURN_DOWN',
  'TRANSFER',
  'SET_RISK_GRADE',
  'RESUME_MEDIATION',
  'BREACHED',
  'DECLINE',
  'REFER_OUT',
  'FAIL',
  'EXTEND_PERIOD',
  'WITHDRAW',
  'REOPEN',
];

const primaryEvents = new Set([
  'SUBMIT',
  'ACCEPT',
  'ASSIGN',
  'LOG_SESSION',
  'REACH_AGREEMENT',
  'CONFIRMED',
  'FULFILLED',
  'RESUME',
]);
const dangerEvents = new Set(['DECLINE', 'REFER_OUT', 'FAIL', 'WITHDRAW', 'BREACHED']);

/** What the event declarations' forms read of the case file. */
function formContextOf(file: CaseFile, t: TFunction, locale: Locale): EventFormContext {
  return {
    t,
    locale,
    units: [...file.units.values()]
      .filter((unit) => unit.active)
      .sort((a, b) => a.path.localeCompare(b.path)),
    unitById: (id) => file.units.get(id),
    holdingUnit: file.holdingUnit,
    mediators: file.mediators,
    currentMediatorId: file.row.mediatorId,
    track: file.row.snapshot.context.track,
    failureGuidance: file.row.snapshot.context.rules.failureGuidance,
    rules: file.rules,
    period: file.period,
    deadline: file.row.deadline,
    today: file.today,
    now: toLocalDateTimeInput(file.now),
  };
}

function formsFor(event: string, context: EventFormContext): FormSpec[] {
  const declaration = caseEventDeclaration(event);
  if (!declaration) return [];
  const tone = primaryEvents.has(event) ? 'primary' : dangerEvents.has(event) ? 'danger' : 'secondary';
  return declaration.forms(context).map((form: EventForm) => ({
    ...form,
    key: form.key ?? event,
    event,
    schema: declaration.schema,
    title: form.title ?? context.t(`caseEvents.${event}`),
    tone: form.tone ?? tone,
  }));
}

/** The most a payload's text field may hold, as its schema says (undefined: no limit or not text). */
function maxLengthIn(schema: z.ZodObject, name: string): number | undefined {
  let field: unknown = schema.shape[name];
  while (field instanceof z.ZodOptional || field instanceof z.ZodNullable) field = field.unwrap();
  return field instanceof z.ZodString ? (field.maxLength ?? undefined) : undefined;
}

/** One field as the `cases/field` partial renders it; a textarea with a `limit` gets the live counter. */
export function fieldOf(
  id: string,
  field: FieldSpec,
  value: string,
  error: string | undefined,
  limit?: TextLimitView,
) {
  return {
    id,
    name: field.name,
    label: field.label ?? '',
    kind: field.kind,
    isHidden: field.kind === 'hidden',
    isSelect: field.kind === 'select',
    isTextarea: field.kind === 'textarea',
    isRadio: field.kind === 'radio',
    isCheckbox: field.kind === 'checkbox',
    isCheckboxes: field.kind === 'checkboxes',
    isInput: !['hidden', 'select', 'textarea', 'radio', 'checkbox', 'checkboxes'].includes(field.kind),
    inputType: field.kind,
    value,
    checked: field.kind === 'checkbox' && value !== '',
    rows: field.rows ?? 3,
    required: field.required === true,
    noBlank: field.noBlank === true,
    hint: field.hint,
    autocomplete: field.autocomplete,
    error,
    options: (field.options ?? []).map((option) => ({
      ...option,
      id: `${id}-${option.value}`,
      selected:
        field.kind === 'checkboxes' ? value.split(',').includes(option.value) : option.value === value,
    })),
    optionGroups: optionGroupsOf(field.options ?? [], value),
    limit: field.kind === 'textarea' ? limit : undefined,
  };
}

function fieldView(form: FormSpec, field: FieldSpec, failure: ActionFailure | undefined, t: TFunction) {
  const failed = failure?.formKey === form.key;
  const typed = failed ? failure?.values[field.name] : undefined;
  const value =
    field.kind === 'hidden'
      ? (field.initial ?? '')
      : failed
        ? typeof typed === 'string'
          ? typed
          : Array.isArray(typed)
            ? typed.join(',')
            : ''
        : (field.initial ?? '');
  const max = field.kind === 'textarea' ? maxLengthIn(form.schema, field.name) : undefined;
  return fieldOf(
    `${form.key}-${field.name}`,
    field,
    value,
    failed ? failure?.errors[field.name] : undefined,
    max === undefined ? undefined : textLimitView(max, t),
  );
}

/** The forms of the actions this user may take now, in the order a mediator would look for them. */
export function actionFormsView(
  file: CaseFile,
  options: { failure?: ActionFailure },
  { t, locale }: { t: TFunction; locale: Locale },
) {
  const allowed = new Set(file.allowedEvents);
  const events = [
    ...displayOrder.filter((event) => allowed.has(event)),
    ...[...allowed].filter((event) => !displayOrder.includes(event)),
  ];
  const context = formContextOf(file, t, locale);
  return events.flatMap((event) =>
    formsFor(event, context).map((form) => {
      const failed = options.failure?.formKey === form.key;
      const fields = form.fields.map((field) => fieldView(form, field, options.failure, t));
      // an error on a field the form does not show (e.g. expectedVersion) is said at the top of the form
      const unplaced = failed
        ? Object.entries(options.failure?.errors ?? {})
            .filter(([name]) => !form.fields.some((field) => field.name === name))
            .map(([, message]) => message)
        : [];
      return {
        key: form.key,
        event: form.event,
        title: form.title,
        description: form.description,
        notes: form.notes ?? [],
        fields,
        hasVisibleFields: fields.some((field) => !field.isHidden),
        toneClass:
          form.tone === 'primary' ? '' : form.tone === 'danger' ? 'secondary outline danger' : 'secondary',
        prominent: form.prominent === true,
        open: failed,
        formError: failed ? [options.failure?.formError, ...unplaced].filter(Boolean).join(' ') : null,
        version: file.row.version,
      };
    }),
  );
}
