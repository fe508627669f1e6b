import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../access/actor';
import { type CaseResource, type PetitionResource, policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { CaseEventInput } from '../cases/case.schemas';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ForbiddenError, NotFoundError, RuleViolationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { CalendarEntry } from './appointment';
import type { AppointmentRepository } from './appointment.repository';
import type { AppointmentReminders } from './appointment-reminders';

/** What the schedule needs of cases: who may see one, and the case write path for its sessions. */
export interface ScheduleCasePort {
  getVisible(
    actor: Actor,
    id: string,
    tx?: Tx,
  ): Promise<{ row: { version: number }; resource: CaseResource }>;
  apply(actor: Actor, caseId: string, input: CaseEventInput): Promise<unknown>;
}
export interface SchedulePetitionPort {
  getVisible(
    actor: Actor,
    id: string,
    tx?: Tx,
  ): Promise<{ row: { holdingUnitId: string; agentId: string | null }; resource: PetitionResource }>;
}

export const hashFeedToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The schedule (日程): calendars per person and per unit, moving and cancelling what is
 * planned, the petition visits an agent plans, and the calendar feed's secret token. A case's
 * sessions are planned, moved and cancelled through the case write path (SCHEDULE_SESSION,
 * CANCEL_SESSION: on the case's chain, with the parties' next session); its follow-up and a
 * petition's visits are not case events, so they are changed here, audited.
 */
export class ScheduleService {
  constructor(
    private readonly deps: {
      transactions: Transactions;
      appointments: AppointmentRepository;
      reminders: AppointmentReminders;
      audit: AuditService;
      clock: Clock;
      cases: ScheduleCasePort;
      petitions: SchedulePetitionPort;
    },
  ) {}

  /** One person's appointments between two moments (their own calendar; cancelled ones shown struck through). */
  mine(actor: Actor, from: Date, to: Date): Promise<CalendarEntry[]> {
    return this.deps.appointments.between({ ownerUserId: actor.id }, from, to, { includeCancelled: true });
  }

  /** The unit's calendar: a supervisor's covers the units under theirs, a mediator's or agent's their own unit. */
  unit(actor: Actor, from: Date, to: Date): Promise<CalendarEntry[]> {
    return this.deps.appointments.between(
      actor.role === 'supervisor' ? { unitPath: actor.unitPath } : { unitId: actor.unitId },
      from,
      to,
      { includeCancelled: true },
    );
  }

  /** What a person has planned from now on, for `days` days (the agent's home page reads it: G2). */
  async upcomingFor(userId: string, days: number): Promise<CalendarEntry[]> {
    const now = this.deps.clock.now();
    const until = new Date(now.getTime() + days * 86_400_000);
    const entries = await this.deps.appointments.between({ ownerUserId: userId }, now, until);
    return entries.filter((entry) => entry.status === 'planned');
  }

  /** The appointments of a case or petition the actor may see (its page lists them). */
  async of(actor: Actor, subject: { type: 'case' | 'petition'; id: string }) {
    await this.visibleSubject(actor, subject);
    return this.deps.appointments.allOf(subject);
  }

  /** One appointment, if the actor may see its case or petition; else 404. */
  async get(actor: Actor, id: string): Promise<CalendarEntry> {
    if (!isUuid(id)) throw new NotFoundError();
    const entry = await this.deps.appointments.find(id);
    if (!entry) throw new NotFoundError();
    await this.visibleSubject(actor, { type: entry.subjectType, id: entry.subjectId });
    return entry;
  }

  /** Calls a planned appointment off, with the reason. */
  async cancel(actor: Actor, id: string, reason: string, origin: RequestOrigin): Promise<CalendarEntry> {
    const entry = await this.plannedFor(actor, id);
    if (entry.subjectType === 'case' && entry.kind !== 'follow_up') {
      const { row } = await this.deps.cases.getVisible(actor, entry.subjectId);
      await this.deps.cases.apply(actor, entry.subjectId, {
        type: 'CANCEL_SESSION',
        appointmentId: id,
        reason,
        expectedVersion: row.version,
      });
    } else {
      await this.changeOutsideChain(
        actor,
        entry,
        origin,
        'schedule.appointment_cancelled',
        { reason },
        (tx) =>
          this.deps.appointments.setStatus(
            tx,
            id,
            { status: 'cancelled', cancelReason: reason },
            this.deps.clock.now(),
          ),
      );
    }
    return this.deps.appointments.find(id) as Promise<CalendarEntry>;
  }

  /** Moves a planned appointment to another moment (and place): its reminders go again for the new one. */
  async move(
    actor: Actor,
    id: string,
    change: { at: string; place?: string },
    origin: RequestOrigin,
  ): Promise<CalendarEntry> {
    const entry = await this.plannedFor(actor, id);
    const startsAt = new Date(change.at);
    if (startsAt.getTime() <= this.deps.clock.now().getTime())
      throw new RuleViolationError('validation_failed', [
        { field: 'at', message: 'validation.moment_not_ahead' },
      ]);
    if (entry.subjectType === 'case' && entry.kind !== 'follow_up') {
      const { row } = await this.deps.cases.getVisible(actor, entry.subjectId);
      const kind = entry.kind;
      await this.deps.cases.apply(actor, entry.subjectId, {
        type: 'SCHEDULE_SESSION',
        appointmentId: id,
        at: change.at,
        kind,
        ...(change.place ? { place: change.place } : {}),
        expectedVersion: row.version,
      });
    } else {
      await this.changeOutsideChain(actor, entry, origin, 'schedule.appointment_moved', change, (tx) =>
        this.deps.appointments.move(tx, id, { startsAt, place: change.place ?? null }, this.deps.clock.now()),
      );
    }
    return this.deps.appointments.find(id) as Promise<CalendarEntry>;
  }

  /** An agent plans a visit to the petitioner (or a supervisor for the petition's agent). */
  async planVisit(
    actor: Actor,
    petitionId: string,
    plan: { at: string; place?: string; attendees?: string },
    origin: RequestOrigin,
  ): Promise<CalendarEntry> {
    const { row, resource } = await this.deps.petitions.getVisible(actor, petitionId);
    if (!policy.canSendPetitionEvent(actor, 'ASSIGN_AGENT', resource) && !policy.canLogVisit(actor, resource))
      throw new ForbiddenError();
    const startsAt = new Date(plan.at);
    const now = this.deps.clock.now();
    if (startsAt.getTime() <= now.getTime())
      throw new RuleViolationError('validation_failed', [
        { field: 'at', message: 'validation.moment_not_ahead' },
      ]);
    const id = await this.deps.transactions.run(async (tx) => {
      const planned = await this.deps.appointments.insert(
        tx,
        {
          subjectType: 'petition',
          subjectId: petitionId,
          kind: 'visit',
          startsAt,
          place: plan.place ?? null,
          attendees: plan.attendees ?? null,
          ownerUserId: row.agentId ?? (actor.role === 'petition_agent' ? actor.id : null),
          unitId: row.holdingUnitId,
          plannedBy: actor.id,
        },
        now,
      );
      await this.deps.reminders.rescheduleIn(tx, planned.id);
      await this.deps.audit.record(
        origin,
        {
          action: 'schedule.visit_planned',
          target: { type: 'petition', id: petitionId },
          details: { appointmentId: planned.id },
        },
        tx,
      );
      return planned.id;
    });
    return this.deps.appointments.find(id) as Promise<CalendarEntry>;
  }

  // ---------------------------------------------------------------- the calendar feed

  /** A new secret token for the actor's feed (the old one stops working), answered once in clear; audited. */
  async resetFeedToken(actor: Actor, origin: RequestOrigin): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.deps.transactions.run(async (tx) => {
      await this.deps.appointments.replaceFeed(tx, actor.id, hashFeedToken(token), this.deps.clock.now());
      await this.deps.audit.record(
        origin,
        { action: 'schedule.feed_token_reset', target: { type: 'user', id: actor.id } },
        tx,
      );
    });
    return token;
  }

  hasFeed(actor: Actor): Promise<boolean> {
    return this.deps.appointments.hasFeed(actor.id);
  }

  /** The feed's entries (a month back, half a year ahead), or 404 for a token that is not (or no longer) one. */
  async feed(token: string): Promise<CalendarEntry[]> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) throw new NotFoundError();
    const userId = await this.deps.appointments.feedOwner(hashFeedToken(token));
    if (!userId) throw new NotFoundError();
    const now = this.deps.clock.now();
    return this.deps.appointments.between(
      { ownerUserId: userId },
      new Date(now.getTime() - 31 * 86_400_000),
      new Date(now.getTime() + 183 * 86_400_000),
      { includeCancelled: true },
    );
  }

  // ---------------------------------------------------------------- helpers

  private async visibleSubject(actor: Actor, subject: { type: 'case' | 'petition'; id: string }) {
    return subject.type === 'case'
      ? (await this.deps.cases.getVisible(actor, subject.id)).resource
      : (await this.deps.petitions.getVisible(actor, subject.id)).resource;
  }

  /** A planned appointment the actor may change: one who may act on its case or log its petition's visits. */
  private async plannedFor(actor: Actor, id: string): Promise<CalendarEntry> {
    const entry = await this.get(actor, id);
    const resource = await this.visibleSubject(actor, { type: entry.subjectType, id: entry.subjectId });
    const may =
      resource.kind === 'case'
        ? policy.canSendCaseEvent(
            actor,
            entry.kind === 'follow_up' ? 'RECORD_FOLLOW_UP' : 'SCHEDULE_SESSION',
            resource,
          )
        : policy.canLogVisit(actor, resource) || policy.canSendPetitionEvent(actor, 'ASSIGN_AGENT', resource);
    if (!may) throw new ForbiddenError();
    if (entry.status !== 'planned')
      throw new RuleViolationError('validation_failed', [
        { field: 'appointmentId', message: 'validation.appointment_not_planned' },
      ]);
    return entry;
  }

  /** A follow-up's or a petition visit's change: under the row lock, its reminders moved, audited. */
  private async changeOutsideChain(
    _actor: Actor,
    entry: CalendarEntry,
    origin: RequestOrigin,
    action: string,
    details: Record<string, unknown>,
    write: (tx: Tx) => Promise<void>,
  ): Promise<void> {
    await this.deps.transactions.run(async (tx) => {
      const locked = await this.deps.appointments.lock(tx, entry.id);
      if (locked?.status !== 'planned')
        throw new RuleViolationError('validation_failed', [
          { field: 'appointmentId', message: 'validation.appointment_not_planned' },
        ]);
      await write(tx);
      await this.deps.reminders.rescheduleIn(tx, entry.id);
      await this.deps.audit.record(
        origin,
        {
          action,
          target: { type: entry.subjectType, id: entry.subjectId },
          details: { appointmentId: entry.id, ...details },
        },
        tx,
      );
    });
  }
}
