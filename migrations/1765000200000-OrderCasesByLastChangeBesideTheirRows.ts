import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keeps a case's last-change row as the case is updated (its time, its district). */
const keepSql = `
  CREATE FUNCTION cases_keep_last_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE case_last_changes SET updated_at = NEW.updated_at, district_id = NEW.district_id
      WHERE case_id = NEW.id;
    RETURN NULL;
  END
  $$`;

/** Adds the last-change rows of the cases a statement inserted (an import's thousands at once). */
const addSql = `
  CREATE FUNCTION cases_add_last_changes() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO case_last_changes (case_id, district_id, updated_at)
      SELECT a.id, a.district_id, a.updated_at FROM added a;
    RETURN NULL;
  END
  $$`;

/**
 * Issue 22 (an event's cost, and the stalls at half the event rate): the list by last change
 * (`sort=updated`) and the dashboard's recent activity walk `case_last_changes (district_id,
 * updated_at DESC)`, a row per case beside `cases`, instead of an index on `cases` itself.
 *
 * Every event sets `updated_at`. While an index of `cases` held it, no event's update of its case
 * could be HOT (heap-only): each wrote a new entry in all fourteen of the table's indexes, whatever
 * else it changed. A logged session now changes no column an index of `cases` covers (a test holds
 * this: test/cases/case-last-changes.test.ts), so PostgreSQL keeps its update on the page, and:
 *
 * - an event writes its case's one new row version instead of fifteen entries (≈ 25 % less WAL
 *   per event, measured on a held 100,000-case database);
 * - vacuuming `cases` no longer scans fourteen indexes for the versions events left;
 * - `cases` no longer grows with every event moved to a new page (22 MB in a minute of events);
 * - at half the event rate, fewer events were slow: 163 against 276 over 15 ms, in four pairs.
 *
 * The row kept beside costs one narrow update (two index entries) per event, by trigger, so that
 * no writer of `cases` — an event, a hand-off, an edit, an import — can leave it behind. Its
 * `district_id` is the case's (a case never leaves its district), so the lists join on both
 * columns and the planner walks the index for the district their scope names.
 *
 * `fillfactor = 80`: a page of cases (≈ 1.4 kB a row) keeps room for one more version of a row on
 * it, which a HOT update needs; it applies to pages written from now on.
 */
export class OrderCasesByLastChangeBesideTheirRows1765000200000 implements MigrationInterface {
  name = 'OrderCasesByLastChangeBesideTheirRows1765000200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE case_last_changes (
        case_id uuid PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
        district_id uuid NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await db.query(`
      INSERT INTO case_last_changes (case_id, district_id, updated_at)
      SELECT id, district_id, updated_at FROM cases`);
    await db.query(
      'CREATE INDEX case_last_changes_district_updated_idx ON case_last_changes (district_id, updated_at DESC)',
    );
    await db.query(keepSql);
    await db.query(`
      CREATE TRIGGER cases_keep_last_change AFTER UPDATE OF updated_at, district_id ON cases
      FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.district_id IS DISTINCT FROM NEW.district_id)
      EXECUTE FUNCTION cases_keep_last_change()`);
    await db.query(addSql);
    await db.query(`
      CREATE TRIGGER cases_add_last_changes AFTER INSERT ON cases
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION cases_add_last_changes()`);
    await db.query('DROP INDEX cases_district_updated_idx');
    await db.query('ALTER TABLE cases SET (fillfactor = 80)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE cases RESET (fillfactor)');
    await db.query('CREATE INDEX cases_district_updated_idx ON cases (district_id, updated_at DESC)');
    await db.query('DROP TRIGGER cases_add_last_changes ON cases');
    await db.query('DROP FUNCTION cases_add_last_changes()');
    await db.query('DROP TRIGGER cases_keep_last_change ON cases');
    await db.query('DROP FUNCTION cases_keep_last_change()');
    await db.query('DROP TABLE case_last_changes');
  }
}
