import { z } from 'zod';

const caseNumber = z
  .string({ error: 'validation.required' })
  .trim()
  .min(1, { error: 'validation.required' })
  .max(48, { error: 'validation.too_big' });

/**
 * `POST /cases/:id/group`: this case joins the master case numbered `masterNumber`, or the case
 * numbered `memberNumber` joins this one as its master (群体性纠纷: by case number, never an id).
 */
export const groupLinkSchema = z
  .strictObject({ masterNumber: caseNumber.optional(), memberNumber: caseNumber.optional() })
  .refine((link) => (link.masterNumber === undefined) !== (link.memberNumber === undefined), {
    path: ['masterNumber'],
    message: 'validation.required',
  })
  .meta({ id: 'CaseGroupLink' });

/** The page's link form: which end the number names, and the number. */
export const groupLinkFormSchema = z.strictObject({
  _csrf: z.string().optional(),
  masterNumber: z.string().optional(),
  memberNumber: z.string().optional(),
});

const groupCaseSchema = z.strictObject({
  id: z.uuid(),
  number: z.string(),
  title: z.string(),
  state: z.string(),
  outcome: z.string().nullable(),
  people: z.number().int(),
  agreementReached: z.boolean(),
  agreementFulfilled: z.boolean(),
  master: z.boolean(),
});

/** A case's group as the API answers it: its role, the cases the caller may see, the group's sums. */
export const caseGroupSchema = z
  .strictObject({
    role: z.enum(['master', 'member', 'none']),
    master: z.strictObject({ id: z.uuid(), number: z.string(), title: z.string() }).nullable(),
    cases: z.array(groupCaseSchema),
    hiddenCases: z.number().int(),
    totals: z.strictObject({
      cases: z.number().int(),
      people: z.number().int(),
      states: z.record(z.string(), z.number().int()),
      agreementsReached: z.number().int(),
      agreementsFulfilled: z.number().int(),
    }),
  })
  .meta({ id: 'CaseGroup' });
