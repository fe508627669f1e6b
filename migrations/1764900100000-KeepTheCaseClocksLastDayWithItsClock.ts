import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case's `deadline_due` (its clock's last day, indexed for the lists) is set exactly when its
 * `deadline` is: every writer computes both from the clock (`clockColumns`, src/cases/case-columns.ts;
 * a calendar change's `setCaseDeadline`). The deadline sweep relies on it to find the cases with a
 * clock from the partial index on `deadline_due` instead of reading the whole table (issue 22,
 * fourteenth round: test/bench/README item 34); the database now holds every writer to it.
 *
 * Any row that disagrees is first set from its clock (the clock is the record; its last day is
 * derived). The constraint is added `NOT VALID` here, which holds the table only for the moment
 * of the change, and validated by the next migration, in a transaction of its own, which reads
 * the whole table without keeping its readers or writers waiting.
 */
export class KeepTheCaseClocksLastDayWithItsClock1764900100000 implements MigrationInterface {
  name = 'KeepTheCaseClocksLastDayWithItsClock1764900100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE cases SET deadline_due = CASE WHEN deadline IS NULL THEN NULL ELSE (deadline->>'due')::date END
       WHERE (deadline IS NULL) <> (deadline_due IS NULL)`,
    );
    await db.query(
      'ALTER TABLE cases ADD CONSTRAINT cases_deadline_due_with_deadline CHECK ((deadline IS NULL) = (deadline_due IS NULL)) NOT VALID',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE cases DROP CONSTRAINT cases_deadline_due_with_deadline');
  }
}
