import { addDays, startOfShanghaiDay } from '../deadlines/plain-date';
import { todayInShanghai } from '../deadlines/working-calendar';

/**
 * When an appointment's two reminders (提醒) go out, Asia/Shanghai: the day before at 09:00 and
 * the morning of at 07:30 — local practice, set here. Each goes once per appointment
 * (a move sends both again for the new moment, a cancellation none).
 */
export const reminderTimes = {
  dayBefore: { daysBefore: 1, hour: 9, minute: 0 },
  morning: { daysBefore: 0, hour: 7, minute: 30 },
} as const;

export type Reminder = keyof typeof reminderTimes;

export interface ReminderFlags {
  dayBeforeSentAt: Date | null;
  morningSentAt: Date | null;
}

export interface ReminderPlan {
  /** The reminder to send now, if one is due (only when raising). */
  send: Reminder | null;
  /** When the appointment's job next needs waking, or never. */
  fireAt: Date | null;
}

/** The moment a reminder of an appointment at `startsAt` is due. */
export function reminderMoment(startsAt: Date, reminder: Reminder): Date {
  const { daysBefore, hour, minute } = reminderTimes[reminder];
  const day = addDays(todayInShanghai(startsAt), -daysBefore);
  return new Date(startOfShanghaiDay(day).getTime() + (hour * 60 + minute) * 60_000);
}

/**
 * The next step of an appointment's reminders. Pure: the planning write path and the job both
 * decide with it.
 *
 * - A reminder is due from its moment until the appointment begins. Once the morning's is
 *   due, the day before's is not sent any more (it would say "tomorrow" on the day).
 * - A reminder whose moment had passed when the appointment was planned goes at once (planned
 *   at 20:00 for tomorrow 10:00: the day before's now, the morning's at 07:30) — but the day
 *   before's only while it is still the day before in Shanghai: planned at 02:00 for 15:00 the
 *   same day, nothing goes until the morning's at 07:30 (a "tomorrow" would be false).
 * - Nothing goes for an appointment that has begun, been held or been cancelled.
 */
export function planReminders(
  startsAt: Date,
  flags: ReminderFlags,
  now: Date,
  options: { raise: boolean; planned: boolean },
): ReminderPlan {
  if (!options.planned || now.getTime() >= startsAt.getTime()) return { send: null, fireAt: null };
  const dayBefore = reminderMoment(startsAt, 'dayBefore');
  const morning = reminderMoment(startsAt, 'morning');
  const morningDue = now.getTime() >= morning.getTime();
  // the day before's reminder says "tomorrow": it goes only on the day before
  const stillDayBefore = todayInShanghai(now) < todayInShanghai(startsAt);
  let send: Reminder | null = null;
  let { dayBeforeSentAt, morningSentAt } = flags;
  if (options.raise) {
    if (morningDue && !morningSentAt) {
      send = 'morning';
      morningSentAt = now;
    } else if (!morningDue && !dayBeforeSentAt && now.getTime() >= dayBefore.getTime() && stillDayBefore) {
      send = 'dayBefore';
      dayBeforeSentAt = now;
    }
  }
  let fireAt: Date | null = null;
  if (!morningSentAt) {
    const dayBeforePending = !dayBeforeSentAt && !morningDue && stillDayBefore;
    fireAt = dayBeforePending ? dayBefore : morning;
    // a moment already past: at once
    if (fireAt.getTime() < now.getTime()) fireAt = now;
  }
  return { send, fireAt };
}
