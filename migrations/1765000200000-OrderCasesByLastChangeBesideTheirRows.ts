import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keeps a case's last-change row as the case is updated (its time, its district). */
const keepSql = `
  CREATE FUNCTION cases_keep_last_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    -- an upsert: a case whose row went missing (a restore without it) gets it back at its next change
    INSERT INTO case_last_changes (case_id, district_id, updated_at) VALUES (NEW.id, NEW.district_id, NEW.updated_at)
      ON CONFLICT (case_id) DO UPDATE SET updated_at = EXCLUDED.updated_at, district_id = EXCLUDED.district_id;
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
 * Issue 22 (the stalls at half the event rate): the list by last change (`sort=updated`) and the
 * dashboard's recent activity walk `case_last_changes (district_id, updated_at DESC)`, a row per
 * case beside `cases`, instead of an index of `cases` itself.
 *
 * Every event sets `updated_at`. While an index of `cases` held it, no event's update of its case
 * could be HOT (heap-only): each wrote a new entry into all fourteen of the table's indexes, moved
 * the row to another page, and left vacuum fourteen indexes to clean. A logged session now changes
 * no column an index of `cases` covers (test/cases/case-list-by-last-change.test.ts holds this), so
 * PostgreSQL keeps the new version on the row's page. Measured on a held 100,000-case database
 * (test/bench/README, item 38): 97–100 % of the events' case updates HOT, less WAL per event, `cases`
 * no longer growing with events, and at half the event rate half as many slow events (four
 * interleaved pairs).
 * Round fifteen built the same and reverted it, finding whole events no faster; what it did not
 * measure was their tail.
 *
 * The row beside costs one narrow upsert (two index entries) per event, by trigger, so that no
 * writer of `cases` — an event, a hand-off, an edit, an import, a DBA's fix — can leave it behind.
 * Its `district_id` is the case's (a case never leaves its district): the lists join on both
 * columns, and the planner carries their scope's `c.district_id = …` over to the index.
 *
 * `fillfactor = 80`: a page of cases (≈ 1.4 kB a row) keeps room for one more version of a row, which
 * a HOT update needs; it applies to pages written from now on (a `VACUUM FULL cases` in a quiet hour
 * applies it to the rest). The table is a quarter larger for it, and at 1,000,000 cases that tipped
 * the plan of a district's capped count (`type=labour&state=closed`, 9.6 → 59.5 ms): its state is
 * tested as `(state || '')` when the states asked for hold most cases (`commonStatesShare`), so that
 * the GIN index does not serve them, and the planner, with no statistics on that expression, took
 * 178,000 matches for 905 and expected to read them all. `cases_state_tested_alone` gives it
 * statistics on the expression, so it knows the count stops early, whatever the table's size.
 */
export class OrderCasesByLastChangeBesideTheirRows1765000200000 implements MigrationInterface {
  name = 'OrderCasesByLastChangeBesideTheirRows1765000200000';

  async up(db: QueryRunner): Promise<void> {
    // no case written by another instance between the backfill and the triggers (released at the commit)
    await db.query('LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE');
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
    await db.query(`CREATE STATISTICS cases_state_tested_alone ON (state || '') FROM cases`);
    await db.query('ANALYZE cases');
    await db.query('ANALYZE case_last_changes');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP STATISTICS cases_state_tested_alone');
    await db.query('ALTER TABLE cases RESET (fillfactor)');
    await db.query('CREATE INDEX cases_district_updated_idx ON cases (district_id, updated_at DESC)');
    await db.query('DROP TRIGGER cases_add_last_changes ON cases');
    await db.query('DROP FUNCTION cases_add_last_changes()');
    await db.query('DROP TRIGGER cases_keep_last_change ON cases');
    await db.query('DROP FUNCTION cases_keep_last_change()');
    await db.query('DROP TABLE case_last_changes');
  }
}
