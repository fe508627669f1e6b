import { z } from 'zod';
import { partyFieldsSchema, registerCaseSchema, withIdentifierByKind } from '../cases/case.schemas';
import { petitionCategories } from '../workflows/rules/petition-rules.types';

const text = z.string().trim().min(1, 'validation.required').max(10000, 'validation.too_big');
const optionalText = z.string().trim().max(10000, 'validation.too_big').optional();
const date = z.iso.date({ error: 'validation.date' });
const version = { expectedVersion: z.number({ error: 'validation.required' }).int().min(0) };

/** A petitioner (信访人): a party without a role in a dispute. */
export const petitionerSchema = partyFieldsSchema.omit({ role: true }).superRefine(withIdentifierByKind);

export const registerPetitionSchema = z
  .strictObject({
    subject: z.string().trim().min(1, 'validation.required').max(200, 'validation.too_big'),
    content: text,
    petitioners: z
      .array(petitionerSchema)
      .min(1, 'validation.petitioners_required')
      .max(500, 'validation.too_big'),
    groupSize: z
      .number({ error: 'validation.number' })
      .int()
      .min(1, 'validation.too_small')
      .max(100000)
      .optional(),
    unitId: z.uuid({ error: 'validation.invalid_value' }).optional(),
    /** Where the matter belongs (the petitioner's community or street): tells a skip-level petition. */
    localUnitId: z.uuid({ error: 'validation.invalid_value' }).optional(),
    receivedOn: date.optional(),
    /** §31: which kind of petition; only claims (the default) are concluded within 60 days (§34). */
    category: z.preprocess(
      // `suggestion` was this value's name before the contract's `proposal` (API.md, Additions)
      (value) => (value === 'suggestion' ? 'proposal' : value),
      z.enum(petitionCategories, { error: 'validation.invalid_value' }).optional(),
    ),
    /** A petition the user confirms is the same matter (its final recheck refuses this one, §36). */
    sameMatterAs: z.uuid({ error: 'validation.invalid_value' }).optional(),
  })
  .meta({ id: 'RegisterPetition' });
export type RegisterPetitionInput = z.infer<typeof registerPetitionSchema>;

/** A new dispute case opened from a petition (诉访分离): the case's own fields, parties included. */
const openCaseSchema = registerCaseSchema.omit({ source: true, unitId: true, masterCaseId: true });

export const petitionEventSchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('ACCEPT'), ...version, note: optionalText }),
      z.strictObject({ type: z.literal('DECLINE'), ...version, reason: text }),
      z.strictObject({
        type: z.literal('FORWARD'),
        ...version,
        toUnitId: z.uuid({ error: 'validation.invalid_value' }),
        reason: optionalText,
      }),
      z.strictObject({
        type: z.literal('EXTEND'),
        ...version,
        days: z
          .number({ error: 'validation.number' })
          .int()
          .min(1, 'validation.too_small')
          .max(30, 'validation.extension_too_long'),
        reason: text,
      }),
      z.strictObject({ type: z.literal('REPLY'), ...version, opinion: text, deliveredOn: date.optional() }),
      z.strictObject({ type: z.literal('RECORD_DELIVERY'), ...version, deliveredOn: date }),
      z.strictObject({
        type: z.literal('REQUEST_REVIEW'),
        ...version,
        requestedOn: date,
        reason: optionalText,
      }),
      z.strictObject({
        type: z.literal('REVIEW_DECIDED'),
        ...version,
        opinion: text,
        deliveredOn: date.optional(),
      }),
      z.strictObject({
        type: z.literal('REQUEST_RECHECK'),
        ...version,
        requestedOn: date,
        reason: optionalText,
      }),
      z.strictObject({
        type: z.literal('SUSPEND'),
        ...version,
        reason: z.literal('hearing', { error: 'validation.invalid_value' }),
        note: optionalText,
      }),
      z.strictObject({ type: z.literal('RESUME'), ...version, note: optionalText }),
      z.strictObject({ type: z.literal('RECHECK_DECIDED'), ...version, opinion: text }),
      z.strictObject({ type: z.literal('CLOSE'), ...version, note: optionalText }),
      z
        .strictObject({
          type: z.literal('LINK_CASE'),
          ...version,
          caseId: z.uuid({ error: 'validation.invalid_value' }).optional(),
          /** An existing case by its number (issue 21): the same matter, a case the actor may see or will as its agent. */
          caseNumber: z.string().trim().min(1, { error: 'validation.required' }).max(48).optional(),
          openCase: openCaseSchema.optional(),
        })
        .refine((event) => [event.caseId, event.caseNumber, event.openCase].filter(Boolean).length === 1, {
          path: ['caseNumber'],
          message: 'validation.case_or_new_case',
        }),
      z.strictObject({
        type: z.literal('ASSIGN_AGENT'),
        ...version,
        agentId: z.uuid({ error: 'validation.invalid_value' }).optional(),
        agentUsername: z.string().trim().min(1).max(64).optional(),
      }),
    ],
    { error: 'validation.event_type' },
  )
  .meta({ id: 'PetitionEvent' });
export type PetitionEventInput = z.infer<typeof petitionEventSchema>;

export const visitSchema = z
  .strictObject({
    visitedAt: z.iso.datetime({ offset: true, error: 'validation.datetime' }),
    place: z.string().trim().min(1, 'validation.required').max(500, 'validation.too_big'),
    metWith: z.string().trim().min(1, 'validation.required').max(500, 'validation.too_big'),
    summary: text,
    demands: optionalText,
    mood: z.enum(['calm', 'anxious', 'agitated'], { error: 'validation.invalid_value' }).optional(),
    risk: z.enum(['low', 'medium', 'high'], { error: 'validation.invalid_value' }).optional(),
    promises: optionalText,
    nextVisitOn: date.optional(),
    /** The planned visit it was (src/schedule); without it, the one planned that day. */
    appointmentId: z.uuid({ error: 'validation.invalid_value' }).optional(),
  })
  .meta({ id: 'PetitionVisit' });
export type VisitInput = z.infer<typeof visitSchema>;

/** What a petition may be flagged as: 重复信访, 集体访, 越级访 (the list filters by one). */
export const petitionFlags = ['repeat', 'group', 'skipLevel'] as const;
export type PetitionFlag = (typeof petitionFlags)[number];

export const petitionListQuerySchema = z.object({
  state: z.string().max(40).optional(),
  unitId: z.uuid().optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  flag: z.enum(petitionFlags).optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type PetitionListQuery = z.infer<typeof petitionListQuerySchema> & {
  /** Only petitions not closed (the agent's home: its open petitions, however many are closed). */
  open?: boolean;
};
