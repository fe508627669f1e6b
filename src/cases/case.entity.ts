import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MediationLevel } from '../units/unit.entity';
import type { CaseContext, CaseOutcome } from '../workflows/case.machine';
import type { PersistedState } from '../workflows/machine-runner';
import type { DisputeType, Track } from '../workflows/rules/dispute-rules.types';

export const caseSources = [
  'walk_in',
  'hotline_12345',
  'grid_patrol',
  'petition',
  'police_110',
  'court_referral',
  'other',
] as const;
export type CaseSource = (typeof caseSources)[number];

/**
 * Which period a case's clock counts: the stage's mediation period, the administrative
 * body's period to decide acceptance (医疗 §40), or the court's period to decide on
 * confirming an agreement (民事诉讼法 §187, §206) while it holds the case.
 */
export type CaseClockName = 'mediation' | 'acceptance' | 'confirmation';

/** The deadline of the current stage, as API.md shapes it, plus what recomputing it needs. */
export interface CaseDeadline {
  due: string;
  basis: 'calendar' | 'working';
  /** The days the clock counts: the rule's days (for a period in months, the calendar days from `startedOn` to its corresponding date) plus every agreed extension. */
  days: number;
  /** Set when the rule states the period in months (人民调解工作若干规定 §33: one month); absent on clocks stored before. */
  months?: number;
  paused: boolean;
  source: { zh: string; en: string };
  startedOn: string;
  pauses: Array<{ from: string; to?: string }>;
  warningOn: string;
  /**
   * Which period this is: the stage's mediation period (absent in rows written before
   * there were others), the administrative body's period to decide whether it accepts
   * the case (医疗纠纷预防和处理条例 §40), running while the case waits in screening there,
   * or the court's period to decide on confirming the agreement (民事诉讼法 §187).
   */
  clock?: CaseClockName;
  /** Extensions the parties agreed to (医疗纠纷预防和处理条例 §38), in order. */
  extensions?: Array<{ days: number; agreedOn: string }>;
}

/**
 * A dispute case (纠纷案件). Its workflow state lives in `snapshot` (the statechart's
 * value and context); the columns beside it repeat what lists and figures query,
 * written in the same transaction as every event.
 */
@Entity({ name: 'cases' })
export class Case {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 48 })
  number!: string;

  @Column({ name: 'district_id', type: 'uuid' })
  districtId!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: DisputeType;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 20 })
  source!: CaseSource;

  @Column({ name: 'registered_unit_id', type: 'uuid' })
  registeredUnitId!: string;

  @Column({ name: 'registered_by', type: 'uuid', nullable: true })
  registeredBy!: string | null;

  @Column({ name: 'holding_unit_id', type: 'uuid' })
  holdingUnitId!: string;

  /** Every unit that has held the case: they may still see it. */
  @Column({ name: 'held_unit_ids', type: 'uuid', array: true })
  heldUnitIds!: string[];

  @Column({ name: 'grid_id', type: 'uuid', nullable: true })
  gridId!: string | null;

  @Column({ name: 'occurred_on', type: 'date', nullable: true })
  occurredOn!: string | null;

  /** The day the mediation organisation received the application (劳动争议调解仲裁法 §14 counts from it). */
  @Column({ name: 'received_on', type: 'date' })
  receivedOn!: string;

  /** Labour: the day the worker knew or should have known of the infringement (the §27 limitation runs from it). */
  @Column({ name: 'knew_on', type: 'date', nullable: true })
  knewOn!: string | null;

  @Column({ name: 'amount_in_dispute', type: 'numeric', precision: 16, scale: 2, nullable: true })
  amountInDispute!: string | null;

  @Column({ name: 'group_size', type: 'integer', nullable: true })
  groupSize!: number | null;

  @Column({ name: 'master_case_id', type: 'uuid', nullable: true })
  masterCaseId!: string | null;

  /** The case the user confirmed this dispute is the same matter as (one forum per dispute: a link across types). */
  @Column({ name: 'same_matter_case_id', type: 'uuid', nullable: true })
  sameMatterCaseId!: string | null;

  /** 风险等级 1–4 (4 highest; `risk-grade.ts`), null while not graded; set at intake or by SET_RISK_GRADE. */
  @Column({ name: 'risk_grade', type: 'smallint', nullable: true })
  riskGrade!: number | null;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'varchar', length: 24, nullable: true })
  outcome!: CaseOutcome | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  track!: Track | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  level!: MediationLevel | null;

  @Column({ name: 'registered_level', type: 'varchar', length: 16, nullable: true })
  registeredLevel!: MediationLevel | null;

  /** The level at which a resolved case was resolved (就地化解率). */
  @Column({ name: 'resolved_level', type: 'varchar', length: 16, nullable: true })
  resolvedLevel!: MediationLevel | null;

  @Column({ name: 'mediator_id', type: 'uuid', nullable: true })
  mediatorId!: string | null;

  @Column({ name: 'rules_version', type: 'integer' })
  rulesVersion!: number;

  @Column({ name: 'machine_version', type: 'integer' })
  machineVersion!: number;

  @Column({ type: 'jsonb' })
  snapshot!: PersistedState<CaseContext>;

  @Column({ type: 'integer', default: 0 })
  version!: number;

  @Column({ type: 'jsonb', nullable: true })
  deadline!: CaseDeadline | null;

  @Column({ name: 'deadline_due', type: 'date', nullable: true })
  deadlineDue!: string | null;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  @Column({ type: 'boolean', default: false })
  imported!: boolean;

  @Column({ name: 'screened_at', type: 'timestamptz', nullable: true })
  screenedAt!: Date | null;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** Closed within the deadline of its last stage (null while open, or closed with no deadline running). */
  @Column({ name: 'closed_on_time', type: 'boolean', nullable: true })
  closedOnTime!: boolean | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
