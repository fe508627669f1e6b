import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { Tx } from '../shared/db/transactions';
import type { Case } from './case.entity';

/*
 * The deadline timers as the case write path sees them. The timers module (src/timers)
 * keeps them; it reads cases (their clocks, the Case entity, the arbitration limitation),
 * so the dependency runs timers → cases, and what the write path needs of the timers is
 * declared here: the rows its lock reads with the case (one statement on the event path)
 * and the port `CaseTimers` that DeadlineTimerService implements.
 */

export type TimedSubjectType = 'case' | 'petition';

/** Names one timer: a subject and one of its clocks. */
export interface TimerKey {
  subjectType: TimedSubjectType;
  subjectId: string;
  /** `mediation` for a case's stage; the petition clock's name (`decision`, `conclusion`, …). */
  clock: string;
}

export interface TimerRow extends TimerKey {
  startedOn: string;
  warningOn: string;
  dueOn: string;
  paused: boolean;
  warnedAt: Date | null;
  overdueAt: Date | null;
  fireAt: Date | null;
  jobId: string | null;
}

/**
 * A case's timers as one json column of a query on `cases` (alias `c`), for a read that
 * locks the case: every writer of a case's timers holds the case's row lock first (the
 * order below), so under it they are as the locking read found them. `timersFromJson`
 * turns the column back into rows like `lockTimersOf`'s (times to the millisecond, as the
 * driver reads them).
 */
export const caseTimersColumn = `(SELECT json_agg(json_build_object(
    'subjectType', t.subject_type, 'subjectId', t.subject_id, 'clock', t.clock,
    'startedOn', to_char(t.started_on, 'YYYY-MM-DD'), 'warningOn', to_char(t.warning_on, 'YYYY-MM-DD'),
    'dueOn', to_char(t.due_on, 'YYYY-MM-DD'), 'paused', t.paused,
    'warnedAt', floor(extract(epoch FROM t.warned_at) * 1000), 'overdueAt', floor(extract(epoch FROM t.overdue_at) * 1000),
    'fireAt', floor(extract(epoch FROM t.fire_at) * 1000), 'jobId', t.job_id) ORDER BY t.clock)
  FROM deadline_timers t WHERE t.subject_type = 'case' AND t.subject_id = c.id)`;

type TimerJson = Omit<TimerRow, 'warnedAt' | 'overdueAt' | 'fireAt'> & {
  warnedAt: number | null;
  overdueAt: number | null;
  fireAt: number | null;
};

export function timersFromJson(rows: TimerJson[] | null): TimerRow[] {
  const at = (ms: number | null) => (ms === null ? null : new Date(ms));
  return (rows ?? []).map((row) => ({
    ...row,
    warnedAt: at(row.warnedAt),
    overdueAt: at(row.overdueAt),
    fireAt: at(row.fireAt),
  }));
}

/**
 * What the case write path asks of the timers (DeadlineTimerService): bring the case's
 * timers in line with its clock inside the event's transaction, the case as it now stands
 * and its timers as the lock read them (so neither is read again).
 */
export interface CaseTimers {
  /** `at`: the moment and calendar the event's own columns were computed with. */
  reconcileCaseIn(
    tx: Tx,
    current: Case,
    timers?: TimerRow[],
    at?: { now: Date; calendar: WorkingCalendar },
  ): Promise<unknown>;
}
