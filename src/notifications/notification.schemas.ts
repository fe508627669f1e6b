import { z } from 'zod';
import { deliveries, type NotificationKind, notificationKinds } from './notification-kinds';

const delivery = z.enum(deliveries, { error: 'validation.invalid_value' }).optional();

/** The notification settings form: one select per kind, named after the kind. */
export const preferencesFormSchema = z.object(
  Object.fromEntries(notificationKinds.map((kind) => [kind, delivery])) as Record<
    NotificationKind,
    typeof delivery
  >,
);

/** The retry button on /admin/outbox. */
export const outboxRetrySchema = z.object({
  id: z.string().regex(/^\d{1,18}$/, 'validation.required'),
});
