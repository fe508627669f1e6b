import type { Tx } from '../shared/db/transactions';
import { type PendingInsert, WriteBatch } from '../shared/db/write-batch';
import type { NotificationKind, UnitAudience } from './notification-kinds';
import { OutboxMessage } from './outbox-message.entity';

export { OutboxMessage };

export interface Notification {
  kind: NotificationKind;
  recipientUserId?: string | null;
  recipientUnitId?: string | null;
  /** Who of the unit hears it; default: the kind's rule (src/notifications/notification-kinds.ts). */
  unitAudience?: UnitAudience;
  subjectType: 'case' | 'petition' | 'checkpoint';
  subjectId: string;
  payload: Record<string, unknown>;
}

/** Queues notifications inside the caller's transaction. */
export async function enqueueNotifications(tx: Tx, notifications: Notification[]): Promise<void> {
  const rows = outboxRows(notifications);
  if (rows) await new WriteBatch(tx).insert(rows).run();
}

/** The outbox rows that queue these notifications, for a write path that batches its inserts (`WriteBatch`). */
export function outboxRows(notifications: Notification[]): PendingInsert<OutboxMessage> | null {
  if (notifications.length === 0) return null;
  return {
    into: OutboxMessage,
    values: notifications.map((notification) => ({
      kind: notification.kind,
      recipientUserId: notification.recipientUserId ?? null,
      recipientUnitId: notification.recipientUnitId ?? null,
      unitAudience: notification.unitAudience ?? null,
      subjectType: notification.subjectType,
      subjectId: notification.subjectId,
      payload: notification.payload,
    })),
  };
}
