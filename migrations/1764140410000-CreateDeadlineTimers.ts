import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per open clock (a case's mediation stage, a petition's binding period):
 * its dates as last read from the calendar, whether the 80 % warning and the overdue
 * notice went out for it, and the pg-boss job that wakes it next. Written in the same
 * transaction as the event that starts, moves or ends the clock; the guarded updates
 * of `warned_at` / `overdue_at` are what make each notice go out once.
 */
export class CreateDeadlineTimers1764140410000 implements MigrationInterface {
  name = 'CreateDeadlineTimers1764140410000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE deadline_timers (
        subject_type varchar(16) NOT NULL CHECK (subject_type IN ('case', 'petition')),
        subject_id uuid NOT NULL,
        clock varchar(24) NOT NULL,
        started_on date NOT NULL,
        warning_on date NOT NULL,
        due_on date NOT NULL,
        paused boolean NOT NULL DEFAULT false,
        warned_at timestamptz,
        overdue_at timestamptz,
        -- the next moment the timer needs attention: null while paused or when all is sent
        fire_at timestamptz,
        job_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_type, subject_id, clock)
      )`);
    await db.query(
      'CREATE INDEX deadline_timers_fire_idx ON deadline_timers (fire_at) WHERE fire_at IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE deadline_timers');
  }
}
