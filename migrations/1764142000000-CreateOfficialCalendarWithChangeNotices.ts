import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The official calendar as data (issue 16): one row per year whose arrangement is known —
 * from the State Council's notice (`notice`) or, before it is out, set down by an
 * administrator as the statutory days (`statutory`) — with its note and who entered it
 * when (nobody: filled from chinese-days), and one row per day off or adjusted working
 * weekend. A year with no row counts by the statutory holidays alone, computed by the app.
 *
 * The checks hold what the app validates too: a day belongs to its year, is either off or
 * worked (the primary key), and a worked day is a Saturday or a Sunday.
 *
 * Each app process keeps the calendar in memory (src/deadlines/official-calendar.cache.ts):
 * after any statement that changes either table, NOTIFY `calendar_changed` (delivered at
 * commit) has every process read it again.
 */
export class CreateOfficialCalendarWithChangeNotices1764142000000 implements MigrationInterface {
  name = 'CreateOfficialCalendarWithChangeNotices1764142000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE official_calendar_years (
        year smallint PRIMARY KEY CHECK (year BETWEEN 1949 AND 2200),
        source varchar(16) NOT NULL CHECK (source IN ('notice', 'statutory')),
        note text,
        entered_by uuid REFERENCES users(id),
        entered_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE official_calendar_days (
        day date PRIMARY KEY,
        year smallint NOT NULL REFERENCES official_calendar_years(year) ON DELETE CASCADE,
        kind varchar(8) NOT NULL CHECK (kind IN ('holiday', 'workday')),
        CONSTRAINT official_calendar_day_in_its_year CHECK (extract(year FROM day) = year),
        CONSTRAINT official_calendar_workday_is_a_weekend CHECK (kind = 'holiday' OR extract(isodow FROM day) IN (6, 7))
      )`);
    await db.query('CREATE INDEX official_calendar_days_year_idx ON official_calendar_days (year, day)');
    await db.query(
      `CREATE FUNCTION notify_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('calendar_changed', TG_TABLE_NAME);
         RETURN NULL;
       END $$`,
    );
    for (const table of ['official_calendar_years', 'official_calendar_days']) {
      await db.query(
        `CREATE TRIGGER ${table}_notify_calendar_changed AFTER INSERT OR UPDATE OR DELETE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_changed()`,
      );
      await db.query(
        `CREATE TRIGGER ${table}_truncate_notify_calendar_changed AFTER TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_changed()`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE official_calendar_days');
    await db.query('DROP TABLE official_calendar_years');
    await db.query('DROP FUNCTION notify_calendar_changed()');
  }
}
