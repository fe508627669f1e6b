import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statistics' escalations by reason code are counted by the hand-off figures' statement
 * (`StatsRepository.handOffFigures`), which reads the period's hand-offs from
 * `escalations_created_idx` (migration IndexHandOffFiguresByDay). That index now includes the
 * reason code too, so the statement still reads the hand-offs from the index alone (issue 22,
 * eleventh round: test/bench/README item 31).
 */
export class IncludeReasonCodesInTheHandOffIndex1764800100000 implements MigrationInterface {
  name = 'IncludeReasonCodesInTheHandOffIndex1764800100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX escalations_created_idx');
    await db.query(
      'CREATE INDEX escalations_created_idx ON escalations (created_at) INCLUDE (case_id, kind, from_unit_id, status, reason_code)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX escalations_created_idx');
    await db.query(
      'CREATE INDEX escalations_created_idx ON escalations (created_at) INCLUDE (case_id, kind, from_unit_id, status)',
    );
  }
}
