import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Validates `cases_deadline_due_with_deadline` (added `NOT VALID` by the migration before) on the
 * rows written before it: a read of the whole table under a lock that lets reads and writes go on.
 */
export class CheckEveryCasesClockHasItsLastDay1764900110000 implements MigrationInterface {
  name = 'CheckEveryCasesClockHasItsLastDay1764900110000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE cases VALIDATE CONSTRAINT cases_deadline_due_with_deadline');
  }

  async down(): Promise<void> {
    // a validated constraint stays as the migration before added it; its down drops it
  }
}
