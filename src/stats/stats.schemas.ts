import { z } from 'zod';
import { isoDay } from '../shared/http/calendar-fields';
import { mediationLevels } from '../units/unit.entity';
import { disputeTypes, tracks } from '../workflows/rules/dispute-rules.types';

const date = isoDay();

export const statsQuerySchema = z
  .object({
    unitId: z.uuid({ error: 'validation.invalid_value' }).optional(),
    from: date.optional(),
    to: date.optional(),
    type: z.enum(disputeTypes, { error: 'validation.invalid_value' }).optional(),
    level: z.enum(mediationLevels, { error: 'validation.invalid_value' }).optional(),
    track: z.enum(tracks, { error: 'validation.invalid_value' }).optional(),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    path: ['to'],
    message: 'validation.to_before_from',
  });
export type StatsQuery = z.infer<typeof statsQuerySchema>;
