import { z } from 'zod';
import { escalationReasonCodes } from '../escalations/escalation.entity';
import { mediationLevels } from '../units/unit.entity';
import { disputeTypes, failureGuidances, tracks } from '../workflows/rules/dispute-rules.types';
import { caseSources } from './case.entity';
import { partyKinds, partyRoles } from './party.entity';

/** Free text: plain text of at most 10,000 characters, rendered escaped everywhere (API.md). */
const text = z.string().trim().min(1, 'validation.required').max(10000, 'validation.too_big');
const optionalText = z.string().trim().max(10000, 'validation.too_big').optional();
const date = z.iso.date({ error: 'validation.date' });
const dateTime = z.iso.datetime({ offset: true, error: 'validation.datetime' });
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** 18-character resident ID (last character may be X) or 15-digit legacy ID. */
const idNumber = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^(\d{17}[\dXx]|\d{15})$/, 'validation.id_number')
    .optional(),
);
/** Mainland mobile or landline, digits with optional +86 and hyphens. */
const phone = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^(\+?86)?[\d-]{7,20}$/, 'validation.phone')
    .optional(),
);

export const partyInputSchema = z.strictObject({
  role: z.enum(partyRoles, { error: 'validation.invalid_value' }),
  kind: z.enum(partyKinds, { error: 'validation.invalid_value' }),
  name: z.string().trim().min(1, 'validation.required').max(200, 'validation.too_big'),
  idNumber,
  phone,
  address: z.preprocess(blankToUndefined, z.string().trim().max(500, 'validation.too_big').optional()),
  representative: z.boolean().optional(),
});
export type PartyInput = z.infer<typeof partyInputSchema>;

export const registerCaseSchema = z
  .strictObject({
    type: z.enum(disputeTypes, { error: 'validation.invalid_value' }),
    title: z.string().trim().min(1, 'validation.required').max(200, 'validation.too_big'),
    description: text,
    source: z.enum(caseSources, { error: 'validation.invalid_value' }),
    unitId: z.uuid({ error: 'validation.invalid_value' }).optional(),
    gridId: z.uuid({ error: 'validation.invalid_value' }).optional(),
    occurredOn: date.optional(),
    /** The day the mediation organisation received the application; default today, not in the future (劳动争议调解仲裁法 §14). */
    receivedOn: date.optional(),
    /** Labour: the day the worker knew or should have known of the infringement (§27's limitation). */
    knewOn: date.optional(),
    amountInDispute: z
      .number({ error: 'validation.number' })
      .nonnegative('validation.too_small')
      .max(1e13)
      .optional(),
    groupSize: z
      .number({ error: 'validation.number' })
      .int()
      .min(1, 'validation.too_small')
      .max(100000)
      .optional(),
    masterCaseId: z.uuid({ error: 'validation.invalid_value' }).optional(),
    parties: z.array(partyInputSchema).min(1, 'validation.parties_required').max(200, 'validation.too_big'),
  })
  .meta({ id: 'RegisterCase' });
export type RegisterCaseInput = z.infer<typeof registerCaseSchema>;

const version = { expectedVersion: z.number({ error: 'validation.required' }).int().min(0) };

/** The payload of each workflow event (API.md "Event payloads (cases)"). */
export const caseEventSchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('SUBMIT'), ...version }),
      z.strictObject({
        type: z.literal('ACCEPT'),
        ...version,
        track: z.enum(tracks, { error: 'validation.invalid_value' }),
        level: z.enum(mediationLevels, { error: 'validation.invalid_value' }).optional(),
        unitId: z.uuid({ error: 'validation.invalid_value' }).optional(),
      }),
      z.strictObject({ type: z.literal('DECLINE'), ...version, reason: text }),
      z.strictObject({
        type: z.literal('REFER_OUT'),
        ...version,
        agency: z.enum(['arbitration', 'court', 'police', 'reconsideration', 'other'], {
          error: 'validation.invalid_value',
        }),
        reason: text,
      }),
      z.strictObject({
        type: z.literal('ASSIGN'),
        ...version,
        mediatorId: z.uuid({ error: 'validation.invalid_value' }).optional(),
        mediatorUsername: z.string().trim().min(1).max(64).optional(),
      }),
      z.strictObject({
        type: z.literal('LOG_SESSION'),
        ...version,
        kind: z.enum(['session', 'hearing', 'visit'], { error: 'validation.invalid_value' }),
        heldAt: dateTime,
        minutes: text,
        attendees: optionalText,
        place: z.string().trim().max(500, 'validation.too_big').optional(),
      }),
      z.strictObject({
        type: z.literal('SUSPEND'),
        ...version,
        reason: z.enum(['appraisal', 'hearing', 'other'], { error: 'validation.invalid_value' }),
        note: optionalText,
      }),
      z.strictObject({ type: z.literal('RESUME'), ...version }),
      z.strictObject({
        type: z.literal('REACH_AGREEMENT'),
        ...version,
        form: z.enum(['written', 'oral'], { error: 'validation.invalid_value' }),
        terms: text,
        performBy: date.optional(),
      }),
      z.strictObject({
        type: z.literal('ESCALATE'),
        ...version,
        reasonCode: z.enum(escalationReasonCodes, { error: 'validation.invalid_value' }),
        reason: text,
      }),
      z.strictObject({
        type: z.literal('RETURN_DOWN'),
        ...version,
        instructions: text,
        unitId: z.uuid({ error: 'validation.invalid_value' }).optional(),
      }),
      z.strictObject({
        type: z.literal('TRANSFER'),
        ...version,
        toTrack: z.enum(tracks, { error: 'validation.invalid_value' }),
        unitId: z.uuid({ error: 'validation.invalid_value' }),
        reason: text,
      }),
      z.strictObject({
        type: z.literal('FAIL'),
        ...version,
        reason: text,
        guidance: z.enum(failureGuidances, { error: 'validation.invalid_value' }),
      }),
      z.strictObject({
        type: z.literal('EXTEND_PERIOD'),
        ...version,
        /** Days of the period's own basis (working days for medical); the law sets no cap, this form does (a sanity bound). */
        days: z
          .number({ error: 'validation.number' })
          .int('validation.whole_number')
          .min(1, 'validation.too_small')
          .max(90, 'validation.extension_days_max'),
        reason: text,
      }),
      z.strictObject({
        type: z.literal('WITHDRAW'),
        ...version,
        by: z.enum(['applicant', 'respondent', 'both'], { error: 'validation.invalid_value' }),
        note: optionalText,
      }),
      z.strictObject({
        type: z.literal('REQUEST_JUDICIAL_CONFIRMATION'),
        ...version,
        court: z.uuid({ error: 'validation.invalid_value' }),
        appliedOn: date,
      }),
      z.strictObject({
        type: z.literal('CONFIRMED'),
        ...version,
        rulingNo: z.string().trim().max(64).optional(),
      }),
      z.strictObject({ type: z.literal('CONFIRMATION_REJECTED'), ...version, reason: text }),
      z.strictObject({
        type: z.literal('RECORD_FOLLOW_UP'),
        ...version,
        visitedAt: dateTime,
        note: text,
        performed: z.enum(['full', 'partial', 'none'], { error: 'validation.invalid_value' }),
      }),
      z.strictObject({ type: z.literal('FULFILLED'), ...version, note: optionalText }),
      z.strictObject({ type: z.literal('BREACHED'), ...version, note: optionalText }),
      z.strictObject({ type: z.literal('RESUME_MEDIATION'), ...version, note: optionalText }),
      z.strictObject({ type: z.literal('REOPEN'), ...version, reason: text }),
    ],
    { error: 'validation.event_type' },
  )
  .meta({ id: 'CaseEvent' });
export type CaseEventInput = z.infer<typeof caseEventSchema>;

export const caseListSorts = ['newest', 'oldest', 'due', 'updated'] as const;

export const caseListQuerySchema = z.object({
  state: z.string().max(40).optional(),
  type: z.enum(disputeTypes).optional(),
  track: z.enum(tracks).optional(),
  level: z.enum(mediationLevels).optional(),
  unitId: z.uuid().optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  /** Cases this mediator is assigned to (the dashboard's "my cases"). */
  mediatorId: z.uuid().optional(),
  q: z.string().trim().max(100).optional(),
  from: date.optional(),
  to: date.optional(),
  /** newest registered first (default), oldest first, nearest deadline first, last changed first. */
  sort: z.enum(caseListSorts).default('newest'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;
