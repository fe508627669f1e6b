import type { CaseAppointments } from '../cases/case-appointments';
import type { CaseEventStep } from '../cases/case-event-step';
import { addDays, startOfShanghaiDay } from '../deadlines/plain-date';
import { todayInShanghai } from '../deadlines/working-calendar';
import { RuleViolationError } from '../shared/errors';
import type { CaseEvent } from '../workflows/case.machine';
import { followUpRuleFor } from '../workflows/rules/follow-up';
import type { Appointment, AppointmentKind } from './appointment';
import type { AppointmentRepository } from './appointment.repository';
import type { AppointmentReminders } from './appointment-reminders';

/** Events after which the mediation's planned sessions, hearings and visits will not take place. */
const endingMediation = new Set([
  'ESCALATE',
  'RETURN_DOWN',
  'TRANSFER',
  'FAIL',
  'WITHDRAW',
  'REFER_OUT',
  'REACH_AGREEMENT',
]);
/** Events after which a planned follow-up of the agreement will not take place. */
const endingFollowUp = new Set(['FULFILLED', 'BREACHED', 'RESUME_MEDIATION', 'CONFIRMATION_REJECTED']);
const sessionLike: readonly AppointmentKind[] = ['session', 'hearing', 'visit'];

/**
 * The schedule's side of the case write path (`CaseAppointments`): in the event's transaction,
 * before the statechart takes it. SCHEDULE_SESSION plans (or, with `appointmentId`, moves) a
 * session; CANCEL_SESSION calls one off; LOG_SESSION and RECORD_FOLLOW_UP mark the plan held
 * (the one named, else the one of that kind planned that day, else none); REACH_AGREEMENT plans
 * the follow-up (回访) by the type's rule (src/workflows/rules/follow-up.ts); a hand-off or the
 * end of mediation calls off the plans left. The event goes on with the parties' next session.
 */
export class CaseAppointmentPlanner implements CaseAppointments {
  constructor(
    private readonly appointments: AppointmentRepository,
    private readonly reminders: AppointmentReminders,
  ) {}

  plannedRead(caseId: string, eventType: string, appointmentId?: string) {
    // a session logged without naming its plan: the plans as the case's lock found them serve (one round trip less)
    return eventType === 'LOG_SESSION' && !appointmentId
      ? this.appointments.plannedStatement({ type: 'case', id: caseId })
      : null;
  }

  async applyIn(
    step: CaseEventStep,
    event: CaseEvent,
    seq: number,
    read?: Record<string, unknown>[],
  ): Promise<CaseEvent> {
    const { tx, row, now } = step;
    const subject = { type: 'case' as const, id: row.id };
    switch (event.type) {
      case 'SCHEDULE_SESSION': {
        const change = {
          startsAt: new Date(event.at),
          place: event.place ?? null,
          attendees: event.attendees ?? null,
        };
        let id = event.appointmentId;
        if (id) {
          await this.plannedOne(step, id, sessionLike);
          await this.appointments.move(tx, id, change, now);
          await this.reminders.rescheduleIn(tx, id);
        } else {
          const planned = await this.appointments.insert(
            tx,
            {
              subjectType: 'case',
              subjectId: row.id,
              kind: event.kind ?? 'session',
              ...change,
              ownerUserId: row.mediatorId ?? (step.actor.role === 'mediator' ? step.actor.id : null),
              unitId: row.holdingUnitId,
              plannedBy: step.actor.id,
            },
            now,
          );
          await this.reminders.rescheduleIn(tx, planned.id);
          id = planned.id;
        }
        // the moment as it was given (its offset kept) when the one planned now is the next
        return { ...event, nextSession: await this.nextSession(step, { id, at: event.at }) };
      }
      case 'CANCEL_SESSION': {
        await this.plannedOne(step, event.appointmentId, sessionLike);
        await this.close(step, event.appointmentId, { status: 'cancelled', cancelReason: event.reason });
        return { ...event, nextSession: await this.nextSession(step) };
      }
      case 'LOG_SESSION': {
        if (event.appointmentId) {
          const named = await this.plannedOne(step, event.appointmentId, sessionLike);
          await this.close(step, named.id, { status: 'held', heldEventSeq: seq });
          return { ...event, nextSession: await this.nextSession(step) };
        }
        // one read of the plans serves both questions: this transaction only marks the one held (issue 22)
        const planned =
          (read as Appointment[] | undefined) ?? (await this.appointments.plannedOf(tx, subject));
        const day = todayInShanghai(new Date(event.heldAt));
        const held = planned.find(
          (plan) => plan.kind === event.kind && todayInShanghai(plan.startsAt) === day,
        );
        if (held) await this.close(step, held.id, { status: 'held', heldEventSeq: seq });
        const left = planned.filter((plan) => plan.id !== held?.id);
        return { ...event, nextSession: nextSessionOf(left, step.now) };
      }
      case 'RECORD_FOLLOW_UP': {
        const held = event.appointmentId
          ? await this.plannedOne(step, event.appointmentId, ['follow_up'])
          : (await this.appointments.plannedOf(tx, subject)).find((plan) => plan.kind === 'follow_up');
        if (held) await this.close(step, held.id, { status: 'held', heldEventSeq: seq });
        return event;
      }
      case 'ASSIGN':
        // the new mediator holds what was planned, and hears its reminders
        await this.appointments.reassignPlanned(tx, subject, event.mediatorId, now);
        return event;
      default:
        break;
    }
    if (endingMediation.has(event.type)) await this.cancelPlanned(step, sessionLike, event.type);
    if (endingFollowUp.has(event.type)) await this.cancelPlanned(step, ['follow_up'], event.type);
    if (event.type === 'REACH_AGREEMENT') await this.planFollowUp(step);
    return event;
  }

  /** The follow-up visit after the agreement, on the day the type's rule says, at its hour. */
  private async planFollowUp(step: CaseEventStep): Promise<void> {
    const rule = followUpRuleFor(step.row.type);
    const day = addDays(step.today, rule.days);
    const planned = await this.appointments.insert(
      step.tx,
      {
        subjectType: 'case',
        subjectId: step.row.id,
        kind: 'follow_up',
        startsAt: new Date(startOfShanghaiDay(day).getTime() + rule.hour * 3600_000),
        ownerUserId: step.row.mediatorId ?? (step.actor.role === 'mediator' ? step.actor.id : null),
        unitId: step.row.holdingUnitId,
        plannedBy: step.actor.id,
      },
      step.now,
    );
    await this.reminders.rescheduleIn(step.tx, planned.id);
  }

  private async cancelPlanned(step: CaseEventStep, kinds: readonly AppointmentKind[], because: string) {
    const planned = await this.appointments.plannedOf(step.tx, { type: 'case', id: step.row.id });
    for (const plan of planned.filter((one) => kinds.includes(one.kind)))
      await this.close(step, plan.id, { status: 'cancelled', cancelReason: because });
  }

  private async close(
    step: CaseEventStep,
    id: string,
    change: { status: 'held' | 'cancelled'; cancelReason?: string; heldEventSeq?: number },
  ) {
    await this.appointments.setStatus(step.tx, id, change, step.now);
    await this.reminders.rescheduleIn(step.tx, id);
  }

  /** The appointment named, planned, of this case and of one of these kinds; else 422 naming `appointmentId`. */
  private async plannedOne(
    step: CaseEventStep,
    id: string,
    kinds: readonly AppointmentKind[],
  ): Promise<Appointment> {
    const plan = await this.appointments.lock(step.tx, id);
    if (
      plan?.subjectType !== 'case' ||
      plan.subjectId !== step.row.id ||
      plan.status !== 'planned' ||
      !kinds.includes(plan.kind)
    )
      throw new RuleViolationError('validation_failed', [
        { field: 'appointmentId', message: 'validation.appointment_not_planned' },
      ]);
    return plan;
  }

  /** The parties' next session: the soonest session, hearing or visit still planned and ahead. */
  private async nextSession(
    step: CaseEventStep,
    given?: { id: string; at: string },
  ): Promise<{ at: string; place?: string } | null> {
    const planned = await this.appointments.plannedOf(step.tx, { type: 'case', id: step.row.id });
    return nextSessionOf(planned, step.now, given);
  }
}

/** The soonest session, hearing or visit of `planned` (soonest first) still ahead of `now`. */
function nextSessionOf(
  planned: Appointment[],
  now: Date,
  given?: { id: string; at: string },
): { at: string; place?: string } | null {
  const next = planned.find(
    (plan) => sessionLike.includes(plan.kind) && plan.startsAt.getTime() > now.getTime(),
  );
  if (!next) return null;
  const at = next.id === given?.id ? given.at : shanghaiIso(next.startsAt);
  return { at, ...(next.place ? { place: next.place } : {}) };
}

/** 2026-12-04T14:00:00+08:00: a moment as the parties' lookup and the API write them. */
function shanghaiIso(moment: Date): string {
  return `${new Date(moment.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}
