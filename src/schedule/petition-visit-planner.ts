import { startOfShanghaiDay } from '../deadlines/plain-date';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { PetitionAppointments } from '../petitions/petition-appointments';
import type { Clock } from '../shared/clock';
import type { Tx } from '../shared/db/transactions';
import { RuleViolationError } from '../shared/errors';
import type { AppointmentRepository } from './appointment.repository';
import type { AppointmentReminders } from './appointment-reminders';

/** The hour (Asia/Shanghai) a next visit given as a day (`nextVisitOn`) is planned at: the working morning. */
export const nextVisitHour = 9;

/**
 * The schedule's side of a petition visit (`PetitionAppointments`), in the visit's transaction:
 * the planned visit it was is marked held (the one named — 422 naming `appointmentId` if it is
 * not a planned visit of this petition —, else one planned that day), and the agent's next
 * visit (`nextVisitOn`) becomes a planned visit at 09:00 that day, with its reminders.
 */
export class PetitionVisitPlanner implements PetitionAppointments {
  constructor(
    private readonly appointments: AppointmentRepository,
    private readonly reminders: AppointmentReminders,
    private readonly clock: Clock,
  ) {}

  async afterVisitIn(tx: Tx, visit: Parameters<PetitionAppointments['afterVisitIn']>[1]): Promise<void> {
    const now = this.clock.now();
    const subject = { type: 'petition' as const, id: visit.petitionId };
    const planned = (await this.appointments.plannedOf(tx, subject)).filter((plan) => plan.kind === 'visit');
    const day = todayInShanghai(new Date(visit.visitedAt));
    const held = visit.appointmentId
      ? planned.find((plan) => plan.id === visit.appointmentId)
      : planned.find((plan) => todayInShanghai(plan.startsAt) === day);
    if (visit.appointmentId && !held)
      throw new RuleViolationError('validation_failed', [
        { field: 'appointmentId', message: 'validation.appointment_not_planned' },
      ]);
    if (held) {
      await this.appointments.lock(tx, held.id);
      await this.appointments.setStatus(tx, held.id, { status: 'held', heldVisitId: visit.visitId }, now);
      await this.reminders.rescheduleIn(tx, held.id);
    }
    if (!visit.nextVisitOn) return;
    // one planned visit a day is enough: the agent may already have planned that one
    if (planned.some((plan) => plan.id !== held?.id && todayInShanghai(plan.startsAt) === visit.nextVisitOn))
      return;
    const next = await this.appointments.insert(
      tx,
      {
        subjectType: 'petition',
        subjectId: visit.petitionId,
        kind: 'visit',
        startsAt: new Date(startOfShanghaiDay(visit.nextVisitOn).getTime() + nextVisitHour * 3600_000),
        ownerUserId: visit.agentId,
        unitId: visit.holdingUnitId,
        plannedBy: visit.agentId,
      },
      now,
    );
    await this.reminders.rescheduleIn(tx, next.id);
  }
}
