import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found by the city-scale benchmark (test/bench): the agreement figures of a
 * district-year (agreements due, fulfilled) joined the year's ≈ 90,000 cases to every
 * agreement ever made (≈ 800,000 at 1,000,000 cases): 300–460 ms, the slowest figure.
 *
 * An agreement is reached on or after the day its case was registered (the workflow sets
 * `reached_on` to the day of the REACH_AGREEMENT event), so the agreements of cases
 * registered from a day on were all reached from that day on. The figures query now says
 * so (`a.reached_on >= from`), this index serves that range index-only, and a trigger
 * makes the rule a fact of the database instead of a habit of the code: an agreement
 * dated before its case's registration (Asia/Shanghai) is refused.
 */
export class IndexAgreementFiguresByDayReached1764141200000 implements MigrationInterface {
  name = 'IndexAgreementFiguresByDayReached1764141200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE INDEX agreements_reached_idx ON agreements (reached_on) INCLUDE (case_id, perform_by, status)',
    );
    await db.query(`
      CREATE FUNCTION agreement_reached_after_registration() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.reached_on < (SELECT (c.created_at AT TIME ZONE 'Asia/Shanghai')::date FROM cases c WHERE c.id = NEW.case_id) THEN
          RAISE EXCEPTION 'an agreement cannot be reached (%) before its case was registered', NEW.reached_on
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER agreements_reached_after_registration
      BEFORE INSERT OR UPDATE OF reached_on, case_id ON agreements
      FOR EACH ROW EXECUTE FUNCTION agreement_reached_after_registration()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER agreements_reached_after_registration ON agreements');
    await db.query('DROP FUNCTION agreement_reached_after_registration()');
    await db.query('DROP INDEX agreements_reached_idx');
  }
}
