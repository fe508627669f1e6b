import type { DataSource, EntityManager } from 'typeorm';
import type { CalendarSource, CalendarYearDays, CalendarYearEntry } from './calendar-year';

interface YearRow {
  year: number;
  source: CalendarSource;
  note: string | null;
  enteredById: string | null;
  enteredByUsername: string | null;
  enteredAt: Date | null;
  holidays: string[];
  workdays: string[];
}

const yearsQuery = `
  SELECT y.year, y.source, y.note, y.entered_by AS "enteredById", u.username AS "enteredByUsername",
         y.entered_at AS "enteredAt",
         coalesce(array_agg(to_char(d.day, 'YYYY-MM-DD') ORDER BY d.day) FILTER (WHERE d.kind = 'holiday'), '{}') AS holidays,
         coalesce(array_agg(to_char(d.day, 'YYYY-MM-DD') ORDER BY d.day) FILTER (WHERE d.kind = 'workday'), '{}') AS workdays
  FROM official_calendar_years y
  LEFT JOIN official_calendar_days d ON d.year = y.year
  LEFT JOIN users u ON u.id = y.entered_by`;

function entryOf(row: YearRow): CalendarYearEntry {
  return {
    year: Number(row.year),
    source: row.source,
    holidays: row.holidays,
    workdays: row.workdays,
    note: row.note,
    enteredBy: row.enteredById ? { id: row.enteredById, username: row.enteredByUsername } : null,
    enteredAt: row.enteredAt,
  };
}

/** The only code that reads or writes the official calendar's tables. */
export class OfficialCalendarRepository {
  constructor(private readonly db: DataSource) {}

  /** Every year entered, ascending, with its days. */
  async allYears(tx?: EntityManager): Promise<CalendarYearEntry[]> {
    const rows: YearRow[] = await (tx ?? this.db.manager).query(
      `${yearsQuery} GROUP BY y.year, u.username ORDER BY y.year`,
    );
    return rows.map(entryOf);
  }

  async findYear(year: number, tx?: EntityManager): Promise<CalendarYearEntry | null> {
    const rows: YearRow[] = await (tx ?? this.db.manager).query(
      `${yearsQuery} WHERE y.year = $1 GROUP BY y.year, u.username`,
      [year],
    );
    return rows[0] ? entryOf(rows[0]) : null;
  }

  /** Changes to the calendar one at a time: the second waits for the first to commit, then reads what it wrote. */
  async lockForChange(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('official_calendar'))`);
  }

  /** The year as given replaces what was there (its days too). */
  async replaceYear(
    tx: EntityManager,
    days: CalendarYearDays,
    entered: { note: string | null; byUserId: string; at: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO official_calendar_years (year, source, note, entered_by, entered_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, note = EXCLUDED.note,
         entered_by = EXCLUDED.entered_by, entered_at = EXCLUDED.entered_at`,
      [days.year, days.source, entered.note, entered.byUserId, entered.at],
    );
    await tx.query('DELETE FROM official_calendar_days WHERE year = $1', [days.year]);
    await tx.query(
      `INSERT INTO official_calendar_days (day, year, kind)
       SELECT unnest($2::date[]), $1::smallint, 'holiday' UNION ALL SELECT unnest($3::date[]), $1::smallint, 'workday'`,
      [days.year, days.holidays, days.workdays],
    );
  }
}
