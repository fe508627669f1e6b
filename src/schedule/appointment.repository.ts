import type { DataSource, EntityManager } from 'typeorm';
import { runQuery } from '../shared/db/structured-query';
import type {
  Appointment,
  AppointmentStatus,
  AppointmentSubjectType,
  CalendarEntry,
  PlannedAppointment,
} from './appointment';

const columns = `a.id, a.subject_type AS "subjectType", a.subject_id AS "subjectId", a.kind,
  a.starts_at AS "startsAt", a.place, a.attendees, a.owner_user_id AS "ownerUserId", a.unit_id AS "unitId",
  a.status, a.cancel_reason AS "cancelReason", a.held_event_seq AS "heldEventSeq", a.held_visit_id AS "heldVisitId",
  a.planned_by AS "plannedBy", a.day_before_sent_at AS "dayBeforeSentAt", a.morning_sent_at AS "morningSentAt",
  a.fire_at AS "fireAt", a.job_id AS "jobId", a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

const plannedOfSql = `SELECT ${columns} FROM appointments a
  WHERE a.subject_type = $1 AND a.subject_id = $2 AND a.status = 'planned' ORDER BY a.starts_at, a.id`;

/** The subject's number and title (a case's or a petition's), and the owner's name: what a calendar shows. */
const entryColumns = `${columns},
  COALESCE(c.number, p.number) AS "subjectNumber", COALESCE(c.title, p.subject) AS "subjectTitle",
  u.display_name AS "ownerName"`;
const entryJoins = `LEFT JOIN cases c ON a.subject_type = 'case' AND c.id = a.subject_id
  LEFT JOIN petitions p ON a.subject_type = 'petition' AND p.id = a.subject_id
  LEFT JOIN users u ON u.id = a.owner_user_id`;

/** Appointments (`appointments`) and the calendar feeds' token hashes (`calendar_feeds`). */
export class AppointmentRepository {
  constructor(private readonly db: DataSource) {}

  async insert(tx: EntityManager, plan: PlannedAppointment, now: Date): Promise<Appointment> {
    const [row] = await tx.query(
      `INSERT INTO appointments AS a (subject_type, subject_id, kind, starts_at, place, attendees, owner_user_id,
         unit_id, planned_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING ${columns}`,
      [
        plan.subjectType,
        plan.subjectId,
        plan.kind,
        plan.startsAt,
        plan.place ?? null,
        plan.attendees ?? null,
        plan.ownerUserId,
        plan.unitId,
        plan.plannedBy,
        now,
      ],
    );
    return row;
  }

  /** One appointment under its row lock (the reminder job, a move, a cancellation, a log against it). */
  async lock(tx: EntityManager, id: string): Promise<Appointment | undefined> {
    const [row] = await tx.query(`SELECT ${columns} FROM appointments a WHERE a.id = $1 FOR UPDATE`, [id]);
    return row;
  }

  async find(id: string, tx?: EntityManager): Promise<CalendarEntry | undefined> {
    const [row] = await (tx ?? this.db).query(
      `SELECT ${entryColumns} FROM appointments a ${entryJoins} WHERE a.id = $1`,
      [id],
    );
    return row;
  }

  /** Moves it: a new moment (and place), its reminders to go again. */
  async move(
    tx: EntityManager,
    id: string,
    change: { startsAt: Date; place?: string | null; attendees?: string | null },
    now: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE appointments SET starts_at = $2, place = COALESCE($3, place), attendees = COALESCE($4, attendees),
         day_before_sent_at = NULL, morning_sent_at = NULL, updated_at = $5 WHERE id = $1`,
      [id, change.startsAt, change.place ?? null, change.attendees ?? null, now],
    );
  }

  async setStatus(
    tx: EntityManager,
    id: string,
    change: { status: AppointmentStatus; cancelReason?: string; heldEventSeq?: number; heldVisitId?: string },
    now: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE appointments SET status = $2, cancel_reason = $3, held_event_seq = $4, held_visit_id = $5,
         updated_at = $6 WHERE id = $1`,
      [
        id,
        change.status,
        change.cancelReason ?? null,
        change.heldEventSeq ?? null,
        change.heldVisitId ?? null,
        now,
      ],
    );
  }

  /** The planned appointments of a subject go to another holder (a case given to another mediator). */
  async reassignPlanned(
    tx: EntityManager,
    subject: { type: AppointmentSubjectType; id: string },
    ownerUserId: string,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE appointments SET owner_user_id = $3, updated_at = $4
       WHERE subject_type = $1 AND subject_id = $2 AND status = 'planned'`,
      [subject.type, subject.id, ownerUserId, now],
    );
  }

  /** Records a reminder as sent, only if it has not been: the guard two processes meet at. */
  async claimReminder(
    tx: EntityManager,
    id: string,
    reminder: 'dayBefore' | 'morning',
    now: Date,
  ): Promise<boolean> {
    const column = reminder === 'dayBefore' ? 'day_before_sent_at' : 'morning_sent_at';
    const { affected } = await runQuery(
      tx,
      `UPDATE appointments SET ${column} = $2 WHERE id = $1 AND ${column} IS NULL AND status = 'planned' RETURNING id`,
      [id, now],
    );
    return affected === 1;
  }

  async setJob(
    tx: EntityManager,
    id: string,
    job: { fireAt: Date | null; jobId: string | null },
  ): Promise<void> {
    await tx.query('UPDATE appointments SET fire_at = $2, job_id = $3 WHERE id = $1', [
      id,
      job.fireAt,
      job.jobId,
    ]);
  }

  /** The planned ones of a subject, soonest first. */
  async plannedOf(
    tx: EntityManager,
    subject: { type: AppointmentSubjectType; id: string },
  ): Promise<Appointment[]> {
    const { text, values } = this.plannedStatement(subject);
    return tx.query(text, values);
  }

  /** `plannedOf`'s statement, for a caller that sends it along with others (the case write path's BEGIN). */
  plannedStatement(subject: { type: AppointmentSubjectType; id: string }): {
    text: string;
    values: unknown[];
  } {
    return { text: plannedOfSql, values: [subject.type, subject.id] };
  }

  /** Every appointment of a subject (its page lists them), soonest first. */
  async allOf(subject: { type: AppointmentSubjectType; id: string }): Promise<Appointment[]> {
    return this.db.query(
      `SELECT ${columns} FROM appointments a WHERE a.subject_type = $1 AND a.subject_id = $2 ORDER BY a.starts_at, a.id`,
      [subject.type, subject.id],
    );
  }

  /** A calendar's entries between two moments: one user's, or one unit's (and the units below it). */
  async between(
    whose: { ownerUserId: string } | { unitPath: string } | { unitId: string },
    from: Date,
    to: Date,
    options: { includeCancelled?: boolean } = {},
  ): Promise<CalendarEntry[]> {
    const [filter, value] =
      'ownerUserId' in whose
        ? ['a.owner_user_id = $1', whose.ownerUserId]
        : 'unitId' in whose
          ? ['a.unit_id = $1', whose.unitId]
          : ['a.unit_id IN (SELECT id FROM units WHERE path <@ $1::ltree)', whose.unitPath];
    return this.db.query(
      `SELECT ${entryColumns} FROM appointments a ${entryJoins}
       WHERE ${filter} AND a.starts_at >= $2 AND a.starts_at < $3
         ${options.includeCancelled ? '' : "AND a.status <> 'cancelled'"}
       ORDER BY a.starts_at, a.id`,
      [value, from, to],
    );
  }

  /** Planned appointments still ahead whose job is missing or overdue (the sweep wakes them). */
  async idsToSweep(now: Date): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM appointments WHERE status = 'planned' AND starts_at > $1 AND morning_sent_at IS NULL
         AND (job_id IS NULL OR fire_at <= $1) ORDER BY starts_at, id`,
      [now],
    );
    return rows.map((row) => row.id);
  }

  // ---------------------------------------------------------------- calendar feeds

  async feedOwner(tokenHash: string): Promise<string | undefined> {
    const [row] = await this.db.query('SELECT user_id FROM calendar_feeds WHERE token_hash = $1', [
      tokenHash,
    ]);
    return row?.user_id;
  }

  async hasFeed(userId: string): Promise<boolean> {
    const [row] = await this.db.query('SELECT 1 FROM calendar_feeds WHERE user_id = $1', [userId]);
    return Boolean(row);
  }

  /** A new token for the user's feed: the old one stops working. */
  async replaceFeed(tx: EntityManager, userId: string, tokenHash: string, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at`,
      [userId, tokenHash, now],
    );
  }
}
