import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EscalationReasonCode } from '../workflows/case-events/case-events';

// declared with the ESCALATE event (src/workflows/case-events/hand-off.events.ts)
export { type EscalationReasonCode, escalationReasonCodes } from '../workflows/case-events/case-events';
// what a hand-off is called (上报, 交办, 委派调解, 委托调解, 移送): declared with the hand-off events
export { handOffKindKey } from '../workflows/case-events/hand-off.events';
export type EscalationStatus = 'pending' | 'endorsed' | 'questioned';

/**
 * A hand-off (ESCALATE 上报, RETURN_DOWN 交办, TRANSFER 移交) awaiting a supervisor's
 * review over the receiving unit: was it justified, or was the problem pushed upward?
 */
@Entity({ name: 'escalations' })
export class Escalation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'event_seq', type: 'integer' })
  eventSeq!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'ESCALATE' | 'RETURN_DOWN' | 'TRANSFER';

  @Column({ name: 'from_unit_id', type: 'uuid' })
  fromUnitId!: string;

  @Column({ name: 'to_unit_id', type: 'uuid' })
  toUnitId!: string;

  @Column({ name: 'from_level', type: 'varchar', length: 16, nullable: true })
  fromLevel!: string | null;

  @Column({ name: 'to_level', type: 'varchar', length: 16, nullable: true })
  toLevel!: string | null;

  @Column({ name: 'from_track', type: 'varchar', length: 16, nullable: true })
  fromTrack!: string | null;

  @Column({ name: 'to_track', type: 'varchar', length: 16, nullable: true })
  toTrack!: string | null;

  @Column({ name: 'reason_code', type: 'varchar', length: 24, nullable: true })
  reasonCode!: EscalationReasonCode | null;

  @Column({ type: 'text' })
  reason!: string;

  /** What the lower level did before handing off. */
  @Column({ name: 'sessions_held', type: 'integer' })
  sessionsHeld!: number;

  @Column({ name: 'days_held', type: 'integer' })
  daysHeld!: number;

  @Column({ name: 'by_user_id', type: 'uuid', nullable: true })
  byUserId!: string | null;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status!: EscalationStatus;

  @Column({ name: 'reviewer_id', type: 'uuid', nullable: true })
  reviewerId!: string | null;

  @Column({ name: 'review_comment', type: 'text', nullable: true })
  reviewComment!: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
