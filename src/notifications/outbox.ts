import { Column, CreateDateColumn, Entity, type EntityManager, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A notification to send, written in the same transaction as the event that
 * causes it; the notifications worker drains the table (at-least-once, one
 * Message-ID per row).
 */
@Entity({ name: 'outbox' })
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  kind!: string;

  @Column({ name: 'recipient_user_id', type: 'uuid', nullable: true })
  recipientUserId!: string | null;

  /** The unit whose mediators and supervisor hear of it (a hand-off). */
  @Column({ name: 'recipient_unit_id', type: 'uuid', nullable: true })
  recipientUnitId!: string | null;

  @Column({ name: 'subject_type', type: 'varchar', length: 16 })
  subjectType!: 'case' | 'petition';

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;
}

export interface Notification {
  kind: 'case.assigned' | 'case.handed_off' | 'escalation.questioned' | 'petition.assigned' | 'case.reopened';
  recipientUserId?: string | null;
  recipientUnitId?: string | null;
  subjectType: 'case' | 'petition';
  subjectId: string;
  payload: Record<string, unknown>;
}

/** Queues notifications inside the caller's transaction. */
export async function enqueueNotifications(tx: EntityManager, notifications: Notification[]): Promise<void> {
  if (notifications.length === 0) return;
  await tx.insert(
    OutboxMessage,
    notifications.map((notification) => ({
      kind: notification.kind,
      recipientUserId: notification.recipientUserId ?? null,
      recipientUnitId: notification.recipientUnitId ?? null,
      subjectType: notification.subjectType,
      subjectId: notification.subjectId,
      payload: notification.payload as object,
    })),
  );
}
