import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found by the city-scale benchmark (test/bench): the hand-off figures of a district-year
 * (escalated cases, hand-offs reviewed and questioned per unit) probed every hand-off ever
 * made (≈ 140,000 at 1,000,000 cases) against the year's ≈ 90,000 cases — 0.15–0.27 s each,
 * the slowest part of the statistics.
 *
 * A hand-off is made by an event on its case, so never before the case was registered:
 * the hand-offs of the cases registered from a day on were all made from that day on. The
 * figures now say so (`e.created_at >= from`), this index serves that range index-only,
 * and a trigger makes the rule a fact of the database (as for agreements, migration
 * IndexAgreementFiguresByDayReached): a hand-off dated before its case's registration is
 * refused.
 */
export class IndexHandOffFiguresByDay1764141700000 implements MigrationInterface {
  name = 'IndexHandOffFiguresByDay1764141700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE INDEX escalations_created_idx ON escalations (created_at) INCLUDE (case_id, kind, from_unit_id, status)',
    );
    await db.query(`
      CREATE FUNCTION escalation_after_registration() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.created_at < (SELECT c.created_at FROM cases c WHERE c.id = NEW.case_id) THEN
          RAISE EXCEPTION 'a hand-off cannot be made (%) before its case was registered', NEW.created_at
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER escalations_after_registration
      BEFORE INSERT OR UPDATE OF created_at, case_id ON escalations
      FOR EACH ROW EXECUTE FUNCTION escalation_after_registration()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER escalations_after_registration ON escalations');
    await db.query('DROP FUNCTION escalation_after_registration()');
    await db.query('DROP INDEX escalations_created_idx');
  }
}
