import type { MigrationInterface, QueryRunner } from 'typeorm';
import { chineseDaysVersion, chineseDaysYears } from '../src/deadlines/chinese-days-years';

/**
 * Fills the official calendar with the notices chinese-days publishes (2004–2026 in
 * 1.5.7), each year's statutory days included (src/deadlines/chinese-days-years.ts), as
 * notices entered by nobody, noted "chinese-days <version>". Later years are the
 * administrator's to enter (/admin/calendar, PUT /api/v1/calendar/:year) when the State
 * Council publishes them; a newer chinese-days does not change a database already filled,
 * so no dependency upgrade moves deadlines behind the administrator's back.
 */
export class FillOfficialCalendarFromChineseDays1764142010000 implements MigrationInterface {
  name = 'FillOfficialCalendarFromChineseDays1764142010000';

  async up(db: QueryRunner): Promise<void> {
    const note = `chinese-days ${chineseDaysVersion}`;
    for (const year of chineseDaysYears()) {
      const inserted: unknown[] = await db.query(
        `INSERT INTO official_calendar_years (year, source, note) VALUES ($1, 'notice', $2)
         ON CONFLICT (year) DO NOTHING RETURNING year`,
        [year.year, note],
      );
      if (inserted.length === 0) continue; // entered already: an administrator's entry stays
      await db.query(
        `INSERT INTO official_calendar_days (day, year, kind)
         SELECT unnest($2::date[]), $1::smallint, 'holiday' UNION ALL SELECT unnest($3::date[]), $1::smallint, 'workday'`,
        [year.year, year.holidays, year.workdays],
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `DELETE FROM official_calendar_years WHERE entered_by IS NULL AND note LIKE 'chinese-days %'`,
    );
  }
}
