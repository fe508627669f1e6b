import { z } from 'zod';
import { disputeTypes } from '../workflows/rules/dispute-rules.types';
import { riskGrades } from '../workflows/rules/risk-grade';

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** A screening period: a calendar month, `YYYY-MM` (monthly rounds, the default and only cadence now). */
export const periodSchema = z
  .string({ error: 'validation.required' })
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'screening.validation.period');

/** One brewing conflict found (排查事项). */
export const screeningItemInputSchema = z
  .strictObject({
    title: z
      .string({ error: 'validation.required' })
      .trim()
      .min(1, 'validation.required')
      .max(200, 'validation.too_big'),
    type: z.enum(disputeTypes, { error: 'validation.invalid_value' }),
    riskGrade: z.coerce
      .number({ error: 'validation.number' })
      .int('validation.whole_number')
      .refine(
        (grade) => (riskGrades as readonly number[]).includes(grade),
        'screening.validation.risk_grade',
      ),
    peopleCount: z.coerce
      .number({ error: 'validation.number' })
      .int('validation.whole_number')
      .min(1, 'validation.too_small')
      .max(100000, 'validation.too_big'),
    gridId: z.preprocess(blankToUndefined, z.uuid({ error: 'validation.invalid_value' }).optional()),
    description: z
      .string({ error: 'validation.required' })
      .trim()
      .min(1, 'validation.required')
      .max(10000, 'validation.too_big'),
    measures: z.preprocess(blankToUndefined, z.string().trim().max(10000, 'validation.too_big').optional()),
  })
  .meta({ id: 'ScreeningItemInput' });
export type ScreeningItemInput = z.infer<typeof screeningItemInputSchema>;

/** `POST /screenings`: a unit's round for a month; an empty list files a zero report (零报告). */
export const fileScreeningSchema = z
  .strictObject({
    unitId: z.uuid({ error: 'validation.invalid_value' }).optional(),
    period: periodSchema,
    items: z.array(screeningItemInputSchema, { error: 'validation.required' }).max(200, 'validation.too_big'),
  })
  .meta({ id: 'FileScreening' });
export type FileScreeningInput = z.infer<typeof fileScreeningSchema>;

export const screeningListQuerySchema = z.object({
  unitId: z.uuid({ error: 'validation.invalid_value' }).optional(),
  period: periodSchema.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type ScreeningListQuery = z.infer<typeof screeningListQuerySchema>;

const itemSchema = z
  .strictObject({
    id: z.uuid(),
    title: z.string(),
    type: z.string(),
    riskGrade: z.number().int(),
    peopleCount: z.number().int(),
    gridId: z.uuid().nullable(),
    description: z.string(),
    measures: z.string().nullable(),
    caseId: z.uuid().nullable(),
    addedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'ScreeningItem' });

export const screeningRoundSchema = z
  .strictObject({
    id: z.uuid(),
    unitId: z.uuid(),
    unitName: z.string(),
    period: z.string(),
    /** No items: a zero report (零报告). */
    zeroReport: z.boolean(),
    filedAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
    items: z.array(itemSchema),
  })
  .meta({ id: 'ScreeningRound' });

export const screeningRoundListSchema = z
  .strictObject({
    items: z.array(screeningRoundSchema),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({ id: 'ScreeningRoundList' });

/** An item made a case: the parties (the item carries title, type, description, grid, group size). */
export const itemToCaseSchema = z
  .strictObject({
    applicantName: z
      .string({ error: 'validation.required' })
      .trim()
      .min(1, 'validation.required')
      .max(200, 'validation.too_big'),
    respondentName: z.preprocess(
      blankToUndefined,
      z.string().trim().max(200, 'validation.too_big').optional(),
    ),
  })
  .meta({ id: 'ScreeningItemToCase' });
export type ItemToCaseInput = z.infer<typeof itemToCaseSchema>;

export const itemCaseSchema = z
  .strictObject({ caseId: z.uuid(), number: z.string() })
  .meta({ id: 'ScreeningItemCase' });
