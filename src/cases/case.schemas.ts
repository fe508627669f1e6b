import { z } from 'zod';
import { normalise } from '../shared/crypto/personal-data';
import { optionalPhoneField } from '../shared/phone-number';
import { mediationLevels } from '../units/unit.entity';
import { date, text } from '../workflows/case-events/case-event-declaration';
import { disputeTypes, tracks } from '../workflows/rules/dispute-rules.types';
import { riskGradeParam, riskGradeSchema } from '../workflows/rules/risk-grade';
import { caseSources } from './case.entity';
import { type PartyKind, partyKinds, partyLanguages, partyRoles } from './party.entity';
import { checkPartyIdentifier } from './party-identifiers';

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * A party's ID number as typed, normalised (spaces and hyphens dropped, upper case): which
 * number it must be depends on the party's kind, so `partyInputSchema` checks it.
 */
const idNumber = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .max(40, 'validation.too_big')
    .transform((value) => normalise(value))
    .optional(),
);
/** Mainland mobile or landline with area code, stored normalised (`optionalPhoneField`). */
const phone = optionalPhoneField;

/** The fields of a party; `partyInputSchema` adds the check of its ID number by kind. */
export const partyFieldsSchema = z.strictObject({
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

/**
 * A person's ID number is a resident ID (GB 11643-1999), an organisation's its
 * 统一社会信用代码 (GB 32100-2015), each with its check character (`party-identifiers.ts`);
 * the error names `idNumber` (`parties.0.idNumber`).
 */
export function withIdentifierByKind<Party extends { kind: PartyKind; idNumber?: string }>(
  party: Party,
  ctx: z.RefinementCtx,
): void {
  if (!party.idNumber) return;
  const checked = checkPartyIdentifier(party.kind, party.idNumber);
  if (!checked.ok) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: checked.problem });
}

export const partyInputSchema = partyFieldsSchema.superRefine(withIdentifierByKind);
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
    /** 风险等级 1–4, 4 highest (rules/risk-grade.ts); later changed by SET_RISK_GRADE. */
    riskGrade: riskGradeSchema.optional(),
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
  /** 风险等级: cases graded exactly this (1–4). */
  riskGrade: riskGradeParam.optional(),
  q: z.string().trim().max(100).optional(),
  from: date.optional(),
  to: date.optional(),
  /** newest registered first (default), oldest first, nearest deadline first, last changed first. */
  sort: z.enum(caseListSorts).default('newest'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;
