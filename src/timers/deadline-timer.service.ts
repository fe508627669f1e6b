import type { CalendarChange, DeadlinesOnCalendarChange, MovedDeadline } from '../deadlines/calendar-change';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import { enqueueNotifications } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { JobQueue, queues } from '../shared/jobs/job-queue';
import { movedNoticeFor, noticesFor } from './deadline-notices';
import type {
  CaseClockRow,
  DeadlineTimerRepository,
  TimedSubjectType,
  TimerKey,
  TimerRow,
} from './deadline-timer.repository';
import {
  caseSubjectOf,
  type LockedSubject,
  type OpenClock,
  petitionSubjectOf,
  type SubjectDeps,
} from './open-clocks';
import { planTimer, sameTimer } from './timer-plan';

export type TimerOutcome = 'warned' | 'overdue' | 'scheduled' | 'removed' | 'none';

/**
 * Deadline timers (计时提醒): for each open clock, a row in `deadline_timers` and one
 * pg-boss job (singleton key `<subject>:<id>:<clock>`) that wakes it when its next
 * notice is due — the 80 % warning, then the overdue flag and notice.
 *
 * - The write path calls `reconcileCaseIn(tx, …)` in the event's own transaction: the timer
 *   row and its job are written, moved or cancelled with the event, or not at all.
 * - The job calls `reconcile(…, { raise: true })`: it locks the subject, re-reads the
 *   clock from today's calendar, raises what is due (guarded: `claimNotice` updates the
 *   row only if that notice has not gone out, so two processes raise it once), queues
 *   the notices in the outbox in the same transaction, and schedules its next wake-up.
 * - The sweep (hourly, and at start) reconciles every open clock, fifty cases (or
 *   petitions) to a transaction (`sweepTogether`): it moves deadlines a holiday-table
 *   change moved, creates timers for clocks that have none (imports, petitions, whose
 *   write path does not call here), and raises anything a lost or late job missed.
 */
/**
 * How a reconcile runs: whether it raises what is due; the timer job waking it (`currentJobId`, whose
 * own job is not "unchanged"); a calendar change it reads with (`calendarChange`: tell the holder if the
 * due date moved); the moment and calendar of the event it runs in (`at`).
 */
interface ReconcileOptions {
  raise: boolean;
  currentJobId?: string;
  calendarChange?: CalendarChange & { moved: MovedDeadline[] };
  at?: EventMoment;
}

/** The moment and the calendar a write path's event was decided with (`reconcileCaseIn`). */
export interface EventMoment {
  now: Date;
  calendar: WorkingCalendar;
}

export class DeadlineTimerService implements DeadlinesOnCalendarChange {
  private readonly transactions: Transactions;
  private readonly timers: DeadlineTimerRepository;
  private readonly jobs: JobQueue;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;

  constructor(deps: {
    transactions: Transactions;
    timers: DeadlineTimerRepository;
    jobs: JobQueue;
    clock: Clock;
    calendar: () => WorkingCalendar;
  }) {
    this.transactions = deps.transactions;
    this.timers = deps.timers;
    this.jobs = deps.jobs;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
  }

  private subjectDeps(at?: EventMoment): SubjectDeps {
    return {
      timers: this.timers,
      today: todayInShanghai(at?.now ?? this.clock.now()),
      calendar: at?.calendar ?? this.calendar(),
    };
  }

  /**
   * Brings a case's timer in line with its clock, inside the write path's transaction (no
   * notices raised). The write path holds the case's row lock and passes the case as it
   * now stands, so it is not read again. `at`: the event's moment and calendar, so that the timer
   * reads the clock on the day the event's own columns were computed for (the event's UPDATE is
   * sent after this, with its COMMIT: a reading here for the next day, across midnight, would be
   * overwritten on the case row and kept on the timer's).
   */
  async reconcileCaseIn(
    tx: Tx,
    current: CaseClockRow,
    timers?: TimerRow[],
    at?: EventMoment,
  ): Promise<TimerOutcome> {
    return this.reconcileLocked(tx, 'case', current.id, { raise: false, current, timers, at });
  }

  /** Wakes a subject's timer: re-reads its clock, raises what is due, schedules the next wake-up. */
  reconcile(
    subjectType: TimedSubjectType,
    subjectId: string,
    options: { raise: boolean; currentJobId?: string } = { raise: true },
  ): Promise<TimerOutcome> {
    return this.transactions.run((tx) => this.reconcileLocked(tx, subjectType, subjectId, options));
  }

  /**
   * Every open clock, reconciled and raised: how many cases and petitions it checked, how many
   * notices it raised, what failed; and how many batches failed as a whole and were swept again one
   * subject at a time, with the first one's error (a broken clock, or something wrong with every
   * batch, which would otherwise only show as a slower sweep).
   */
  async sweep(): Promise<{
    checked: number;
    raised: number;
    failures: Array<{ subjectType: TimedSubjectType; subjectId: string; err: unknown }>;
    sweptAlone: { batches: number; firstError: unknown };
  }> {
    let checked = 0;
    let raised = 0;
    const failures: Array<{ subjectType: TimedSubjectType; subjectId: string; err: unknown }> = [];
    const sweptAlone: { batches: number; firstError: unknown } = { batches: 0, firstError: null };
    const subjects: Array<[TimedSubjectType, string[]]> = [
      ['case', await this.timers.caseIdsToSweep()],
      ['petition', await this.timers.petitionIdsToSweep()],
    ];
    for (const [type, ids] of subjects) {
      for (let start = 0; start < ids.length; start += sweepBatchSize) {
        const batch = ids.slice(start, start + sweepBatchSize);
        checked += batch.length;
        let alone = batch;
        try {
          const swept = await this.sweepTogether(type, batch);
          raised += swept.raised;
          alone = swept.skipped;
        } catch (error) {
          // the batch rolled back as one: each of it again on its own, so that only a broken
          // clock (e.g. a malformed pause) fails, and it does not stop the others
          if (sweptAlone.batches++ === 0) sweptAlone.firstError = error;
        }
        for (const id of alone) {
          try {
            const outcome = await this.reconcile(type, id, { raise: true });
            if (outcome === 'warned' || outcome === 'overdue') raised++;
          } catch (error) {
            failures.push({ subjectType: type, subjectId: id, err: error });
          }
        }
      }
    }
    return { checked, raised, failures, sweptAlone };
  }

  /**
   * A batch of the sweep in one transaction: the subjects no event holds, and their timers, locked
   * by two statements; each reconciled and raised as `reconcile` would, writing only what changed.
   * What it skipped (held, or gone) is for the caller to reconcile alone.
   */
  private sweepTogether(
    type: TimedSubjectType,
    ids: string[],
  ): Promise<{ raised: number; skipped: string[] }> {
    return this.transactions.run(async (tx) => {
      const locked = await this.timers.lockFree(tx, type, ids);
      const deps = this.subjectDeps();
      const subjects = [
        ...locked.cases.map((row) => caseSubjectOf(row, deps)),
        ...locked.petitions.map((row) => petitionSubjectOf(row, deps)),
      ].filter((subject) => subject !== null);
      const timersOf = new Map<string, TimerRow[]>();
      for (const timer of locked.timers)
        timersOf.set(timer.subjectId, [...(timersOf.get(timer.subjectId) ?? []), timer]);
      let raised = 0;
      for (const subject of subjects) {
        const existing = timersOf.get(subject.id) ?? [];
        const outcome = await this.reconcileSubject(tx, subject, existing, { raise: true });
        if (outcome === 'warned' || outcome === 'overdue') raised++;
      }
      const done = new Set(subjects.map((subject) => subject.id));
      return { raised, skipped: ids.filter((id) => !done.has(id)) };
    });
  }

  /** Asks a worker to sweep soon (e.g. after the holiday table changed). */
  async requestSweepIn(tx: Tx): Promise<void> {
    await this.jobs.sendIn(tx, queues.deadlineSweep.name, {});
  }

  /**
   * A year of the calendar was entered or changed: in that change's transaction, every
   * open clock whose period touches the year is read with the new calendar — its stored
   * dates, its timer and its job moved — and each holder whose due date moved is told
   * (`deadline.moved`, with the old and the new date). A clock whose period ends before
   * the year, or starts after it, cannot move: only the days of that year changed.
   * Petitions are locked before cases, the order in which linking a case to a petition
   * locks them. As with the sweep, a petition's clock that binds nobody now (the
   * petitioner's window to ask for 复查 or 复核) is left as it is: its last day is part of
   * the statechart's context, fixed by the event that opened it.
   */
  async moveDeadlinesIn(tx: Tx, change: CalendarChange): Promise<MovedDeadline[]> {
    const moved: MovedDeadline[] = [];
    const yearStart = `${change.year}-01-01`;
    const yearEnd = `${change.year}-12-31`;
    for (const id of await this.timers.petitionIdsTouching(tx, yearStart, yearEnd)) {
      await this.reconcileLocked(tx, 'petition', id, { raise: false, calendarChange: { ...change, moved } });
    }
    for (const id of await this.timers.caseIdsTouching(tx, yearStart, yearEnd)) {
      await this.reconcileLocked(tx, 'case', id, { raise: false, calendarChange: { ...change, moved } });
    }
    return moved;
  }

  private async reconcileLocked(
    tx: Tx,
    subjectType: TimedSubjectType,
    subjectId: string,
    /** `current` and `timers`: the case and its timers as the caller read them under the case's row lock. */
    options: ReconcileOptions & { current?: CaseClockRow; timers?: TimerRow[] },
  ): Promise<TimerOutcome> {
    // the subject first, then its timers: the same order as the write path
    const subject =
      subjectType === 'case'
        ? caseSubjectOf(
            options.current ?? (await this.timers.lockCase(tx, subjectId)),
            this.subjectDeps(options.at),
          )
        : petitionSubjectOf(await this.timers.lockPetition(tx, subjectId), this.subjectDeps());
    const existing = options.timers ?? (await this.timers.lockTimersOf(tx, subjectType, subjectId));
    return this.reconcileSubject(tx, subject, existing, options);
  }

  /** A locked subject (null: it is gone) and its locked timers, reconciled. */
  private async reconcileSubject(
    tx: Tx,
    subject: LockedSubject | null,
    existing: TimerRow[],
    options: ReconcileOptions,
  ): Promise<TimerOutcome> {
    const open = subject?.open ?? [];

    let outcome: TimerOutcome = 'none';
    for (const stale of existing.filter((timer) => !open.some((clock) => clock.clock === timer.clock))) {
      // the stage ended (or the petition moved to another clock): its job goes too
      await this.cancelJob(tx, stale, options.currentJobId);
      await this.timers.deleteTimer(tx, stale);
      outcome = 'removed';
    }
    if (!subject || open.length === 0) return outcome;
    let raisedAny: TimerOutcome = 'none';
    for (const clock of open) {
      const result = await this.reconcileClock(tx, subject, clock, existing, options);
      if (result === 'overdue' || (result === 'warned' && raisedAny !== 'overdue')) raisedAny = result;
    }
    return raisedAny === 'none' ? 'scheduled' : raisedAny;
  }

  /** One open clock of a locked subject: its stored dates moved, its flags and job set, what is due raised. */
  private async reconcileClock(
    tx: Tx,
    subject: LockedSubject,
    open: OpenClock,
    existing: TimerRow[],
    options: ReconcileOptions,
  ): Promise<TimerOutcome> {
    const subjectType = subject.type;
    const subjectId = subject.id;
    let outcome: TimerOutcome = 'none';
    const now = options.at?.now ?? this.clock.now();
    const today = todayInShanghai(now);
    const change = options.calendarChange;
    const calendar = change?.after ?? options.at?.calendar ?? this.calendar();
    const reading = open.read(today, calendar);
    const stored = open.stored;
    if (change) {
      const before = open.read(today, change.before).due;
      if (before !== reading.due) {
        await enqueueNotifications(tx, [movedNoticeFor(subject, open, before, reading, change.after)]);
        change.moved.push({
          subjectType,
          subjectId,
          number: subject.number,
          clock: open.clock,
          from: before,
          to: reading.due,
        });
      }
    }
    if (
      stored &&
      (reading.due !== stored.due ||
        (stored.warningOn !== undefined && reading.warningOn !== stored.warningOn) ||
        (stored.paused !== undefined && reading.paused !== stored.paused))
    ) {
      await open.store(tx, reading);
    }

    const key: TimerKey = { subjectType, subjectId, clock: open.clock };
    const previous = existing.find((timer) => timer.clock === open.clock) ?? null;
    // first the flags as the new reading leaves them (a notice whose day lies ahead again may go again)
    const settled = planTimer(previous, reading, today, now, { raise: false });
    let row: TimerRow = {
      ...key,
      startedOn: open.deadline.startedOn,
      warningOn: reading.warningOn,
      dueOn: reading.due,
      paused: reading.paused,
      warnedAt: settled.warnedAt,
      overdueAt: settled.overdueAt,
      fireAt: previous?.fireAt ?? null,
      jobId: previous?.jobId ?? null,
    };
    // most events leave the timer as it was (a session logged): nothing to write then; a timer
    // whose job moves too is written once, with its job (`schedule`)
    let unsaved = !previous || !sameTimer(previous, row);
    if (open.flagsOverdue && !reading.overdue && subject.overdue)
      await this.timers.setOverdue(tx, subjectType, subjectId, false);

    let fireAt = settled.fireAt;
    if (options.raise) {
      const raised = planTimer(settled, reading, today, now, { raise: true });
      if (raised.raise) {
        // the notice's claim is a mark on the timer's row: the row first
        if (unsaved) await this.timers.saveTimer(tx, row, now);
        unsaved = false;
        // the flag: set only where it is not set yet
        if (raised.raise === 'overdue' && open.flagsOverdue)
          await this.timers.setOverdue(tx, subjectType, subjectId, true);
        // the notice: only if this period's has not gone out (the guard two processes meet at)
        if (await this.timers.claimNotice(tx, key, raised.raise, now)) {
          await enqueueNotifications(tx, noticesFor(subject, open, reading, raised.raise, calendar));
          outcome = raised.raise === 'overdue' ? 'overdue' : 'warned';
        }
        const stored = await this.timers.findTimer(key, tx);
        row = { ...row, warnedAt: stored?.warnedAt ?? null, overdueAt: stored?.overdueAt ?? null };
        fireAt = planTimer(row, reading, today, now, { raise: false }).fireAt;
      }
    }
    await this.schedule(tx, row, fireAt, { currentJobId: options.currentJobId, unsaved, now });
    return outcome;
  }

  /**
   * Points the timer's job at `fireAt`: unchanged if its waiting job already does, or if it
   * has none and needs none (its overdue notice raised, or its clock paused: nothing to wake
   * it for); otherwise the old job is cancelled and a new one queued, in this transaction.
   * `unsaved`: the timer's row as given is not written yet (it is then, with its job, or alone
   * if its job stays); `now`: the moment of the change, which the row is stamped with.
   */
  private async schedule(
    tx: Tx,
    timer: TimerRow,
    fireAt: Date | null,
    { currentJobId, unsaved, now }: { currentJobId?: string; unsaved: boolean; now: Date },
  ) {
    const unchanged =
      (timer.fireAt?.getTime() ?? null) === (fireAt?.getTime() ?? null) &&
      (timer.jobId === null ? fireAt === null : timer.jobId !== currentJobId);
    if (unchanged) {
      if (unsaved) await this.timers.saveTimer(tx, timer, now);
      return;
    }
    await this.cancelJob(tx, timer, currentJobId);
    let jobId: string | null = null;
    if (fireAt) {
      jobId = await this.jobs.sendIn(
        tx,
        queues.deadlineTimer.name,
        { subjectType: timer.subjectType, subjectId: timer.subjectId, clock: timer.clock },
        { singletonKey: singletonKeyOf(timer), startAfter: this.realTimeOf(fireAt) },
      );
    }
    await this.timers.saveTimer(tx, { ...timer, fireAt, jobId }, now);
  }

  private async cancelJob(tx: Tx, timer: TimerRow, currentJobId?: string) {
    if (timer.jobId && timer.jobId !== currentJobId)
      await this.jobs.cancelIn(tx, queues.deadlineTimer.name, timer.jobId);
  }

  /**
   * The job queue runs on the database's clock; the app's clock may be set apart from
   * it (tests). A moment on the app's clock becomes the same distance from now there.
   */
  private realTimeOf(moment: Date): Date {
    const ahead = moment.getTime() - this.clock.now().getTime();
    return new Date(Date.now() + Math.max(0, ahead));
  }
}

/**
 * How many cases (or petitions) the sweep locks and reconciles in one transaction: two statements
 * for the batch where one subject alone took four. A subject whose timer is as it should be (most,
 * each hour) is reconciled in memory, ≈ 0.1 ms of the event loop. One with work due (its first timer
 * after an import, a notice to raise, a date moved) sends its writes one by one, and the batch's rows
 * stay locked until its commit: an event on one of them waits for it, as it would for the sweep of
 * that subject alone, only longer.
 */
const sweepBatchSize = 50;

/** One waiting job per subject and clock. */
export function singletonKeyOf(key: TimerKey): string {
  return `${key.subjectType}:${key.subjectId}:${key.clock}`;
}
