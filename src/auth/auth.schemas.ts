import { z } from 'zod';

const returnTo = z
  .string()
  .regex(/^\/(?!\/)[^\s\\]*$/)
  .optional()
  .catch(undefined);

export const signInSchema = z.object({
  username: z.string().trim().min(1, 'validation.required').max(64),
  password: z.string().min(1, 'validation.required').max(256),
  returnTo,
});

export const apiSignInSchema = z
  .object({
    username: z.string().trim().min(1, 'validation.required').max(64),
    password: z.string().min(1, 'validation.required').max(256),
  })
  .meta({ id: 'SignIn' });

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'validation.required').max(256),
  newPassword: z.string().min(1, 'validation.required').max(256),
  confirmPassword: z.string().max(256),
});

export const userViewSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(['admin', 'supervisor', 'mediator', 'petition_agent']),
    unitId: z.uuid(),
    locale: z.enum(['zh-CN', 'en']),
    mustChangePassword: z.boolean(),
  })
  .meta({ id: 'User' });

export const tokenResponseSchema = z
  .object({ token: z.string(), expiresAt: z.iso.datetime({ offset: true }), user: userViewSchema })
  .meta({ id: 'Token' });
