import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Columns shared by both event logs: append-only, hash-chained per owner. */
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

  @Column({ type: 'char', length: 64 })
  hash!: string;
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
