import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every case's row of `case_last_changes`, as the table's triggers keep it (the backfill here; the benchmark's load). */
export const fillCaseLastChangesSql = `
  INSERT INTO case_last_changes (case_id, district_id, changed_at)
  SELECT c.id, c.district_id, c.updated_at FROM cases c`;

/**
 * The order of last change (a supervisor's list `sort=updated`, the dashboard's recent activity)
 * is kept beside the cases instead of on them (issue 22, fifteenth round: test/bench/README item 35).
 *
 * Every event changes `cases.updated_at`. While `cases_district_updated_idx` (district, updated_at)
 * indexed it, no event's UPDATE could be a heap-only tuple (HOT) update: each one added an entry to
 * all 14 of the table's indexes and wrote ≈ 4.9 kB of WAL. Now the order lives in a narrow table of
 * its own, (case, district, last change), indexed the same way and kept by two triggers on `cases`
 * (a row's change of `updated_at`; new cases once per statement, as an import inserts 500 at once).
 * An event that leaves the indexed columns of `cases` as they were (a session logged, a follow-up)
 * rewrites the case's row on its own page and touches one index: the side table's.
 *
 * Room for those updates on the case's own page: `fillfactor` 80 leaves a fifth of each page a new
 * or moved row lands on free (a row is 1.3–1.7 kB). Pages written before keep their rows until an
 * event moves them.
 */
export class KeepEachCasesLastChangeBesideIt1765000100000 implements MigrationInterface {
  name = 'KeepEachCasesLastChangeBesideIt1765000100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE case_last_changes (
        case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
        district_id uuid NOT NULL,
        changed_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION cases_keep_last_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE case_last_changes SET changed_at = NEW.updated_at, district_id = NEW.district_id
        WHERE case_id = NEW.id;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION cases_keep_last_change_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO case_last_changes (case_id, district_id, changed_at)
        SELECT id, district_id, updated_at FROM added;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER cases_update_last_change AFTER UPDATE OF updated_at, district_id ON cases
      FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.district_id IS DISTINCT FROM NEW.district_id)
      EXECUTE FUNCTION cases_keep_last_change()`);
    await db.query(`
      CREATE TRIGGER cases_insert_last_change AFTER INSERT ON cases
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION cases_keep_last_change_added()`);
    await db.query(fillCaseLastChangesSql);
    await db.query(
      'CREATE INDEX case_last_changes_district_idx ON case_last_changes (district_id, changed_at DESC)',
    );
    await db.query('DROP INDEX cases_district_updated_idx');
    await db.query('ALTER TABLE cases SET (fillfactor = 80)');
    await db.query('ANALYZE case_last_changes');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE cases RESET (fillfactor)');
    await db.query('CREATE INDEX cases_district_updated_idx ON cases (district_id, updated_at DESC)');
    await db.query('DROP TRIGGER cases_insert_last_change ON cases');
    await db.query('DROP TRIGGER cases_update_last_change ON cases');
    await db.query('DROP FUNCTION cases_keep_last_change_added()');
    await db.query('DROP FUNCTION cases_keep_last_change()');
    await db.query('DROP TABLE case_last_changes');
  }
}
