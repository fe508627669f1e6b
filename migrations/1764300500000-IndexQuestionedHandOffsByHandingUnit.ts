import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21: every dashboard now lists the questioned hand-offs made from the user's place
 * (`EscalationRepository.questionedFrom`), latest review first. Questioned hand-offs are a
 * small part of all of them, so a partial index on the handing unit keeps that list from
 * reading every escalation on each dashboard load.
 */
export class IndexQuestionedHandOffsByHandingUnit1764300500000 implements MigrationInterface {
  name = 'IndexQuestionedHandOffsByHandingUnit1764300500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX escalations_questioned_from_idx ON escalations (from_unit_id, reviewed_at DESC) WHERE status = 'questioned'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX escalations_questioned_from_idx');
  }
}
