import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../access/actor';
import { type Action, type CaseResource, policy } from '../access/policy';
import { dueDateOf } from '../deadlines/period';
import { daysBetween } from '../deadlines/plain-date';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import { Escalation } from '../escalations/escalation.entity';
import { handOffRecordOf } from '../escalations/hand-off-record';
import { type Notification, outboxRows } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { PendingInsert } from '../shared/db/write-batch';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { DeadlineTimerService } from '../timers/deadline-timer.service';
import { type MediationLevel, mediationLevelOf, type Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import type { UserRepository } from '../users/user.repository';
import {
  type CaseContext,
  type CaseEvent,
  caseEventProbes,
  caseMachine,
  caseStatePath,
} from '../workflows/case.machine';
import { admitEvent } from '../workflows/event-admission';
import { applyEvent, type PersistedState } from '../workflows/machine-runner';
import { rulesFor } from '../workflows/rules';
import type { DisputeRules, Track } from '../workflows/rules/dispute-rules.types';
import type { Case, CaseDeadline } from './case.entity';
import { type CaseRepository, type CaseView, type HoldingUnit, nextSeq } from './case.repository';
import type { CaseEventInput } from './case.schemas';
import {
  acceptancePeriodAt,
  extendClock,
  pauseClock,
  resumeClock,
  startAcceptanceClock,
  startMediationClock,
  withReading,
} from './case-deadline';
import { assertAdmittedAsPeriodStands, type StagePeriodToday, stagePeriodToday } from './case-period';
import { Agreement, MediationSession } from './mediation-record.entity';
import type { PartyMatchingRepository } from './party-matching.repository';

/** Actions recorded on a case's chain that are not workflow events (the statechart knows nothing of them). */
export type RecordedAction = {
  type: 'ATTACHMENT_ADDED';
  payload: {
    attachmentId: string;
    fileName: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    description?: string;
  };
};

/** The policy action each recorded action needs. */
const recordedActionPolicy: Record<RecordedAction['type'], Action> = {
  ATTACHMENT_ADDED: 'attachment.add',
};

const unitKindForTrack: Record<Exclude<Track, 'people'>, Unit['kind']> = {
  administrative: 'department',
  judicial: 'court',
};

/** What answering an event needs besides the case after it (see `applyForAnswer`). */
export interface AppliedCaseEvent {
  row: Case;
  /** The access data as the event found it (`CaseService.present` re-reads it if the hand-off changed it). */
  resource: CaseResource;
  /** What the body shows, when the event left units and mediator as they were. */
  view?: CaseView;
}

/** Events after which the case is in a (new) mediation stage with its own period. */
const startsMediationStage = new Set([
  'ACCEPT',
  'ESCALATE',
  'RETURN_DOWN',
  'TRANSFER',
  'CONFIRMATION_REJECTED',
  'RESUME_MEDIATION',
]);

/**
 * THE write path for cases (STYLE.md habit 3): every workflow event, in one
 * transaction — lock the case and check its version, ask the policy, resolve the
 * payload, step the statechart, append the chained event, update the snapshot and
 * its columns, write the escalation/session/agreement record, queue notifications,
 * start/move/cancel the deadline timer, commit. Any failure writes nothing.
 */
export class CaseWorkflowService {
  constructor(
    private readonly db: DataSource,
    private readonly cases: CaseRepository,
    private readonly partyMatching: PartyMatchingRepository,
    private readonly units: UnitRepository,
    private readonly users: UserRepository,
    private readonly clock: Clock,
    private readonly calendar: () => WorkingCalendar,
    /** Starts, moves or cancels the stage's deadline timer in the event's transaction (issue 7). */
    private readonly timers?: Pick<DeadlineTimerService, 'reconcileCaseIn'>,
  ) {}

  async apply(actor: Actor, caseId: string, input: CaseEventInput): Promise<Case> {
    return (await this.applyForAnswer(actor, caseId, input)).row;
  }

  /**
   * `apply`, with what the API's answer shows read under the same row lock: the case's
   * access data as the event found it and, when the event left the units and the
   * mediator as they were (a session logged, a follow-up), what its body shows — so
   * that answering does not read the case again.
   */
  async applyForAnswer(actor: Actor, caseId: string, input: CaseEventInput): Promise<AppliedCaseEvent> {
    if (!isUuid(caseId)) throw new NotFoundError();
    return this.db.transaction(async (tx) => {
      const locked = await this.cases.lockForEvent(caseId, tx);
      admitEvent(actor, locked, input.expectedVersion, (resource) =>
        policy.canSendCaseEvent(actor, input.type, resource),
      );
      const { row, head, holdingUnit } = locked;

      const now = this.clock.now();
      const today = todayInShanghai(now);
      const calendar = this.calendar();
      const rules = rulesFor(row.type, row.rulesVersion);
      const context = row.snapshot.context;
      if (!holdingUnit) throw new Error(`case ${row.id} is held by a missing unit`);

      // a period run out that counts as failed mediation leaves only FAIL and an agreed extension
      const period = stagePeriodToday(row, rules, today, calendar);
      assertAdmittedAsPeriodStands(input.type, period);

      const event = await this.resolve(input, row, context, holdingUnit, rules, today, calendar, tx, period);
      const stepped = applyEvent(caseMachine, row.snapshot, event, {
        candidates: caseEventProbes(today, { periodRunOut: period.runOut }),
      });
      const next = stepped.next.context as CaseContext;
      const toState = caseStatePath(stepped.next.value);

      if (input.type === 'ACCEPT') await this.assertOneActiveForum(row, holdingUnit, tx);

      const { expectedVersion: _version, ...submitted } = input;
      const payload: Record<string, unknown> = { ...submitted, ...event };
      const deadline = await this.deadlineAfter(row, event, next, toState, rules, today, calendar, tx);
      const changes = this.columnsAfter(row, stepped.next, toState, input.type, deadline, today, now);
      const seq = nextSeq(head);
      const sideRecords = await this.sideRecords(
        tx,
        row,
        event,
        seq,
        actor,
        holdingUnit,
        context,
        next,
        today,
        now,
      );
      const notices = outboxRows(this.notificationsFor(row, event, next, actor));
      // the event, the case's new columns and the rows the event adds: one statement
      await this.cases.recordEvent(
        tx,
        {
          caseId: row.id,
          type: input.type,
          actorId: actor.id,
          actorName: actor.displayName,
          unitId: actor.unitId,
          at: now,
          payload,
          fromState: stepped.from,
          toState,
        },
        head,
        changes,
        notices ? [...sideRecords, notices] : sideRecords,
      );
      const updated = { ...row, ...changes } as Case;
      await this.timers?.reconcileCaseIn(tx, updated, locked.timers);
      const shownAsBefore =
        updated.holdingUnitId === row.holdingUnitId &&
        updated.registeredUnitId === row.registeredUnitId &&
        updated.mediatorId === row.mediatorId;
      return { row: updated, resource: locked.resource, view: shownAsBefore ? locked.view : undefined };
    });
  }

  /**
   * Appends a recorded action (not a state change, so not a statechart event) to the
   * case's chain: under the case's row lock, with the policy's say on `action`, and with
   * `alsoWrite` storing its own row in the same transaction. The state stays as it is
   * (fromState = toState); the version moves on like for any event, since it counts the
   * case's events (the chain's length is checked against it: version + 1).
   */
  async recordAction<T>(
    actor: Actor,
    caseId: string,
    action: RecordedAction,
    alsoWrite: (tx: EntityManager, seq: number) => Promise<T>,
  ): Promise<T> {
    if (!isUuid(caseId)) throw new NotFoundError();
    return this.db.transaction(async (tx) => {
      const locked = await this.cases.lockForEvent(caseId, tx);
      if (!locked || !policy.canSee(actor, locked.resource)) throw new NotFoundError();
      const { row, resource, head } = locked;
      if (!policy.can(actor, recordedActionPolicy[action.type], resource)) throw new ForbiddenError();
      const now = this.clock.now();
      const record = await this.cases.appendEvent(
        {
          caseId: row.id,
          type: action.type,
          actorId: actor.id,
          actorName: actor.displayName,
          unitId: actor.unitId,
          at: now,
          payload: action.payload,
          fromState: row.state,
          toState: row.state,
        },
        tx,
        head,
      );
      const written = await alsoWrite(tx, record.seq);
      await this.cases.updateCase(row.id, { version: row.version + 1, updatedAt: now }, tx);
      return written;
    });
  }

  /** Turns the API payload into the machine's event, resolving names and target units. */
  private async resolve(
    input: CaseEventInput,
    row: Case,
    context: CaseContext,
    holdingUnit: HoldingUnit,
    rules: DisputeRules,
    today: string,
    calendar: WorkingCalendar,
    tx: EntityManager,
    period: StagePeriodToday,
  ): Promise<CaseEvent> {
    const { expectedVersion: _version, ...payload } = input;
    switch (payload.type) {
      case 'REFER_OUT':
        // from mediation only once the period has run out (劳动争议调解仲裁法 §14): the machine's guard reads it
        return { ...payload, periodRunOut: period.runOut };
      case 'ACCEPT': {
        if (payload.track === 'people') {
          const level = payload.level ?? mediationLevelOf(holdingUnit.kind);
          if (!level) throw new ValidationError([{ field: 'level', message: 'validation.required' }]);
          const unit = await this.peoplesUnitAt(holdingUnit, level, tx);
          return { type: 'ACCEPT', track: 'people', level, unitId: unit.id };
        }
        const unit = await this.unitOfKind(
          payload.unitId,
          unitKindForTrack[payload.track],
          holdingUnit,
          'unitId',
          tx,
        );
        return { type: 'ACCEPT', track: payload.track, unitId: unit.id };
      }
      case 'ASSIGN': {
        const mediator = payload.mediatorId
          ? await this.users.findById(payload.mediatorId, tx)
          : payload.mediatorUsername
            ? await this.users.findByUsername(payload.mediatorUsername, tx)
            : null;
        const field = payload.mediatorId || !payload.mediatorUsername ? 'mediatorId' : 'mediatorUsername';
        if (!payload.mediatorId && !payload.mediatorUsername)
          throw new ValidationError([{ field, message: 'validation.required' }]);
        if (!mediator?.active || mediator.role !== 'mediator' || mediator.unitId !== row.holdingUnitId) {
          throw new RuleViolationError('validation_failed', [
            { field, message: 'validation.mediator_not_in_unit' },
          ]);
        }
        return { type: 'ASSIGN', mediatorId: mediator.id };
      }
      case 'ESCALATE': {
        const level = context.level;
        const above: Record<MediationLevel, MediationLevel | null> = {
          community: 'street',
          street: 'district',
          district: null,
        };
        const target =
          level && above[level]
            ? await this.peoplesUnitAt(holdingUnit, above[level] as MediationLevel, tx).catch(() => null)
            : null;
        // no unit above: the machine refuses the event (isBelowDistrictLevel) with the allowed list
        return {
          type: 'ESCALATE',
          reasonCode: payload.reasonCode,
          reason: payload.reason,
          unitId: target?.id ?? holdingUnit.id,
        };
      }
      case 'RETURN_DOWN': {
        const target = payload.unitId
          ? await this.units.findById(payload.unitId, tx)
          : await this.unitThatEscalatedTo(row.id, holdingUnit.id, tx);
        if (
          !target ||
          target.parentId !== holdingUnit.id ||
          !mediationLevelOf(target.kind) ||
          !target.active
        ) {
          throw new ValidationError([{ field: 'unitId', message: 'validation.return_down_target' }]);
        }
        return { type: 'RETURN_DOWN', instructions: payload.instructions, unitId: target.id };
      }
      case 'TRANSFER': {
        if (payload.toTrack === 'people') {
          const unit = await this.units.findById(payload.unitId, tx);
          const level = unit ? mediationLevelOf(unit.kind) : null;
          if (!unit?.active || !level || !(await this.sameDistrict(unit, holdingUnit, tx))) {
            throw new ValidationError([{ field: 'unitId', message: 'validation.transfer_target' }]);
          }
          return { type: 'TRANSFER', toTrack: 'people', level, unitId: unit.id, reason: payload.reason };
        }
        const unit = await this.unitOfKind(
          payload.unitId,
          unitKindForTrack[payload.toTrack],
          holdingUnit,
          'unitId',
          tx,
        );
        return { type: 'TRANSFER', toTrack: payload.toTrack, unitId: unit.id, reason: payload.reason };
      }
      case 'REACH_AGREEMENT': {
        // 人民调解法 §33: apply jointly within 30 days of the agreement taking effect (a written one: on signing, today)
        const window = rules.judicialConfirmation;
        const confirmable = window.applies && payload.form === 'written' && context.track === 'people';
        const confirmationWindowEndsOn = confirmable
          ? dueDateOf(today, window.applicationWindow, calendar)
          : null;
        return {
          type: 'REACH_AGREEMENT',
          form: payload.form,
          terms: payload.terms,
          performBy: payload.performBy,
          confirmationWindowEndsOn,
        };
      }
      case 'REQUEST_JUDICIAL_CONFIRMATION': {
        const court = await this.unitOfKind(payload.court, 'court', holdingUnit, 'court', tx);
        if (payload.appliedOn > today)
          throw new ValidationError([{ field: 'appliedOn', message: 'validation.date_in_future' }]);
        return { type: 'REQUEST_JUDICIAL_CONFIRMATION', court: court.id, appliedOn: payload.appliedOn };
      }
      default:
        return payload as CaseEvent;
    }
  }

  /** The people's-mediation unit at `level` on the holding unit's line: itself or an ancestor. */
  private async peoplesUnitAt(
    holdingUnit: HoldingUnit,
    level: MediationLevel,
    tx: EntityManager,
  ): Promise<HoldingUnit> {
    let unit: HoldingUnit | null = holdingUnit;
    if (!mediationLevelOf(holdingUnit.kind)) unit = await this.units.findDistrictOf(holdingUnit.id, tx);
    while (unit && unit.kind !== level)
      unit = unit.parentId ? await this.units.findById(unit.parentId, tx) : null;
    if (!unit?.active) throw new ValidationError([{ field: 'level', message: 'validation.level_not_above' }]);
    return unit;
  }

  private async unitOfKind(
    id: string | undefined,
    kind: Unit['kind'],
    holdingUnit: HoldingUnit,
    field: string,
    tx: EntityManager,
  ) {
    const unit = id ? await this.units.findById(id, tx) : null;
    if (!unit?.active || unit.kind !== kind || !(await this.sameDistrict(unit, holdingUnit, tx))) {
      throw new ValidationError([{ field, message: `validation.unit_must_be_${kind}` }]);
    }
    return unit;
  }

  private async sameDistrict(a: HoldingUnit, b: HoldingUnit, tx: EntityManager): Promise<boolean> {
    return a.path.split('.')[0] === b.path.split('.')[0] || (await this.units.isWithin(a.id, b.id, tx));
  }

  /** RETURN_DOWN without a unit: back to the unit that escalated the case here. */
  private async unitThatEscalatedTo(caseId: string, unitId: string, tx: EntityManager): Promise<Unit | null> {
    const last = await tx.findOne(Escalation, {
      where: { caseId, toUnitId: unitId, kind: 'ESCALATE' },
      order: { createdAt: 'DESC' },
    });
    return last ? this.units.findById(last.fromUnitId, tx) : null;
  }

  /** 一案一处: a dispute accepted by one forum is not accepted in parallel by another. */
  private async assertOneActiveForum(row: Case, holdingUnit: HoldingUnit, tx: EntityManager) {
    const parties = await this.cases.partiesOf(row.id, tx);
    const related = [row.id, ...(row.masterCaseId ? [row.masterCaseId] : [])];
    const [conflict] = await this.partyMatching.findActiveForumsFor(parties, related, tx);
    if (!conflict) return;
    const forum = await this.units.findById(conflict.holding_unit_id, tx);
    throw new RuleViolationError('already_in_forum', undefined, {
      number: conflict.number,
      unit: forum?.nameZh ?? holdingUnit.nameZh,
      unitEn: forum?.nameEn ?? holdingUnit.nameEn,
    });
  }

  /**
   * The case's clock after the event. In mediation: a new stage's period (from the
   * application, for labour, where a hand-off restarts nothing), paused, resumed, or
   * extended by agreement. In screening at the type's administrative body after a
   * transfer: the body's period to decide acceptance (医疗 §40), which any way out of
   * screening ends. Elsewhere none.
   */
  private async deadlineAfter(
    row: Case,
    event: CaseEvent,
    next: CaseContext,
    toState: string,
    rules: DisputeRules,
    today: string,
    calendar: WorkingCalendar,
    tx: EntityManager,
  ): Promise<CaseDeadline | null> {
    const current = row.deadline;
    if (toState === 'registered' || toState === 'screening') {
      if (event.type === 'TRANSFER') {
        const department = await this.units.findById(next.holdingUnitId, tx);
        const period = department ? acceptancePeriodAt(rules, department) : null;
        return period ? startAcceptanceClock(period, today, today, calendar) : null;
      }
      return current?.clock === 'acceptance' ? withReading(current, today, calendar) : null;
    }
    if (!toState.startsWith('mediation.')) return null;
    if (startsMediationStage.has(event.type) && next.track) {
      const mediation = current?.clock === 'acceptance' ? null : current;
      return startMediationClock(
        rules,
        next.track,
        { today, receivedOn: row.receivedOn, current: mediation },
        calendar,
      );
    }
    if (!current) return null;
    if (event.type === 'SUSPEND' && next.track && next.suspendedReason)
      return pauseClock(current, rules, next.track, next.suspendedReason, today, calendar);
    if (event.type === 'RESUME') return resumeClock(current, today, calendar);
    if (event.type === 'EXTEND_PERIOD') return extendClock(current, event.days, today, calendar);
    return withReading(current, today, calendar);
  }

  /** The queryable columns, in step with the new snapshot. */
  private columnsAfter(
    row: Case,
    snapshot: PersistedState<CaseContext>,
    toState: string,
    eventType: string,
    deadline: CaseDeadline | null,
    today: string,
    now: Date,
  ): Partial<Case> {
    const next = snapshot.context;
    const holdingUnitId = next.holdingUnitId;
    const closing = toState === 'closed' && row.state !== 'closed';
    return {
      snapshot,
      version: row.version + 1,
      state: toState,
      outcome: next.outcome,
      track: next.track,
      level: next.level,
      holdingUnitId,
      heldUnitIds: row.heldUnitIds.includes(holdingUnitId)
        ? row.heldUnitIds
        : [...row.heldUnitIds, holdingUnitId],
      mediatorId: next.mediatorId,
      deadline,
      deadlineDue: deadline?.due ?? null,
      overdue: deadline ? deadline.due < today : false,
      screenedAt: row.screenedAt ?? (['ACCEPT', 'DECLINE', 'REFER_OUT'].includes(eventType) ? now : null),
      acceptedAt: eventType === 'ACCEPT' ? (row.acceptedAt ?? now) : row.acceptedAt,
      closedAt: toState === 'closed' ? (closing ? now : row.closedAt) : null,
      // a case closed with no stage clock running (e.g. after an agreement) counts as on time
      closedOnTime:
        toState === 'closed'
          ? closing
            ? row.deadline
              ? row.deadline.due >= today
              : true
            : row.closedOnTime
          : null,
      resolvedLevel: toState === 'closed' && next.outcome === 'resolved' ? next.level : null,
      updatedAt: now,
    };
  }

  /**
   * The rows an event adds besides itself (a session, a hand-off), for the event's one
   * statement; what it changes in rows that exist already (the case's agreement) is
   * written here, in the event's transaction, first.
   */
  private async sideRecords(
    tx: EntityManager,
    row: Case,
    event: CaseEvent,
    seq: number,
    actor: Actor,
    holdingUnit: HoldingUnit,
    before: CaseContext,
    after: CaseContext,
    today: string,
    now: Date,
  ): Promise<PendingInsert[]> {
    switch (event.type) {
      case 'LOG_SESSION':
        return [
          {
            into: MediationSession,
            values: {
              caseId: row.id,
              eventSeq: seq,
              kind: event.kind,
              heldAt: new Date(event.heldAt),
              place: event.place ?? null,
              attendees: event.attendees ?? null,
              minutes: event.minutes,
              recordedBy: actor.id,
            },
          },
        ];
      case 'REACH_AGREEMENT':
        // the agreement before goes first: only one is active at a time
        await tx.update(Agreement, { caseId: row.id, status: 'active' }, { status: 'superseded' });
        await tx.insert(Agreement, {
          caseId: row.id,
          eventSeq: seq,
          form: event.form,
          terms: event.terms,
          performBy: event.performBy ?? null,
          reachedOn: today,
          confirmationWindowEndsOn: event.confirmationWindowEndsOn,
        });
        return [];
      case 'CONFIRMED':
        await tx.update(
          Agreement,
          { caseId: row.id, status: 'active' },
          { judiciallyConfirmed: true, rulingNo: event.rulingNo ?? null },
        );
        return [];
      case 'FULFILLED':
      case 'BREACHED':
        await tx.update(
          Agreement,
          { caseId: row.id, status: 'active' },
          { status: event.type === 'FULFILLED' ? 'fulfilled' : 'breached' },
        );
        return [];
      case 'RESUME_MEDIATION':
      case 'CONFIRMATION_REJECTED':
        await tx.update(Agreement, { caseId: row.id, status: 'active' }, { status: 'superseded' });
        return [];
      case 'ESCALATE':
      case 'RETURN_DOWN':
      case 'TRANSFER': {
        const heldSince = await this.heldSince(row.id, holdingUnit.id, row.createdAt, tx);
        const sessionsHeld = await tx.count(MediationSession, { where: { caseId: row.id } });
        const handOff: PendingInsert<Escalation> = {
          into: Escalation,
          values: {
            caseId: row.id,
            eventSeq: seq,
            fromUnitId: holdingUnit.id,
            toUnitId: after.holdingUnitId,
            ...handOffRecordOf(event, before, after),
            sessionsHeld,
            daysHeld: Math.max(0, daysBetween(todayInShanghai(heldSince), today)),
            byUserId: actor.id,
            status: 'pending',
            createdAt: now,
          },
        };
        return [handOff];
      }
      default:
        return [];
    }
  }

  /** When the current holding unit received the case (its last hand-off in, else registration). */
  private async heldSince(
    caseId: string,
    unitId: string,
    registeredAt: Date,
    tx: EntityManager,
  ): Promise<Date> {
    const lastIn = await tx.findOne(Escalation, {
      where: { caseId, toUnitId: unitId },
      order: { createdAt: 'DESC' },
    });
    return lastIn?.createdAt ?? registeredAt;
  }

  private notificationsFor(row: Case, event: CaseEvent, next: CaseContext, actor: Actor): Notification[] {
    const subject = { subjectType: 'case' as const, subjectId: row.id };
    const payload = { number: row.number, title: row.title, event: event.type, by: actor.displayName };
    switch (event.type) {
      case 'ASSIGN':
        return [{ kind: 'case.assigned', recipientUserId: next.mediatorId, ...subject, payload }];
      case 'ESCALATE':
      case 'RETURN_DOWN':
      case 'TRANSFER':
        return [{ kind: 'case.handed_off', recipientUnitId: next.holdingUnitId, ...subject, payload }];
      case 'REOPEN':
        return [{ kind: 'case.reopened', recipientUnitId: next.holdingUnitId, ...subject, payload }];
      default:
        return [];
    }
  }
}
