import type { DataSource, EntityManager } from 'typeorm';
import type { CaseDeadline } from '../cases/case.entity';
import type { TimedSubjectType, TimerKey, TimerRow } from '../cases/case-timers';
import type { CaseViewCache } from '../cases/case-view-cache';
import type { PetitionDueDates } from '../petitions/petition.entity';
import { runQuery } from '../shared/db/structured-query';
import type { CaseOutcome } from '../workflows/case.machine';
import type { Track } from '../workflows/rules/dispute-rules.types';

export type { TimedSubjectType, TimerKey, TimerRow };

/** A case as its timers read it: its stage's clock, and what a labour limitation runs from (§27). */
export interface CaseClockRow {
  id: string;
  number: string;
  title: string;
  type: string;
  rulesVersion: number;
  state: string;
  track: Track | null;
  outcome: CaseOutcome | null;
  deadline: CaseDeadline | null;
  mediatorId: string | null;
  holdingUnitId: string;
  overdue: boolean;
  receivedOn: string;
  knewOn: string | null;
  closedAt: Date | null;
}

/** A petition as its timer reads it. */
export interface PetitionClockRow {
  id: string;
  number: string;
  subject: string;
  state: string;
  dueDates: PetitionDueDates;
  agentId: string | null;
  holdingUnitId: string;
  overdue: boolean;
  rulesVersion: number;
}

const timerColumns = `subject_type AS "subjectType", subject_id AS "subjectId", clock,
  to_char(started_on, 'YYYY-MM-DD') AS "startedOn", to_char(warning_on, 'YYYY-MM-DD') AS "warningOn",
  to_char(due_on, 'YYYY-MM-DD') AS "dueOn", paused, warned_at AS "warnedAt", overdue_at AS "overdueAt",
  fire_at AS "fireAt", job_id AS "jobId"`;

const caseClockColumns = `id, number, title, type, rules_version AS "rulesVersion", state, track, outcome, deadline,
  mediator_id AS "mediatorId", holding_unit_id AS "holdingUnitId", overdue,
  to_char(received_on, 'YYYY-MM-DD') AS "receivedOn", to_char(knew_on, 'YYYY-MM-DD') AS "knewOn",
  closed_at AS "closedAt"`;

const petitionClockColumns = `id, number, subject, state, due_dates AS "dueDates", agent_id AS "agentId",
  holding_unit_id AS "holdingUnitId", overdue, rules_version AS "rulesVersion"`;

/**
 * The only code that queries deadline timers, and the few columns of cases and
 * petitions a timer reads and flags. Subjects are always locked before their timers
 * (the write path's order too), so a timer and an event on its case never deadlock.
 */
export class DeadlineTimerRepository {
  /** `caseViews`: the cases last shown, kept in memory, which its writes to a case mark as changing. */
  constructor(
    private readonly db: DataSource,
    private readonly caseViews?: Pick<CaseViewCache, 'writing'>,
  ) {}

  /** Every timer of a subject, locked. */
  lockTimersOf(tx: EntityManager, subjectType: TimedSubjectType, subjectId: string): Promise<TimerRow[]> {
    return tx.query(
      `SELECT ${timerColumns} FROM deadline_timers WHERE subject_type = $1 AND subject_id = $2 ORDER BY clock FOR UPDATE`,
      [subjectType, subjectId],
    );
  }

  findTimer(key: TimerKey, tx?: EntityManager): Promise<TimerRow | null> {
    return (tx ?? this.db.manager)
      .query(
        `SELECT ${timerColumns} FROM deadline_timers WHERE subject_type = $1 AND subject_id = $2 AND clock = $3`,
        [key.subjectType, key.subjectId, key.clock],
      )
      .then((rows: TimerRow[]) => rows[0] ?? null);
  }

  async saveTimer(tx: EntityManager, row: TimerRow, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO deadline_timers (subject_type, subject_id, clock, started_on, warning_on, due_on, paused,
                                    warned_at, overdue_at, fire_at, job_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (subject_type, subject_id, clock) DO UPDATE SET
         started_on = EXCLUDED.started_on, warning_on = EXCLUDED.warning_on, due_on = EXCLUDED.due_on,
         paused = EXCLUDED.paused, warned_at = EXCLUDED.warned_at, overdue_at = EXCLUDED.overdue_at,
         fire_at = EXCLUDED.fire_at, job_id = EXCLUDED.job_id, updated_at = EXCLUDED.updated_at`,
      [
        row.subjectType,
        row.subjectId,
        row.clock,
        row.startedOn,
        row.warningOn,
        row.dueOn,
        row.paused,
        row.warnedAt,
        row.overdueAt,
        row.fireAt,
        row.jobId,
        now,
      ],
    );
  }

  /**
   * Records that a notice went out for this period — only if none did: the guard that
   * makes two workers waking the same timer raise it once. True when this call did.
   */
  async claimNotice(
    tx: EntityManager,
    key: TimerKey,
    notice: 'warning' | 'overdue',
    now: Date,
  ): Promise<boolean> {
    const sql =
      notice === 'overdue'
        ? `UPDATE deadline_timers SET overdue_at = $4, warned_at = COALESCE(warned_at, $4)
           WHERE subject_type = $1 AND subject_id = $2 AND clock = $3 AND overdue_at IS NULL RETURNING clock`
        : `UPDATE deadline_timers SET warned_at = $4
           WHERE subject_type = $1 AND subject_id = $2 AND clock = $3 AND warned_at IS NULL RETURNING clock`;
    const { affected } = await runQuery(tx, sql, [key.subjectType, key.subjectId, key.clock, now]);
    return affected === 1;
  }

  async deleteTimer(tx: EntityManager, key: TimerKey): Promise<void> {
    await tx.query('DELETE FROM deadline_timers WHERE subject_type = $1 AND subject_id = $2 AND clock = $3', [
      key.subjectType,
      key.subjectId,
      key.clock,
    ]);
  }

  lockCase(tx: EntityManager, id: string): Promise<CaseClockRow | null> {
    return tx
      .query(`SELECT ${caseClockColumns} FROM cases WHERE id = $1 FOR UPDATE`, [id])
      .then((rows: CaseClockRow[]) => rows[0] ?? null);
  }

  lockPetition(tx: EntityManager, id: string): Promise<PetitionClockRow | null> {
    return tx
      .query(`SELECT ${petitionClockColumns} FROM petitions WHERE id = $1 FOR UPDATE`, [id])
      .then((rows: PetitionClockRow[]) => rows[0] ?? null);
  }

  /**
   * The sweep's batch: those of `ids` no other transaction holds, locked in id order, and the
   * timers of those. A case an event holds is skipped, not waited for: the sweep reconciles
   * it alone afterwards. Its timers cannot be held by anyone else once it is locked (subjects
   * are locked before their timers).
   */
  async lockFree(
    tx: EntityManager,
    subjectType: TimedSubjectType,
    ids: string[],
  ): Promise<{ cases: CaseClockRow[]; petitions: PetitionClockRow[]; timers: TimerRow[] }> {
    const [cases, petitions]: [CaseClockRow[], PetitionClockRow[]] =
      subjectType === 'case'
        ? [
            await tx.query(
              `SELECT ${caseClockColumns} FROM cases WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED`,
              [ids],
            ),
            [],
          ]
        : [
            [],
            await tx.query(
              `SELECT ${petitionClockColumns} FROM petitions WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED`,
              [ids],
            ),
          ];
    const locked = [...cases, ...petitions].map((row) => row.id);
    const timers: TimerRow[] =
      locked.length === 0
        ? []
        : await tx.query(
            `SELECT ${timerColumns} FROM deadline_timers WHERE subject_type = $1 AND subject_id = ANY($2::uuid[])
             ORDER BY subject_id, clock FOR UPDATE`,
            [subjectType, locked],
          );
    return { cases, petitions, timers };
  }

  /**
   * The overdue flag (a flag, not a state): set or cleared only if it differs, so of
   * two processes only one changes it. True when this call changed it.
   */
  async setOverdue(
    tx: EntityManager,
    subjectType: TimedSubjectType,
    id: string,
    overdue: boolean,
  ): Promise<boolean> {
    const table = subjectType === 'case' ? 'cases' : 'petitions';
    const { affected } = await runQuery(
      tx,
      `UPDATE ${table} SET overdue = $2 WHERE id = $1 AND overdue IS DISTINCT FROM $2`,
      [id, overdue],
    );
    if (affected === 1 && subjectType === 'case') this.caseViews?.writing(id, tx);
    return affected === 1;
  }

  /** The case's stored reading, moved by a calendar change (lists and figures query these columns). */
  async setCaseDeadline(tx: EntityManager, id: string, deadline: CaseDeadline): Promise<void> {
    this.caseViews?.writing(id, tx);
    await tx.query('UPDATE cases SET deadline = $2, deadline_due = $3 WHERE id = $1', [
      id,
      deadline,
      deadline.due,
    ]);
  }

  /** A petition clock's stored due date, moved by a calendar change. */
  async setPetitionDue(tx: EntityManager, id: string, clock: string, due: string): Promise<void> {
    await tx.query(
      `UPDATE petitions SET due_dates = jsonb_set(due_dates, ARRAY[$2::text, 'due'], to_jsonb($3::text)) WHERE id = $1`,
      [id, clock, due],
    );
  }

  /**
   * Open cases with a running clock (a mediation stage, or a department deciding whether it
   * accepts), or with a timer (a labour limitation's is made by the event that closes the
   * case): what the sweep looks at, in id order (the order its batches lock them in).
   */
  async caseIdsToSweep(): Promise<string[]> {
    // deadline_due is set exactly when deadline is (a CHECK since migration 1764900100000): the
    // partial index on it holds the cases with a clock, a few in a hundred, not the whole table
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM cases WHERE deadline_due IS NOT NULL AND state <> 'closed'
       UNION SELECT subject_id FROM deadline_timers WHERE subject_type = 'case'
       ORDER BY 1`,
    );
    return rows.map((row) => row.id);
  }

  /**
   * Open cases whose running clock may touch the days from `from` to `to` (a year of the
   * calendar changed): started by `to`, and due on or after `from` — or stopped, their due
   * date moving on each day — in id order (the order they are locked in).
   */
  async caseIdsTouching(tx: EntityManager, from: string, to: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT id FROM cases
       WHERE deadline IS NOT NULL AND state LIKE 'mediation.%' AND (deadline->>'startedOn') <= $2
         AND (deadline_due >= $1::date OR coalesce((deadline->>'paused')::boolean, false))
       ORDER BY id`,
      [from, to],
    );
    return rows.map((row) => row.id);
  }

  /** Petitions still handled with a clock started by `to` and due on or after `from`, in id order (the binding one is read in code). */
  async petitionIdsTouching(tx: EntityManager, from: string, to: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT id FROM petitions p
       WHERE state NOT IN ('notAccepted', 'forwarded', 'closed')
         AND EXISTS (SELECT 1 FROM jsonb_each(p.due_dates) c
                     WHERE c.value->>'startedOn' <= $2 AND c.value->>'due' >= $1)
       ORDER BY id`,
      [from, to],
    );
    return rows.map((row) => row.id);
  }

  /** Petitions still being handled, or with a timer left over, in id order. */
  async petitionIdsToSweep(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM petitions WHERE state NOT IN ('notAccepted', 'forwarded', 'closed') AND due_dates <> '{}'::jsonb
       UNION SELECT subject_id FROM deadline_timers WHERE subject_type = 'petition'
       ORDER BY 1`,
    );
    return rows.map((row) => row.id);
  }
}
