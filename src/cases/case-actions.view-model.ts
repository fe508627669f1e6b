import type { TFunction } from 'i18next';
import { escalationReasonCodes } from '../escalations/escalation.entity';
import { toLocalDateTimeInput } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import { type MediationLevel, mediationLevelOf, mediationLevels, type Unit } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import { allowedTransfers } from '../workflows/case.machine';
import type { Track } from '../workflows/rules/dispute-rules.types';
import type { CaseFile } from './case-file.service';

/**
 * The action forms of the case page: one per event this user may send now (and only
 * those: `file.allowedEvents` is the statechart's and the policy's answer), each with
 * exactly the fields its event needs. Some events offer more than one form: ACCEPT per
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
  | 'checkbox';

export interface FieldSpec {
  kind: FieldKind;
  name: string;
  label?: string;
  required?: boolean;
  options?: Array<{ value: string; label: string }>;
  /** Shown when nothing was typed yet (a failed form shows what was typed instead). */
  initial?: string;
  hint?: string;
  /** A select without a blank first choice. */
  noBlank?: boolean;
  rows?: number;
  autocomplete?: string;
}

interface FormSpec {
  key: string;
  event: string;
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
  'FULFILLED',
  'RESUME',
]);
const dangerEvents = new Set(['DECLINE', 'REFER_OUT', 'FAIL', 'WITHDRAW', 'BREACHED']);

function levelsFrom(level: MediationLevel | null): MediationLevel[] {
  return level ? mediationLevels.slice(mediationLevels.indexOf(level)) : [...mediationLevels];
}

function formsFor(event: string, file: CaseFile, t: TFunction, locale: Locale): FormSpec[] {
  const units = [...file.units.values()]
    .filter((unit) => unit.active)
    .sort((a, b) => a.path.localeCompare(b.path));
  const depth = (unit: Unit) => unit.path.split('.').length - 1;
  const unitOptions = (list: Unit[], indent = false) =>
    list.map((unit) => ({
      value: unit.id,
      label: `${indent ? '\u3000'.repeat(depth(unit)) : ''}${unitName(unit, locale)}`,
    }));
  const ofKind = (kind: Unit['kind']) => units.filter((unit) => unit.kind === kind);
  const peoplesUnits = units.filter((unit) => mediationLevelOf(unit.kind) !== null);
  const options = (prefix: string, values: readonly string[]) =>
    values.map((value) => ({ value, label: t(`${prefix}.${value}`) }));
  const context = file.row.snapshot.context;
  const tone = primaryEvents.has(event) ? 'primary' : dangerEvents.has(event) ? 'danger' : 'secondary';
  const base = { event, tone, title: t(`caseEvents.${event}`) } as const;
  const reason = (label = 'actionForms.reason', required = true): FieldSpec => ({
    kind: 'textarea',
    name: 'reason',
    label: t(label),
    required,
    rows: 3,
  });
  const note: FieldSpec = { kind: 'textarea', name: 'note', label: t('actionForms.note'), rows: 2 };
  const now = toLocalDateTimeInput(file.now);

  switch (event) {
    case 'SUBMIT':
    case 'RESUME':
      return [{ ...base, key: event, fields: [] }];
    case 'ACCEPT': {
      const forms: FormSpec[] = [
        {
          ...base,
          key: 'ACCEPT-people',
          title: t('actionForms.acceptPeople'),
          fields: [
            { kind: 'hidden', name: 'track', initial: 'people' },
            {
              kind: 'select',
              name: 'level',
              label: t('actionForms.level'),
              required: true,
              noBlank: true,
              options: options('levels', levelsFrom(mediationLevelOf(file.holdingUnit.kind))),
              initial: mediationLevelOf(file.holdingUnit.kind) ?? undefined,
            },
          ],
        },
      ];
      const body = file.rules.administrativeBody;
      if (ofKind('department').length > 0) {
        forms.push({
          ...base,
          tone: 'secondary',
          key: 'ACCEPT-administrative',
          title: t('actionForms.acceptAdministrative'),
          description: body
            ? t('actionForms.administrativeBody', { body: locale === 'en' ? body.en : body.zh })
            : undefined,
          fields: [
            { kind: 'hidden', name: 'track', initial: 'administrative' },
            {
              kind: 'select',
              name: 'unitId',
              label: t('actionForms.department'),
              required: true,
              options: unitOptions(ofKind('department')),
              // a department screening a case (one transferred to it: 医疗 §40) accepts it itself
              initial: file.holdingUnit.kind === 'department' ? file.holdingUnit.id : undefined,
            },
          ],
        });
      }
      if (ofKind('court').length > 0) {
        forms.push({
          ...base,
          tone: 'secondary',
          key: 'ACCEPT-judicial',
          title: t('actionForms.acceptJudicial'),
          fields: [
            { kind: 'hidden', name: 'track', initial: 'judicial' },
            {
              kind: 'select',
              name: 'unitId',
              label: t('actionForms.court'),
              required: true,
              options: unitOptions(ofKind('court')),
            },
          ],
        });
      }
      return forms;
    }
    case 'DECLINE':
      return [{ ...base, key: event, fields: [reason()] }];
    case 'REFER_OUT':
      if (context.track !== null) {
        // from mediation: only to arbitration, once the labour period has run out (劳动争议调解仲裁法 §14)
        const source = file.period.stage?.source;
        return [
          {
            ...base,
            key: event,
            title: t('actionForms.referToArbitration', {
              source: source ? (locale === 'en' ? source.en : source.zh) : '',
            }),
            prominent: true,
            fields: [{ kind: 'hidden', name: 'agency', initial: 'arbitration' }, reason()],
          },
        ];
      }
      return [
        {
          ...base,
          key: event,
          fields: [
            {
              kind: 'select',
              name: 'agency',
              label: t('actionForms.agency'),
              required: true,
              options: options('agencies', ['arbitration', 'court', 'police', 'reconsideration', 'other']),
            },
            reason(),
          ],
        },
      ];
    case 'ASSIGN':
      return [
        {
          ...base,
          key: event,
          fields: [
            {
              kind: 'select',
              name: 'mediatorId',
              label: t('actionForms.mediator'),
              required: true,
              options: file.mediators.map((user) => ({ value: user.id, label: user.displayName })),
              initial: file.row.mediatorId ?? undefined,
            },
          ],
        },
      ];
    case 'LOG_SESSION': {
      const sessionFields = (kind?: 'hearing'): FieldSpec[] => [
        kind
          ? { kind: 'hidden', name: 'kind', initial: kind }
          : {
              kind: 'select',
              name: 'kind',
              label: t('actionForms.sessionKind'),
              required: true,
              noBlank: true,
              options: options('sessionKinds', ['session', 'hearing', 'visit']),
              initial: 'session',
            },
        {
          kind: 'datetime-local',
          name: 'heldAt',
          label: t('actionForms.heldAt'),
          required: true,
          initial: now,
        },
        { kind: 'text', name: 'place', label: t('actionForms.place') },
        { kind: 'textarea', name: 'attendees', label: t('actionForms.attendees'), rows: 2 },
        { kind: 'textarea', name: 'minutes', label: t('actionForms.minutes'), required: true, rows: 5 },
      ];
      const forms: FormSpec[] = [];
      const hearing = file.rules.hearingWhenMajorityObjects;
      if (hearing) {
        forms.push({
          ...base,
          key: 'LOG_SESSION-hearing',
          title: t('actionForms.logHearing'),
          description: t('casePage.hearingAdvice', {
            source: locale === 'en' ? hearing.source.en : hearing.source.zh,
          }),
          fields: sessionFields('hearing'),
          prominent: true,
        });
      }
      forms.push({ ...base, key: 'LOG_SESSION', fields: sessionFields() });
      return forms;
    }
    case 'SUSPEND':
      return [
        {
          ...base,
          key: event,
          fields: [
            {
              kind: 'select',
              name: 'reason',
              label: t('actionForms.suspendReason'),
              required: true,
              options: options('suspendReasons', ['appraisal', 'hearing', 'other']),
            },
            note,
          ],
        },
      ];
    case 'REACH_AGREEMENT':
      return [
        {
          ...base,
          key: event,
          fields: [
            {
              kind: 'radio',
              name: 'form',
              label: t('actionForms.form'),
              required: true,
              options: options('agreementForms', ['written', 'oral']),
              initial: 'written',
            },
            { kind: 'textarea', name: 'terms', label: t('actionForms.terms'), required: true, rows: 5 },
            { kind: 'date', name: 'performBy', label: t('actionForms.performBy') },
          ],
        },
      ];
    case 'ESCALATE': {
      const parent = file.holdingUnit.parentId ? file.units.get(file.holdingUnit.parentId) : undefined;
      return [
        {
          ...base,
          key: event,
          description: parent
            ? t('casePage.escalateTo', { unit: unitName(parent, locale) })
            : t('casePage.escalateTop'),
          fields: [
            {
              kind: 'select',
              name: 'reasonCode',
              label: t('actionForms.reasonCode'),
              required: true,
              options: options('escalationReasons', escalationReasonCodes),
            },
            reason(),
          ],
        },
      ];
    }
    case 'RETURN_DOWN':
      return [
        {
          ...base,
          key: event,
          fields: [
            {
              kind: 'select',
              name: 'unitId',
              label: t('actionForms.returnUnit'),
              hint: t('actionForms.returnUnitDefault'),
              options: unitOptions(
                units.filter(
                  (unit) => unit.parentId === file.holdingUnit.id && mediationLevelOf(unit.kind) !== null,
                ),
              ),
            },
            {
              kind: 'textarea',
              name: 'instructions',
              label: t('actionForms.instructions'),
              required: true,
              rows: 3,
            },
          ],
        },
      ];
    case 'TRANSFER': {
      const from = context.track;
      const targets: readonly Track[] = from ? allowedTransfers[from] : [];
      const unitsFor: Record<Track, Unit[]> = {
        people: peoplesUnits,
        administrative: ofKind('department'),
        judicial: ofKind('court'),
      };
      return targets.map((toTrack) => ({
        ...base,
        key: `TRANSFER-${toTrack}`,
        title: t('actionForms.transferTo', { track: t(`tracks.${toTrack}`) }),
        fields: [
          { kind: 'hidden', name: 'toTrack', initial: toTrack },
          {
            kind: 'select',
            name: 'unitId',
            label: t('actionForms.targetUnit'),
            required: true,
            options: unitOptions(unitsFor[toTrack], toTrack === 'people'),
          },
          reason(),
        ],
      }));
    }
    case 'FAIL': {
      const expired = file.period.failedByExpiry && file.row.deadline && file.period.stage;
      return [
        {
          ...base,
          key: event,
          prominent: Boolean(expired),
          notes: [
            ...(expired
              ? [
                  t('actionForms.failedByExpiry', {
                    due: file.row.deadline?.due,
                    source: locale === 'en' ? file.period.stage?.source.en : file.period.stage?.source.zh,
                  }),
                ]
              : []),
            locale === 'en' ? file.rules.failureNote.en : file.rules.failureNote.zh,
          ],
          fields: [
            {
              kind: 'select',
              name: 'guidance',
              label: t('actionForms.guidance'),
              required: true,
              options: options('guidances', context.rules.failureGuidance),
            },
            reason(),
          ],
        },
      ];
    }
    case 'EXTEND_PERIOD': {
      const extension = file.period.stage?.extensionByAgreement;
      const basis = file.row.deadline?.basis ?? 'working';
      return [
        {
          ...base,
          key: event,
          description: extension
            ? t('actionForms.extendAgreed', {
                source: locale === 'en' ? extension.source.en : extension.source.zh,
              })
            : undefined,
          prominent: file.period.failedByExpiry,
          fields: [
            {
              kind: 'number',
              name: 'days',
              label: t('actionForms.extendDays'),
              required: true,
              hint: t(
                basis === 'working' ? 'actionForms.extendDaysWorking' : 'actionForms.extendDaysCalendar',
              ),
            },
            reason('actionForms.extendReason'),
          ],
        },
      ];
    }
    case 'WITHDRAW':
      return [
        {
          ...base,
          key: event,
          fields: [
            {
              kind: 'select',
              name: 'by',
              label: t('actionForms.withdrawBy'),
              required: true,
              options: options('withdrawnBy', ['applicant', 'respondent', 'both']),
            },
            note,
          ],
        },
      ];
    case 'REQUEST_JUDICIAL_CONFIRMATION':
      return [
        {
          ...base,
          key: event,
          fields: [
            {
              kind: 'select',
              name: 'court',
              label: t('actionForms.court'),
              required: true,
              options: unitOptions(ofKind('court')),
            },
            {
              kind: 'date',
              name: 'appliedOn',
              label: t('actionForms.appliedOn'),
              required: true,
              initial: file.today,
            },
          ],
        },
      ];
    case 'CONFIRMED':
      return [
        {
          ...base,
          key: event,
          fields: [{ kind: 'text', name: 'rulingNo', label: t('actionForms.rulingNo') }],
        },
      ];
    case 'CONFIRMATION_REJECTED':
      return [{ ...base, key: event, fields: [reason()] }];
    case 'RECORD_FOLLOW_UP':
      return [
        {
          ...base,
          key: event,
          fields: [
            {
              kind: 'datetime-local',
              name: 'visitedAt',
              label: t('actionForms.visitedAt'),
              required: true,
              initial: now,
            },
            {
              kind: 'select',
              name: 'performed',
              label: t('actionForms.performed'),
              required: true,
              options: options('performance', ['full', 'partial', 'none']),
            },
            { kind: 'textarea', name: 'note', label: t('actionForms.note'), required: true, rows: 3 },
          ],
        },
      ];
    case 'FULFILLED':
    case 'BREACHED':
    case 'RESUME_MEDIATION':
      return [{ ...base, key: event, fields: [note] }];
    case 'REOPEN':
      return [{ ...base, key: event, fields: [reason('actionForms.reopenReason')] }];
    default:
      return [];
  }
}

/** One field as the `cases/field` partial renders it. */
export function fieldOf(id: string, field: FieldSpec, value: string, error: string | undefined) {
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
    isInput: !['hidden', 'select', 'textarea', 'radio', 'checkbox'].includes(field.kind),
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
      selected: option.value === value,
    })),
  };
}

function fieldView(form: FormSpec, field: FieldSpec, failure: ActionFailure | undefined) {
  const failed = failure?.formKey === form.key;
  const typed = failed ? failure?.values[field.name] : undefined;
  const value =
    field.kind === 'hidden'
      ? (field.initial ?? '')
      : failed
        ? typeof typed === 'string'
          ? typed
          : ''
        : (field.initial ?? '');
  return fieldOf(`${form.key}-${field.name}`, field, value, failed ? failure?.errors[field.name] : undefined);
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
  return events.flatMap((event) =>
    formsFor(event, file, t, locale).map((form) => {
      const failed = options.failure?.formKey === form.key;
      const fields = form.fields.map((field) => fieldView(form, field, options.failure));
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
