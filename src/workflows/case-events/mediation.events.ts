import { z } from 'zod';
import { isoMoment } from '../../shared/http/calendar-fields';
import { inLocale } from '../../shared/i18n/bilingual';
import { failureGuidances } from '../rules/dispute-rules.types';
import {
  declareCaseEvent,
  type EventForm,
  eventSchema,
  type FieldSpec,
  invalidValue,
  type MachineEvent,
  momentOfFact,
  noteField,
  optionalText,
  optionsOf,
  reasonField,
  text,
  uuid,
} from './case-event-declaration';

/**
 * Mediation: assigning the mediator, sessions and hearings, suspending and resuming,
 * extending the period, and mediation ending without an agreement (failed, withdrawn).
 */

/** What a mediator records (LOG_SESSION): a session (调解), a hearing (听证), a visit (走访). */
export const sessionKinds = ['session', 'hearing', 'visit'] as const;
export type SessionKind = (typeof sessionKinds)[number];

/** Why mediation is suspended (中止): an appraisal (鉴定), a hearing (听证), other; the rules say which stop the clock. */
export const suspensionReasons = ['appraisal', 'hearing', 'other'] as const;
export type SuspensionReason = (typeof suspensionReasons)[number];

/** Who withdraws from mediation (人民调解法 §23). */
export const withdrawingParties = ['applicant', 'respondent', 'both'] as const;

const assignSchema = eventSchema('ASSIGN', {
  mediatorId: uuid().optional(),
  mediatorUsername: z.string().trim().min(1).max(64).optional(),
});
/** The service resolves the mediator (by id or the API's username) and checks they work at the holding unit. */
export type AssignEvent = Omit<MachineEvent<typeof assignSchema>, 'mediatorId' | 'mediatorUsername'> & {
  mediatorId: string;
};
export const assign = declareCaseEvent<AssignEvent>()(assignSchema, {
  fields: ({ t, mediators, currentMediatorId }) => [
    {
      kind: 'select',
      name: 'mediatorId',
      label: t('actionForms.mediator'),
      required: true,
      options: mediators.map((user) => ({ value: user.id, label: user.displayName })),
      initial: currentMediatorId ?? undefined,
    },
  ],
  apiOnly: ['mediatorUsername'],
  timeline: ({ factOf }) => [
    factOf(
      'cases.mediator',
      ['mediatorId', 'mediatorUsername'],
      (payload, { userName }) =>
        userName(payload.mediatorId) ??
        (typeof payload.mediatorUsername === 'string' ? payload.mediatorUsername : undefined),
    ),
  ],
});

const logSessionSchema = eventSchema('LOG_SESSION', {
  kind: z.enum(sessionKinds, invalidValue),
  heldAt: momentOfFact,
  minutes: text,
  attendees: optionalText,
  place: z.string().trim().max(500, 'validation.too_big').optional(),
  /** The planned appointment it was (src/schedule); without it, the one planned of that kind that day. */
  appointmentId: uuid().optional(),
});
/**
 * The session to come for the parties, as the schedule reads it in the event's transaction
 * (src/cases/case-appointments.ts): the next one still planned, or none.
 */
export interface ResolvedNextSession {
  nextSession?: { at: string; place?: string } | null;
}
export type LogSessionEvent = MachineEvent<typeof logSessionSchema> & ResolvedNextSession;
export const logSession = declareCaseEvent<LogSessionEvent>()(logSessionSchema, {
  forms: ({ t, locale, now, rules }) => {
    const sessionFields = (kind?: 'hearing'): FieldSpec[] => [
      kind
        ? { kind: 'hidden', name: 'kind', initial: kind }
        : {
            kind: 'select',
            name: 'kind',
            label: t('actionForms.sessionKind'),
            required: true,
            noBlank: true,
            options: optionsOf(t, 'sessionKinds', sessionKinds),
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
    const forms: EventForm[] = [];
    const hearing = rules.hearingWhenMajorityObjects;
    if (hearing) {
      forms.push({
        key: 'LOG_SESSION-hearing',
        title: t('actionForms.logHearing'),
        description: t('casePage.hearingAdvice', { source: inLocale(locale, hearing.source) }),
        fields: sessionFields('hearing'),
        prominent: true,
      });
    }
    forms.push({ key: 'LOG_SESSION', fields: sessionFields() });
    return forms;
  },
  timeline: ({ fact, note }) => [
    fact('actionForms.sessionKind', 'kind', { list: 'sessionKinds' }),
    fact('actionForms.heldAt', 'heldAt', 'moment'),
    fact('actionForms.place', 'place'),
    fact('actionForms.attendees', 'attendees'),
    note('actionForms.minutes', 'minutes'),
  ],
  apiOnly: ['appointmentId'],
  notOnTimeline: ['appointmentId'],
});

/**
 * A session to come (约定调解时间): when and where the parties are to meet the mediator. The
 * moment must lie ahead (the write path checks it against the app's clock: 422 naming `at`);
 * the consenting parties are told by SMS (src/cases/case-party-notices.ts). It is planned as an
 * appointment on the schedule (src/schedule, issue 21), with `kind` (default a session) and the
 * attendees; with `appointmentId` it moves that planned one instead.
 */
const scheduleSessionSchema = eventSchema('SCHEDULE_SESSION', {
  at: isoMoment(),
  place: z.string().trim().max(500, 'validation.too_big').optional(),
  kind: z.enum(sessionKinds, invalidValue).optional(),
  attendees: optionalText,
  appointmentId: uuid().optional(),
});
export type ScheduleSessionEvent = MachineEvent<typeof scheduleSessionSchema> & ResolvedNextSession;
export const scheduleSession = declareCaseEvent<ScheduleSessionEvent>()(scheduleSessionSchema, {
  fields: ({ t }) => [
    {
      kind: 'select',
      name: 'kind',
      label: t('actionForms.sessionKind'),
      noBlank: true,
      options: optionsOf(t, 'sessionKinds', sessionKinds),
      initial: 'session',
    },
    {
      kind: 'datetime-local',
      name: 'at',
      label: t('actionForms.sessionAt'),
      required: true,
      hint: t('actionForms.sessionAtHint'),
    },
    { kind: 'text', name: 'place', label: t('actionForms.place') },
    { kind: 'textarea', name: 'attendees', label: t('actionForms.attendees'), rows: 2 },
  ],
  apiOnly: ['appointmentId'],
  timeline: ({ fact }) => [
    fact('actionForms.sessionKind', 'kind', { list: 'sessionKinds' }),
    fact('actionForms.sessionAt', 'at', 'moment'),
    fact('actionForms.place', 'place'),
    fact('actionForms.attendees', 'attendees'),
  ],
  notOnTimeline: ['appointmentId'],
});

/**
 * A planned session, hearing or visit called off (取消), with the reason: the schedule's
 * calendar sends it (no form on the case page); the parties' next session is the next one
 * still planned.
 */
const cancelSessionSchema = eventSchema('CANCEL_SESSION', {
  appointmentId: uuid(),
  reason: text,
});
export type CancelSessionEvent = MachineEvent<typeof cancelSessionSchema> & ResolvedNextSession;
export const cancelSession = declareCaseEvent<CancelSessionEvent>()(cancelSessionSchema, {
  forms: () => [],
  timeline: ({ note }) => [note('actionForms.reason', 'reason')],
  notOnTimeline: ['appointmentId'],
});

const suspendSchema = eventSchema('SUSPEND', {
  reason: z.enum(suspensionReasons, invalidValue),
  note: optionalText,
});
export type SuspendEvent = MachineEvent<typeof suspendSchema>;
export const suspend = declareCaseEvent<SuspendEvent>()(suspendSchema, {
  fields: ({ t }) => [
    {
      kind: 'select',
      name: 'reason',
      label: t('actionForms.suspendReason'),
      required: true,
      options: optionsOf(t, 'suspendReasons', suspensionReasons),
    },
    noteField(t),
  ],
  timeline: ({ fact, note }) => [
    fact('actionForms.suspendReason', 'reason', { list: 'suspendReasons' }),
    note('actionForms.note', 'note'),
  ],
});

const resumeSchema = eventSchema('RESUME', {});
export type ResumeEvent = MachineEvent<typeof resumeSchema>;
export const resume = declareCaseEvent<ResumeEvent>()(resumeSchema, {});

const extendPeriodSchema = eventSchema('EXTEND_PERIOD', {
  /** Days of the period's own basis (working days for medical); the law sets no cap, this form does (a sanity bound). */
  days: z
    .number({ error: 'validation.number' })
    .int('validation.whole_number')
    .min(1, 'validation.too_small')
    .max(90, 'validation.extension_days_max'),
  reason: text,
});
export type ExtendPeriodEvent = MachineEvent<typeof extendPeriodSchema>;
export const extendPeriod = declareCaseEvent<ExtendPeriodEvent>()(extendPeriodSchema, {
  forms: ({ t, locale, period, deadline }) => {
    const extension = period.stage?.extensionByAgreement;
    const basis = deadline?.basis ?? 'working';
    return [
      {
        description: extension
          ? t('actionForms.extendAgreed', { source: inLocale(locale, extension.source) })
          : undefined,
        prominent: period.failedByExpiry,
        fields: [
          {
            kind: 'number',
            name: 'days',
            label: t('actionForms.extendDays'),
            required: true,
            hint: t(basis === 'working' ? 'actionForms.extendDaysWorking' : 'actionForms.extendDaysCalendar'),
          },
          reasonField(t, 'actionForms.extendReason'),
        ],
      },
    ];
  },
  timeline: ({ note }) => [note('actionForms.reason', 'reason')],
  notOnTimeline: ['days'],
});

const failSchema = eventSchema('FAIL', {
  reason: text,
  guidance: z.enum(failureGuidances, invalidValue),
});
export type FailEvent = MachineEvent<typeof failSchema>;
export const fail = declareCaseEvent<FailEvent>()(failSchema, {
  forms: ({ t, locale, period, deadline, rules, failureGuidance }) => {
    const expired = period.failedByExpiry && deadline && period.stage;
    return [
      {
        prominent: Boolean(expired),
        notes: [
          ...(expired
            ? [
                t('actionForms.failedByExpiry', {
                  due: deadline?.due,
                  source: period.stage ? inLocale(locale, period.stage.source) : undefined,
                }),
              ]
            : []),
          inLocale(locale, rules.failureNote),
        ],
        fields: [
          {
            kind: 'select',
            name: 'guidance',
            label: t('actionForms.guidance'),
            required: true,
            options: optionsOf(t, 'guidances', failureGuidance),
          },
          reasonField(t),
        ],
      },
    ];
  },
  timeline: ({ fact, note }) => [
    fact('actionForms.guidance', 'guidance', { list: 'guidances' }),
    note('actionForms.reason', 'reason'),
  ],
});

const withdrawSchema = eventSchema('WITHDRAW', {
  by: z.enum(withdrawingParties, invalidValue),
  note: optionalText,
});
export type WithdrawEvent = MachineEvent<typeof withdrawSchema>;
export const withdraw = declareCaseEvent<WithdrawEvent>()(withdrawSchema, {
  fields: ({ t }) => [
    {
      kind: 'select',
      name: 'by',
      label: t('actionForms.withdrawBy'),
      required: true,
      options: optionsOf(t, 'withdrawnBy', withdrawingParties),
    },
    noteField(t),
  ],
  timeline: ({ fact, note }) => [
    fact('actionForms.withdrawBy', 'by', { list: 'withdrawnBy' }),
    note('actionForms.note', 'note'),
  ],
});
