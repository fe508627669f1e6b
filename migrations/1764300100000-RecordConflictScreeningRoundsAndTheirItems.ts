import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conflict screening (矛盾纠纷排查, issue 21): a unit's round for a month, the brewing
 * conflicts it found (排查事项) with their risk grade, and the missing reports flagged to the
 * supervisors once per unit and period. One round per unit and period (the unique key); a round
 * with no items is a zero report (零报告). An item remembers the case it became.
 */
export class RecordConflictScreeningRoundsAndTheirItems1764300100000 implements MigrationInterface {
  name = 'RecordConflictScreeningRoundsAndTheirItems1764300100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE screening_rounds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id),
        period char(7) NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        filed_by uuid NOT NULL REFERENCES users(id),
        filed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT screening_rounds_one_per_unit_and_period UNIQUE (unit_id, period)
      )`);
    await db.query('CREATE INDEX screening_rounds_by_period ON screening_rounds (period, unit_id)');
    await db.query(`
      CREATE TABLE screening_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        round_id uuid NOT NULL REFERENCES screening_rounds(id) ON DELETE CASCADE,
        title varchar(200) NOT NULL,
        type varchar(40) NOT NULL,
        risk_grade smallint NOT NULL CHECK (risk_grade BETWEEN 1 AND 4),
        people_count integer NOT NULL CHECK (people_count >= 1),
        grid_id uuid REFERENCES grids(id),
        description text NOT NULL,
        measures text,
        case_id uuid UNIQUE REFERENCES cases(id),
        added_by uuid NOT NULL REFERENCES users(id),
        added_at timestamptz NOT NULL
      )`);
    await db.query('CREATE INDEX screening_items_by_round ON screening_items (round_id, risk_grade DESC)');
    await db.query(`
      CREATE TABLE screening_missing_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id),
        period char(7) NOT NULL,
        flagged_at timestamptz NOT NULL,
        CONSTRAINT screening_missing_once_per_unit_and_period UNIQUE (unit_id, period)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE screening_missing_reports');
    await db.query('DROP TABLE screening_items');
    await db.query('DROP TABLE screening_rounds');
  }
}
