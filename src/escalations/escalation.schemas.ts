import { z } from 'zod';
import { isoDay } from '../shared/http/calendar-fields';
import { escalationReasonCodes } from './escalation.entity';

export const reviewSchema = z
  .strictObject({
    decision: z.enum(['endorsed', 'questioned'], { error: 'validation.invalid_value' }),
    comment: z.string().trim().max(10000, 'validation.too_big').optional(),
  })
  .refine((review) => review.decision !== 'questioned' || (review.comment ?? '').length > 0, {
    path: ['comment'],
    message: 'validation.comment_required_to_question',
  })
  .meta({ id: 'EscalationReview' });

export const escalationQuerySchema = z.object({
  status: z.enum(['pending', 'endorsed', 'questioned']).optional(),
  unitId: z.uuid().optional(),
  reasonCode: z.enum(escalationReasonCodes).optional(),
  kind: z.enum(['ESCALATE', 'RETURN_DOWN', 'TRANSFER']).optional(),
  from: isoDay().optional(),
  to: isoDay().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
