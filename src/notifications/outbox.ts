import type { Tx } from '../shared/db/transactions';
import { type PendingInsert, WriteBatch } from '../shared/db/write-batch';
import type { Locale } from '../shared/i18n/i18n';
import type { NotificationKind, UnitAudience } from './notification-kinds';
import { OutboxMessage } from './outbox-message.entity';
import type { SmsMessage } from './sms-templates';

export { OutboxMessage };

export interface Notification {
  kind: NotificationKind;
  recipientUserId?: string | null;
  recipientUnitId?: string | null;
  /** Who of the unit hears it; default: the kind's rule (src/notifications/notification-kinds.ts). */
  unitAudience?: UnitAudience;
  subjectType: 'case' | 'petition' | 'checkpoint' | 'screening';
  subjectId: string;
  payload: Record<string, unknown>;
}

/**
 * An SMS to a party or petitioner who consented to hear by SMS (who hears what:
 * src/cases/case-party-notices.ts, src/petitions/petition-party-notices.ts).
 */
export interface PartySms extends SmsMessage {
  subjectType: 'case' | 'petition';
  subjectId: string;
  partyId: string;
  /** The party's phone as stored (encrypted): the row carries it so; the worker decrypts it to send. */
  phoneEncrypted: string;
  /** The party's language: the text is written in it when sent. */
  locale: Locale;
}

/** Queues notifications (and SMS to parties) inside the caller's transaction. */
export async function enqueueNotifications(
  tx: Tx,
  notifications: Notification[],
  sms: PartySms[] = [],
): Promise<void> {
  const rows = outboxRows(notifications, sms);
  if (rows) await new WriteBatch(tx).insert(rows).run();
}

/**
 * The outbox rows that queue these notifications (mails) and SMS to parties, for a write path
 * that batches its inserts (`WriteBatch`).
 */
export function outboxRows(
  notifications: Notification[],
  sms: PartySms[] = [],
): PendingInsert<OutboxMessage> | null {
  if (notifications.length === 0 && sms.length === 0) return null;
  const mailRows = notifications.map(
    (notification): Partial<OutboxMessage> => ({
      kind: notification.kind,
      recipientUserId: notification.recipientUserId ?? null,
      recipientUnitId: notification.recipientUnitId ?? null,
      unitAudience: notification.unitAudience ?? null,
      subjectType: notification.subjectType,
      subjectId: notification.subjectId,
      payload: notification.payload,
      channel: 'mail',
      partyId: null,
      phoneEncrypted: null,
    }),
  );
  const smsRows = sms.map(
    (message): Partial<OutboxMessage> => ({
      kind: `sms.${message.template}`,
      recipientUserId: null,
      recipientUnitId: null,
      unitAudience: null,
      subjectType: message.subjectType,
      subjectId: message.subjectId,
      payload: { template: message.template, params: message.params, locale: message.locale },
      channel: 'sms',
      partyId: message.partyId,
      phoneEncrypted: message.phoneEncrypted,
    }),
  );
  return { into: OutboxMessage, values: [...mailRows, ...smsRows] };
}
