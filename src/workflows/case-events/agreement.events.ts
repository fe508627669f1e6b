import { z } from 'zod';
import { clauseSeparator, inLocale, listSeparator, withNote } from '../../shared/i18n/bilingual';
import { unitOptions } from '../../units/unit-options';
import { type FailureGuidance, type LegalSource, paymentOrderMatters } from '../rules/dispute-rules.types';
import { notConfirmableReasonList } from '../rules/shared-rules';
import {
  date,
  dayOfFact,
  declareCaseEvent,
  type EventFormContext,
  eventSchema,
  invalidValue,
  type MachineEvent,
  momentOfFact,
  noteField,
  optionalText,
  optionsOf,
  reasonField,
  type TimelineLines,
  text,
  uuid,
} from './case-event-declaration';

/**
 * The agreement (调解协议) and after: reaching it, judicial confirmation (人民调解法 §33),
 * follow-up visits, fulfilment or breach, and mediation resumed.
 */

/** A written agreement (调解协议书) or an oral one (口头协议, recorded by the mediator). */
export const agreementForms = ['written', 'oral'] as const;
export type AgreementForm = (typeof agreementForms)[number];

/** How far the agreement was performed when a follow-up visit found it. */
export const performanceLevels = ['full', 'partial', 'none'] as const;

const reachAgreementSchema = eventSchema('REACH_AGREEMENT', {
  form: z.enum(agreementForms, invalidValue),
  terms: text,
  performBy: date.optional(),
  /**
   * A written agreement: whether the court can confirm it (人民调解法 §33). Decided on the
   * agreement, not by dispute type; absent means it can. When it cannot, the reason (民诉法解释 §355).
   */
  confirmable: z.boolean(invalidValue).optional(),
  notConfirmableReason: z.enum(notConfirmableReasonList, invalidValue).optional(),
});
export type ReachAgreementEvent = MachineEvent<typeof reachAgreementSchema> & {
  /** Computed by the service from the day the agreement takes effect; null if it cannot be confirmed. */
  confirmationWindowEndsOn: string | null;
  /** The day the agreement took effect (a written one: signed, the day it is recorded; 人民调解法 §29, §30). */
  reachedOn: string;
};
export const reachAgreement = declareCaseEvent<ReachAgreementEvent>()(reachAgreementSchema, {
  // whether the court can confirm it is asked where an agreement may go to confirmation at all
  asks: ['confirmable', 'notConfirmableReason'],
  fields: ({ t, track }) => [
    {
      kind: 'radio',
      name: 'form',
      label: t('actionForms.form'),
      required: true,
      options: optionsOf(t, 'agreementForms', agreementForms),
      initial: 'written',
    },
    { kind: 'textarea', name: 'terms', label: t('actionForms.terms'), required: true, rows: 5 },
    { kind: 'date', name: 'performBy', label: t('actionForms.performBy') },
    ...(track === 'people' || track === 'judicial'
      ? [
          {
            kind: 'checkbox' as const,
            name: 'confirmable',
            label: t('judicialConfirmation.confirmable'),
            initial: 'on',
            hint: t('judicialConfirmation.confirmableHint'),
          },
          {
            kind: 'select' as const,
            name: 'notConfirmableReason',
            label: t('judicialConfirmation.notConfirmableReason'),
            options: optionsOf(t, 'judicialConfirmation.reasons', notConfirmableReasonList),
          },
        ]
      : []),
  ],
  timeline: ({ fact, note }) => [
    fact('actionForms.form', 'form', { list: 'agreementForms' }),
    fact('actionForms.performBy', 'performBy', 'day'),
    fact('deadlines.confirmationWindow', 'confirmationWindowEndsOn', 'day'),
    fact('judicialConfirmation.notConfirmableReason', 'notConfirmableReason', {
      list: 'judicialConfirmation.reasons',
    }),
    note('actionForms.terms', 'terms'),
  ],
  notOnTimeline: ['confirmable', 'reachedOn'],
});

const requestJudicialConfirmationSchema = eventSchema('REQUEST_JUDICIAL_CONFIRMATION', {
  court: uuid(),
  appliedOn: dayOfFact,
  /**
   * 人民调解法 §33, 民事诉讼法 §205: both parties apply, jointly; one party alone cannot (422 unless
   * true). Missing: required; not a boolean: an invalid value.
   */
  jointlyApplied: z.boolean({
    error: (issue) => (issue.input === undefined ? 'validation.required' : 'validation.invalid_value'),
  }),
});
export type RequestJudicialConfirmationEvent = MachineEvent<typeof requestJudicialConfirmationSchema>;
export const requestJudicialConfirmation = declareCaseEvent<RequestJudicialConfirmationEvent>()(
  requestJudicialConfirmationSchema,
  {
    fields: ({ t, locale, units, today, holdingUnit, track }) => [
      {
        kind: 'select',
        name: 'court',
        label: t('actionForms.court'),
        required: true,
        // 民事诉讼法 §205(1): an agreement from the court's own 委派调解 goes back to that court
        options: unitOptions(
          units.filter((unit) => (track === 'judicial' ? unit.id === holdingUnit.id : unit.kind === 'court')),
          locale,
        ),
      },
      { kind: 'date', name: 'appliedOn', label: t('actionForms.appliedOn'), required: true, initial: today },
      {
        kind: 'checkbox',
        name: 'jointlyApplied',
        label: t('judicialConfirmation.jointlyApplied'),
        required: true,
      },
    ],
    timeline: ({ fact }) => [
      fact('actionForms.court', 'court', 'unit'),
      fact('actionForms.appliedOn', 'appliedOn', 'day'),
    ],
    notOnTimeline: ['jointlyApplied'],
  },
);

/**
 * 民事诉讼法 §206: the court rules the agreement valid (裁定), under its ruling's number and date
 * — a day of fact: never after today (422 naming `ruledOn`, like every date of a fact).
 */
const confirmedSchema = eventSchema('CONFIRMED', {
  rulingNo: z.string().trim().min(1, 'validation.required').max(64, 'validation.too_big'),
  ruledOn: dayOfFact,
});
export type ConfirmedEvent = MachineEvent<typeof confirmedSchema>;
export const confirmed = declareCaseEvent<ConfirmedEvent>()(confirmedSchema, {
  fields: ({ t, today }) => [
    { kind: 'text', name: 'rulingNo', label: t('actionForms.rulingNo'), required: true },
    {
      kind: 'date',
      name: 'ruledOn',
      label: t('judicialConfirmation.ruledOn'),
      required: true,
      initial: today,
    },
  ],
  timeline: ({ fact }) => [
    fact('actionForms.rulingNo', 'rulingNo'),
    fact('judicialConfirmation.ruledOn', 'ruledOn', 'day'),
  ],
});

const confirmationRejectedSchema = eventSchema('CONFIRMATION_REJECTED', { reason: text });
export type ConfirmationRejectedEvent = MachineEvent<typeof confirmationRejectedSchema>;
export const confirmationRejected = declareCaseEvent<ConfirmationRejectedEvent>()(
  confirmationRejectedSchema,
  {
    fields: ({ t }) => [reasonField(t)],
    timeline: ({ note }) => [note('actionForms.reason', 'reason')],
  },
);

const recordFollowUpSchema = eventSchema('RECORD_FOLLOW_UP', {
  visitedAt: momentOfFact,
  note: text,
  performed: z.enum(performanceLevels, invalidValue),
  /** The planned follow-up it was (src/schedule); without it, the earliest one still planned. */
  appointmentId: uuid().optional(),
});
export type RecordFollowUpEvent = MachineEvent<typeof recordFollowUpSchema>;
export const recordFollowUp = declareCaseEvent<RecordFollowUpEvent>()(recordFollowUpSchema, {
  fields: ({ t, now }) => [
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
      options: optionsOf(t, 'performance', performanceLevels),
    },
    { kind: 'textarea', name: 'note', label: t('actionForms.note'), required: true, rows: 3 },
  ],
  timeline: ({ fact, note }) => [
    fact('actionForms.visitedAt', 'visitedAt', 'moment'),
    fact('actionForms.performed', 'performed', { list: 'performance' }),
    note('actionForms.note', 'note'),
  ],
  apiOnly: ['appointmentId'],
  notOnTimeline: ['appointmentId'],
});

// FULFILLED, RESUME_MEDIATION: a note, if the user writes one.
const noteOnly = {
  fields: ({ t }: EventFormContext) => [noteField(t)],
  timeline: ({ note }: TimelineLines<'note'>) => [note('actionForms.note', 'note')],
};

const fulfilledSchema = eventSchema('FULFILLED', { note: optionalText });
export type FulfilledEvent = MachineEvent<typeof fulfilledSchema>;
export const fulfilled = declareCaseEvent<FulfilledEvent>()(fulfilledSchema, noteOnly);

/**
 * An agreement not performed. For a labour agreement the mediator ticks what it concerns: on
 * wages, work-injury medical costs, economic compensation or damages the worker may also ask
 * the court for a payment order (劳动争议调解仲裁法 §16). The service records the guidance
 * the type's rules give (`breachGuidance`), each with its article.
 */
const breachedSchema = eventSchema('BREACHED', {
  note: optionalText,
  concerns: z.array(z.enum(paymentOrderMatters, invalidValue), invalidValue).max(4).optional(),
});
export type BreachedEvent = MachineEvent<typeof breachedSchema> & {
  /** Resolved from the rules: what the parties were told, with the article (empty: a confirmed agreement, §206). */
  guidance: Array<{ guidance: FailureGuidance; source: LegalSource }>;
};
export const breached = declareCaseEvent<BreachedEvent>()(breachedSchema, {
  // asked only where the type's rules tie a guidance to what the agreement concerns (labour §16)
  asks: ['concerns'],
  fields: ({ t, rules }) => [
    ...(rules.breachGuidance.some((rule) => rule.onlyFor)
      ? [
          {
            kind: 'checkboxes' as const,
            name: 'concerns',
            label: t('breach.concerns'),
            options: optionsOf(t, 'breach.matters', paymentOrderMatters),
          },
        ]
      : []),
    noteField(t),
  ],
  timeline: ({ factOf, note }) => [
    factOf('breach.concerns', ['concerns'], (payload, { t, locale }) =>
      Array.isArray(payload.concerns) && payload.concerns.length > 0
        ? payload.concerns.map((matter) => t(`breach.matters.${matter}`)).join(listSeparator(locale))
        : undefined,
    ),
    factOf('breach.guidance', ['guidance'], (payload, { t, locale }) =>
      Array.isArray(payload.guidance) && payload.guidance.length > 0
        ? (payload.guidance as BreachedEvent['guidance'])
            .map(({ guidance, source }) =>
              withNote(locale, t(`guidances.${guidance}`), inLocale(locale, source)),
            )
            .join(clauseSeparator(locale))
        : undefined,
    ),
    note('actionForms.note', 'note'),
  ],
});

const resumeMediationSchema = eventSchema('RESUME_MEDIATION', { note: optionalText });
export type ResumeMediationEvent = MachineEvent<typeof resumeMediationSchema>;
export const resumeMediation = declareCaseEvent<ResumeMediationEvent>()(resumeMediationSchema, noteOnly);
