import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SessionKind } from '../workflows/case-events/case-events';

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

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: 'active' | 'fulfilled' | 'breached' | 'superseded';

  @Column({ name: 'judicially_confirmed', type: 'boolean', default: false })
  judiciallyConfirmed!: boolean;

  @Column({ name: 'ruling_no', type: 'varchar', length: 64, nullable: true })
  rulingNo!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
