import { z } from 'zod';
import { roles } from '../access/roles';

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const userFields = {
  displayName: z.string().trim().min(1, 'validation.required').max(100, 'validation.too_big'),
  email: z.preprocess(blankToUndefined, z.email({ error: 'validation.email' }).max(254).optional()),
  role: z.enum(roles, { error: 'validation.invalid_value' }),
  unitId: z.uuid({ error: 'validation.required' }),
  locale: z.enum(['zh-CN', 'en'], { error: 'validation.invalid_value' }).default('zh-CN'),
};

export const newUserSchema = z.object({
  username: z
    .string()
    .trim()
    .min(2, 'validation.too_small')
    .max(64, 'validation.too_big')
    .regex(/^[A-Za-z0-9._-]+$/, 'validation.username_format'),
  ...userFields,
  password: z.string().min(1, 'validation.required').max(128, 'validation.too_big'),
});

export const userChangesSchema = z.object(userFields);

export const resetPasswordSchema = z.object({
  password: z.string().min(1, 'validation.required').max(128, 'validation.too_big'),
});

export const userListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).default(1).catch(1),
});
