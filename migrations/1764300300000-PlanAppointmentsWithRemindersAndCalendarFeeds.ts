import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schedule (日程, issue 21): appointments planned ahead — sessions, hearings and visits of
 * a case, visits to a petitioner, follow-ups (回访) after an agreement — with their status
 * (planned, held, cancelled), the two reminders each sends once (the day before, the morning
 * of: guarded by their `*_sent_at` columns) and the pg-boss job that wakes them; and each
 * user's secret calendar-feed token, kept as a SHA-256 hash (the feed's URL is shown once).
 */
export class PlanAppointmentsWithRemindersAndCalendarFeeds1764300300000 implements MigrationInterface {
  name = 'PlanAppointmentsWithRemindersAndCalendarFeeds1764300300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE appointments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject_type varchar(16) NOT NULL CHECK (subject_type IN ('case', 'petition')),
        subject_id uuid NOT NULL,
        kind varchar(16) NOT NULL CHECK (kind IN ('session', 'hearing', 'visit', 'follow_up')),
        starts_at timestamptz NOT NULL,
        place varchar(500),
        attendees text,
        owner_user_id uuid REFERENCES users(id),
        unit_id uuid NOT NULL REFERENCES units(id),
        status varchar(16) NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
        cancel_reason text,
        held_event_seq integer,
        held_visit_id uuid,
        planned_by uuid REFERENCES users(id),
        day_before_sent_at timestamptz,
        morning_sent_at timestamptz,
        fire_at timestamptz,
        job_id uuid,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await db.query('CREATE INDEX appointments_subject ON appointments (subject_type, subject_id)');
    await db.query('CREATE INDEX appointments_owner_starts ON appointments (owner_user_id, starts_at)');
    await db.query('CREATE INDEX appointments_unit_starts ON appointments (unit_id, starts_at)');
    await db.query(`
      CREATE TABLE calendar_feeds (
        user_id uuid PRIMARY KEY REFERENCES users(id),
        token_hash char(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
      )`);
    // one waiting job per appointment (stately): the reminder timer (src/schedule/appointment-reminders.ts)
    await db.query('SELECT pgboss.create_queue($1, $2::jsonb)', [
      'appointment-reminder',
      JSON.stringify({ policy: 'stately', retryLimit: 5, retryDelay: 30, retryBackoff: true }),
    ]);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query("SELECT pgboss.delete_queue('appointment-reminder')");
    await db.query('DROP TABLE calendar_feeds');
    await db.query('DROP TABLE appointments');
  }
}
