import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Pause } from '../deadlines/clock';
import type { PersistedState } from '../workflows/machine-runner';
import type { PetitionContext } from '../workflows/petition.machine';
import type { PetitionCategory } from '../workflows/rules/petition-rules.types';

/** One clock of a petition: its last day and the article it comes from. */
export interface PetitionDueDate {
  due: string;
  days: number;
  source: { zh: string; en: string };
  startedOn: string;
  /** Days not counted (the recheck's hearing, §36), as the dispute clocks keep them. */
  pauses?: Pause[];
}

/** The petition's clocks (信访工作条例): decide in 15 days, conclude in 60 (+30), 复查 and 复核 windows. */
export interface PetitionDueDates {
  decision?: PetitionDueDate;
  conclusion?: PetitionDueDate & { extendedBy?: number };
  reviewRequest?: PetitionDueDate;
  reviewDecision?: PetitionDueDate;
  recheckRequest?: PetitionDueDate;
  recheckDecision?: PetitionDueDate;
}

/**
 * A petition (信访件), registered by a petition agent or a supervisor, decided on by a
 * supervisor of the holding unit, followed in the field by its agent.
 */
@Entity({ name: 'petitions' })
export class Petition {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 48 })
  number!: string;

  @Column({ name: 'district_id', type: 'uuid' })
  districtId!: string;

  @Column({ type: 'varchar', length: 200 })
  subject!: string;

  @Column({ type: 'text' })
  content!: string;

  /** §31: proposal (建议意见类), complaint (检举控告类) or claim (申诉求决类). */
  @Column({ type: 'varchar', length: 16, default: 'claim' })
  category!: PetitionCategory;

  /** The day a recheck (复核) decided it: final, the same matter is not accepted again (§36). */
  @Column({ name: 'final_on', type: 'date', nullable: true })
  finalOn!: string | null;

  @Column({ name: 'group_size', type: 'integer', nullable: true })
  groupSize!: number | null;

  @Column({ name: 'received_on', type: 'date' })
  receivedOn!: string;

  @Column({ name: 'holding_unit_id', type: 'uuid' })
  holdingUnitId!: string;

  @Column({ name: 'held_unit_ids', type: 'uuid', array: true })
  heldUnitIds!: string[];

  @Column({ name: 'registered_by', type: 'uuid', nullable: true })
  registeredBy!: string | null;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId!: string | null;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ name: 'rules_version', type: 'integer' })
  rulesVersion!: number;

  @Column({ name: 'machine_version', type: 'integer' })
  machineVersion!: number;

  @Column({ type: 'jsonb' })
  snapshot!: PersistedState<PetitionContext>;

  @Column({ type: 'integer', default: 0 })
  version!: number;

  /** 重复访: the same petitioner has petitioned before. */
  @Column({ name: 'flag_repeat', type: 'boolean', default: false })
  flagRepeat!: boolean;

  /** 集体访: five people or more. */
  @Column({ name: 'flag_group', type: 'boolean', default: false })
  flagGroup!: boolean;

  /** 越级访: brought above the level that should handle it. */
  @Column({ name: 'flag_skip_level', type: 'boolean', default: false })
  flagSkipLevel!: boolean;

  @Column({ name: 'due_dates', type: 'jsonb', default: {} })
  dueDates!: PetitionDueDates;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  @Column({ name: 'next_visit_on', type: 'date', nullable: true })
  nextVisitOn!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A visit (走访/约访) an agent logged with the petitioner. */
@Entity({ name: 'petition_visits' })
export class PetitionVisit {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'petition_id', type: 'uuid' })
  petitionId!: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @Column({ name: 'visited_at', type: 'timestamptz' })
  visitedAt!: Date;

  @Column({ type: 'text' })
  place!: string;

  @Column({ name: 'met_with', type: 'text' })
  metWith!: string;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'text', nullable: true })
  demands!: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  mood!: 'calm' | 'anxious' | 'agitated' | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  risk!: 'low' | 'medium' | 'high' | null;

  @Column({ type: 'text', nullable: true })
  promises!: string | null;

  @Column({ name: 'next_visit_on', type: 'date', nullable: true })
  nextVisitOn!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
