import type { ClockReading } from '../deadlines/clock';
import { addDays, type PlainDate, startOfShanghaiDay } from '../deadlines/plain-date';
import type { TimerRow } from './deadline-timer.repository';

/** What a timer has already said for the clock's current period. */
export interface TimerFlags {
  warnedAt: Date | null;
  overdueAt: Date | null;
}

export interface TimerPlan extends TimerFlags {
  /** The notice to raise now, if any (only when raising). */
  raise: 'warning' | 'overdue' | null;
  /** When the timer next needs waking: the warning day's start, the first day past due, or never. */
  fireAt: Date | null;
}

/**
 * The timer's next step, from its flags and the clock read today. Pure: the worker, the
 * sweep and the write path all decide with it.
 *
 * - Flags follow the reading: a warning whose day lies ahead again (a new stage, a
 *   holiday moved, an extension) may be sent again; a clock no longer overdue may be
 *   flagged again later.
 * - Overdue is raised once per period, even while suspended (a pause that begins after
 *   the period ran out does not revive it); it stands for the warning too.
 * - The 80 % warning is raised once, on or after its day, while the clock runs.
 * - A suspended clock sleeps (its due date moves on every day) until it is resumed.
 */
export function planTimer(
  previous: TimerFlags | null,
  reading: ClockReading,
  today: PlainDate,
  now: Date,
  options: { raise: boolean },
): TimerPlan {
  let warnedAt = reading.warningOn > today ? null : (previous?.warnedAt ?? null);
  let overdueAt = reading.overdue ? (previous?.overdueAt ?? null) : null;
  let raise: TimerPlan['raise'] = null;
  if (options.raise) {
    if (reading.overdue && !overdueAt) {
      raise = 'overdue';
      overdueAt = now;
      warnedAt ??= now;
    } else if (!reading.overdue && !reading.paused && !warnedAt && reading.warningOn <= today) {
      raise = 'warning';
      warnedAt = now;
    }
  }
  let fireAt: Date | null = null;
  if (reading.overdue) fireAt = overdueAt ? null : startOfShanghaiDay(today);
  else if (!reading.paused)
    fireAt = warnedAt ? startOfShanghaiDay(addDays(reading.due, 1)) : startOfShanghaiDay(reading.warningOn);
  return { warnedAt, overdueAt, raise, fireAt };
}

/** Whether two rows of a timer say the same: its dates, its flags and its job. */
export function sameTimer(a: TimerRow, b: TimerRow): boolean {
  const time = (date: Date | null) => date?.getTime() ?? null;
  return (
    a.startedOn === b.startedOn &&
    a.warningOn === b.warningOn &&
    a.dueOn === b.dueOn &&
    a.paused === b.paused &&
    time(a.warnedAt) === time(b.warnedAt) &&
    time(a.overdueAt) === time(b.overdueAt) &&
    time(a.fireAt) === time(b.fireAt) &&
    a.jobId === b.jobId
  );
}
