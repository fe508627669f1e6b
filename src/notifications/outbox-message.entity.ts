import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NotificationKind, UnitAudience } from './notification-kinds';
import type { SmsKind } from './sms-templates';

/**
 * A notification to send, written in the same transaction as the event that
 * causes it; the notifications worker drains the table (at-least-once, one
 * Message-ID per row). A row addressed to a unit is expanded, when it is sent, into
 * one row per person (`parentId`); each person's row is then mailed, put in their
 * daily digest, or dropped as they chose (`delivery`). A digest is itself a row
 * (kind `digest`). See src/notifications/CONTEXT.md.
 */
@Entity({ name: 'outbox' })
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  kind!: NotificationKind | 'digest' | SmsKind;

  /** A mail to a user (or a unit's users), or an SMS to a party (`partyId`, `phoneEncrypted`). */
  @Column({ type: 'varchar', length: 8, default: 'mail' })
  channel!: 'mail' | 'sms';

  /** The party an SMS is for. */
  @Column({ name: 'party_id', type: 'uuid', nullable: true })
  partyId!: string | null;

  /** An SMS's number, encrypted as the party's own (src/shared/crypto/personal-data.ts); never logged. */
  @Column({ name: 'phone_encrypted', type: 'text', nullable: true })
  phoneEncrypted!: string | null;

  @Column({ name: 'recipient_user_id', type: 'uuid', nullable: true })
  recipientUserId!: string | null;

  /** The unit whose mediators and supervisor hear of it (a hand-off). */
  @Column({ name: 'recipient_unit_id', type: 'uuid', nullable: true })
  recipientUnitId!: string | null;

  @Column({ name: 'subject_type', type: 'varchar', length: 16 })
  /** `user` for a digest (its subject is the person it is for); `checkpoint` for a signed audit checkpoint. */
  subjectType!: 'case' | 'petition' | 'user' | 'checkpoint' | 'screening';

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

  /** Who of `recipientUnitId` hears it (else the kind's rule). */
  @Column({ name: 'unit_audience', type: 'varchar', length: 12, nullable: true })
  unitAudience!: UnitAudience | null;

  /** The unit- or multi-addressed row this person's row was expanded from. */
  @Column({ name: 'parent_id', type: 'bigint', nullable: true })
  parentId!: string | null;

  /**
   * What became of it: expanded (`fanout`), mailed, put in a digest, nothing (`none`: off, no
   * address), an SMS sent (`sms`), or an SMS not sent because its party no longer consents
   * (`no_consent`, 个人信息保护法 §15).
   */
  @Column({ type: 'varchar', length: 12, nullable: true })
  delivery!: 'fanout' | 'mail' | 'digest' | 'none' | 'sms' | 'no_consent' | null;

  /** The digest that listed it (for `delivery = 'digest'`; `sentAt` is then when it went into it). */
  @Column({ name: 'digest_id', type: 'bigint', nullable: true })
  digestId!: string | null;

  @Column({ name: 'message_id', type: 'varchar', length: 200, nullable: true })
  messageId!: string | null;

  @Column({ name: 'sent_to', type: 'varchar', length: 254, nullable: true })
  sentTo!: string | null;

  /** Not before this (backoff after a failed send). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /**
   * The worker sending it (`OutboxDispatcher.workerId`), leased until `claimedUntil` (the database's
   * clock); null when no worker has it in hand. A lease run out is taken over by another worker.
   */
  @Column({ name: 'claimed_by', type: 'varchar', length: 100, nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;
}

/** Every column of a row, named as the entity names it (a claim's RETURNING, mapped without the ORM). */
export const outboxColumns = `id, kind, channel, party_id AS "partyId", phone_encrypted AS "phoneEncrypted",
  recipient_user_id AS "recipientUserId", recipient_unit_id AS "recipientUnitId",
  subject_type AS "subjectType", subject_id AS "subjectId", payload, created_at AS "createdAt",
  sent_at AS "sentAt", attempts, last_error AS "lastError", failed_at AS "failedAt",
  unit_audience AS "unitAudience", parent_id AS "parentId", delivery, digest_id AS "digestId",
  message_id AS "messageId", sent_to AS "sentTo", next_attempt_at AS "nextAttemptAt",
  claimed_by AS "claimedBy", claimed_until AS "claimedUntil"`;
