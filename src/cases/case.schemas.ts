import { z } from 'zod';
import { mediationLevels } from '../units/unit.entity';
import { date, text } from '../workflows/case-events/case-event-declaration';
import { disputeTypes, tracks } from '../workflows/rules/dispute-rules.types';
import { caseSources } from './case.entity';
import { partyKinds, partyLanguages, partyRoles } from './party.entity';

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
  /** Consent to notices by SMS (个人信息保护法 §14); only with a phone (422 naming the field otherwise). */
  smsConsent: z.boolean({ error: 'validation.invalid_value' }).optional(),
  /** The language the party's messages are written in; default zh-CN. */
  language: z.enum(partyLanguages, { error: 'validation.invalid_value' }).optional(),
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
    /** One forum per dispute: a case (the caller may see) the user confirms is the same matter, whatever its type. */
    sameMatterCaseId: z.uuid({ error: 'validation.invalid_value' }).optional(),
    parties: z.array(partyInputSchema).min(1, 'validation.parties_required').max(200, 'validation.too_big'),
  })
  .meta({ id: 'RegisterCase' });
export type RegisterCaseInput = z.infer<typeof registerCaseSchema>;

/** Each event's payload is declared with its forms and timeline facts in src/workflows/case-events/. */
export { type CaseEventInput, caseEventSchema } from '../workflows/case-events/case-events';

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
