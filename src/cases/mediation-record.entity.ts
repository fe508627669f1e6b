import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SessionKind } from '../workflows/case-events/case-events';
import type {
  FailureGuidance,
  LegalSource,
  PaymentOrderMatter,
} from '../workflows/rules/dispute-rules.types';
import type { NotConfirmableReason } from '../workflows/rules/shared-rules';

/** A mediation session, hearing (听证) or visit (走访) logged on a case. */
@Entity({ name: 'mediation_sessions' })
export class MediationSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'event_seq', type: 'integer' })
  eventSeq!: number;

  @Column({ type: 'varchar', length: 12 })
  kind!: SessionKind;

  @Column({ name: 'held_at', type: 'timestamptz' })
  heldAt!: Date;

  @Column({ type: 'text', nullable: true })
  place!: string | null;

  @Column({ type: 'text', nullable: true })
  attendees!: string | null;

  @Column({ type: 'text' })
  minutes!: string;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A mediation agreement (调解协议): written or oral, its terms and performance date. */
@Entity({ name: 'agreements' })
export class Agreement {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'event_seq', type: 'integer' })
  eventSeq!: number;

  @Column({ type: 'varchar', length: 8 })
  form!: 'written' | 'oral';

  @Column({ type: 'text' })
  terms!: string;

  @Column({ name: 'perform_by', type: 'date', nullable: true })
  performBy!: string | null;

  @Column({ name: 'reached_on', type: 'date' })
  reachedOn!: string;

  @Column({ name: 'confirmation_window_ends_on', type: 'date', nullable: true })
  confirmationWindowEndsOn!: string | null;

  /**
   * Whether the court can confirm the agreement, as the mediator recorded it (a written one;
   * null for an oral one, which has nothing to confirm). Decided per agreement (民诉法解释 §355).
   */
  @Column({ type: 'boolean', nullable: true })
  confirmable!: boolean | null;

  /** Why it cannot be confirmed: `outside_civil_jurisdiction`, `personal_status`, `other_procedure`, `ownership`. */
  @Column({ name: 'not_confirmable_reason', type: 'varchar', length: 32, nullable: true })
  notConfirmableReason!: NotConfirmableReason | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: 'active' | 'fulfilled' | 'breached' | 'superseded';

  @Column({ name: 'judicially_confirmed', type: 'boolean', default: false })
  judiciallyConfirmed!: boolean;

  @Column({ name: 'ruling_no', type: 'varchar', length: 64, nullable: true })
  rulingNo!: string | null;

  /** The date of the court's ruling confirming it (民事诉讼法 §206). */
  @Column({ name: 'ruled_on', type: 'date', nullable: true })
  ruledOn!: string | null;

  /**
   * What the parties were told when it was breached, each with its article (劳动争议调解仲裁法
   * §15, §16; 人民调解法 §32), and what the agreement concerned (§16's matters).
   */
  @Column({ name: 'breach_guidance', type: 'jsonb', nullable: true })
  breachGuidance!: {
    concerns: PaymentOrderMatter[];
    guidance: Array<{ guidance: FailureGuidance; source: LegalSource }>;
  } | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
