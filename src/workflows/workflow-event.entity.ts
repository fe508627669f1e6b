import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Columns shared by both event logs: append-only, hash-chained per owner (keyed hash and public digest). */
abstract class WorkflowEventColumns {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 40 })
  type!: string;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 100, nullable: true })
  actorName!: string | null;

  @Column({ name: 'unit_id', type: 'uuid', nullable: true })
  unitId!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'from_state', type: 'varchar', length: 40, nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'varchar', length: 40 })
  toState!: string;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  /** HMAC-SHA-256 under the chain key (src/workflows/event-chain.ts). */
  @Column({ type: 'char', length: 64 })
  hash!: string;

  /** The public SHA-256 chain a signed checkpoint records (null only where a re-keying found a break). */
  @Column({ type: 'char', length: 64, nullable: true })
  digest!: string | null;
}

/** One entry of a case's timeline (案件事件). */
@Entity({ name: 'case_events' })
export class CaseEventRecord extends WorkflowEventColumns {
  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;
}

/** One entry of a petition's timeline. */
@Entity({ name: 'petition_events' })
export class PetitionEventRecord extends WorkflowEventColumns {
  @Column({ name: 'petition_id', type: 'uuid' })
  petitionId!: string;
}
