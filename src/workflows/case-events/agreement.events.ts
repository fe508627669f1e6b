import { z } from 'zod';
import { unitOptions } from '../../units/unit-options';
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
});
export type ReachAgreementEvent = MachineEvent<typeof reachAgreementSchema> & {
  /** Computed by the service from the day the agreement takes effect; null if it cannot be confirmed. */
  confirmationWindowEndsOn: string | null;
};
export const reachAgreement = declareCaseEvent<ReachAgreementEvent>()(reachAgreementSchema, {
  fields: ({ t }) => [
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
  ],
  timeline: ({ fact, note }) => [
    fact('actionForms.form', 'form', { list: 'agreementForms' }),
    fact('actionForms.performBy', 'performBy', 'day'),
    fact('deadlines.confirmationWindow', 'confirmationWindowEndsOn', 'day'),
    note('actionForms.terms', 'terms'),
  ],
});

const requestJudicialConfirmationSchema = eventSchema('REQUEST_JUDICIAL_CONFIRMATION', {
  court: uuid(),
  appliedOn: dayOfFact,
});
export type RequestJudicialConfirmationEvent = MachineEvent<typeof requestJudicialConfirmationSchema>;
export const requestJudicialConfirmation = declareCaseEvent<RequestJudicialConfirmationEvent>()(
  requestJudicialConfirmationSchema,
  {
    fields: ({ t, locale, units, today }) => [
      {
        kind: 'select',
        name: 'court',
        label: t('actionForms.court'),
        required: true,
        options: unitOptions(
          units.filter((unit) => unit.kind === 'court'),
          locale,
        ),
      },
      { kind: 'date', name: 'appliedOn', label: t('actionForms.appliedOn'), required: true, initial: today },
    ],
    timeline: ({ fact }) => [
      fact('actionForms.court', 'court', 'unit'),
      fact('actionForms.appliedOn', 'appliedOn', 'day'),
    ],
  },
);

const confirmedSchema = eventSchema('CONFIRMED', { rulingNo: z.string().trim().max(64).optional() });
export type ConfirmedEvent = MachineEvent<typeof confirmedSchema>;
export const confirmed = declareCaseEvent<ConfirmedEvent>()(confirmedSchema, {
  fields: ({ t }) => [{ kind: 'text', name: 'rulingNo', label: t('actionForms.rulingNo') }],
  timeline: ({ fact }) => [fact('actionForms.rulingNo', 'rulingNo')],
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
});

// FULFILLED, BREACHED, RESUME_MEDIATION: a note, if the user writes one.
const noteOnly = {
  fields: ({ t }: EventFormContext) => [noteField(t)],
  timeline: ({ note }: TimelineLines<'note'>) => [note('actionForms.note', 'note')],
};

const fulfilledSchema = eventSchema('FULFILLED', { note: optionalText });
export type FulfilledEvent = MachineEvent<typeof fulfilledSchema>;
export const fulfilled = declareCaseEvent<FulfilledEvent>()(fulfilledSchema, noteOnly);

const breachedSchema = eventSchema('BREACHED', { note: optionalText });
export type BreachedEvent = MachineEvent<typeof breachedSchema>;
export const breached = declareCaseEvent<BreachedEvent>()(breachedSchema, noteOnly);

const resumeMediationSchema = eventSchema('RESUME_MEDIATION', { note: optionalText });
export type ResumeMediationEvent = MachineEvent<typeof resumeMediationSchema>;
export const resumeMediation = declareCaseEvent<ResumeMediationEvent>()(resumeMediationSchema, noteOnly);
