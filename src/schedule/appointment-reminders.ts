import { enqueueNotifications, type Notification } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { type JobQueue, queues } from '../shared/jobs/job-queue';
import type { Appointment } from './appointment';
import type { AppointmentRepository } from './appointment.repository';
import { planReminders, type Reminder } from './reminder-plan';

/**
 * The reminders of appointments (提醒): one pg-boss job per planned appointment (queue
 * `appointment-reminder`, singleton key `appointment:<id>`), queued, moved or cancelled in the
 * transaction that plans, moves, holds or cancels it; the job sends the reminder due
 * (`appointment.reminder`, through the recipient's notification preferences) and queues the
 * next. A reminder is claimed by a guarded update of its `*_sent_at` column in the
 * transaction that queues the mail, so any number of processes send it once.
 */
export class AppointmentReminders {
  constructor(
    private readonly deps: {
      transactions: Transactions;
      appointments: AppointmentRepository;
      jobs: JobQueue;
      clock: Clock;
    },
  ) {}

  /** Points the appointment's job at its next reminder (or cancels it), in the caller's transaction. */
  async rescheduleIn(tx: Tx, appointmentId: string, currentJobId?: string): Promise<void> {
    const row = await this.deps.appointments.lock(tx, appointmentId);
    if (row) await this.schedule(tx, row, { raise: false, currentJobId });
  }

  /** The job: sends the reminder due now, if any, and queues the next. */
  remind(appointmentId: string, currentJobId?: string): Promise<Reminder | null> {
    return this.deps.transactions.run(async (tx) => {
      const row = await this.deps.appointments.lock(tx, appointmentId);
      if (!row) return null;
      return this.schedule(tx, row, { raise: true, currentJobId });
    });
  }

  /**
   * Wakes every planned appointment whose job is missing or late (a job queue reinstalled, a
   * worker down at the moment): what is due goes, the next job is queued. Run with the hourly
   * deadline sweep.
   */
  async sweep(): Promise<{ checked: number; sent: number }> {
    const ids = await this.deps.appointments.idsToSweep(this.deps.clock.now());
    let sent = 0;
    for (const id of ids) if (await this.remind(id)) sent++;
    return { checked: ids.length, sent };
  }

  private async schedule(
    tx: Tx,
    row: Appointment,
    options: { raise: boolean; currentJobId?: string },
  ): Promise<Reminder | null> {
    const now = this.deps.clock.now();
    const planned = row.status === 'planned';
    const plan = planReminders(row.startsAt, row, now, { raise: options.raise, planned });
    let sent: Reminder | null = null;
    let fireAt = plan.fireAt;
    if (plan.send && (await this.deps.appointments.claimReminder(tx, row.id, plan.send, now))) {
      await enqueueNotifications(tx, [reminderOf(row, plan.send)]);
      sent = plan.send;
      const flags = {
        dayBeforeSentAt: plan.send === 'dayBefore' ? now : row.dayBeforeSentAt,
        morningSentAt: plan.send === 'morning' ? now : row.morningSentAt,
      };
      fireAt = planReminders(row.startsAt, flags, now, { raise: false, planned }).fireAt;
    }
    const unchanged =
      row.jobId !== null &&
      row.jobId !== options.currentJobId &&
      (row.fireAt?.getTime() ?? null) === (fireAt?.getTime() ?? null);
    if (unchanged) return sent;
    if (row.jobId && row.jobId !== options.currentJobId)
      await this.deps.jobs.cancelIn(tx, queues.appointmentReminder.name, row.jobId);
    let jobId: string | null = null;
    if (fireAt) {
      jobId = await this.deps.jobs.sendIn(
        tx,
        queues.appointmentReminder.name,
        { appointmentId: row.id },
        { singletonKey: `appointment:${row.id}`, startAfter: this.realTimeOf(fireAt) },
      );
    }
    await this.deps.appointments.setJob(tx, row.id, { fireAt, jobId });
    return sent;
  }

  /** The job queue runs on the database's clock; the app's clock may be set apart from it (tests). */
  private realTimeOf(moment: Date): Date {
    const ahead = moment.getTime() - this.deps.clock.now().getTime();
    return new Date(Date.now() + Math.max(0, ahead));
  }
}

/** To the one who holds it (none: the unit's mediators); no personal data, only what and when. */
function reminderOf(row: Appointment, reminder: Reminder): Notification {
  return {
    kind: 'appointment.reminder',
    recipientUserId: row.ownerUserId,
    recipientUnitId: row.ownerUserId ? null : row.unitId,
    unitAudience: 'members',
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    payload: {
      appointmentId: row.id,
      appointmentKind: row.kind,
      at: row.startsAt.toISOString(),
      place: row.place,
      reminder,
    },
  };
}
