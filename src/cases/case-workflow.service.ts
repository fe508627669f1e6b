import type { Actor } from '../access/actor';
import { type Action, type CaseResource, policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { EscalationRepository } from '../escalations/escalation.repository';
import { outboxRows } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import { isUuid } from '../shared/ids';
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
import { nextSeq } from '../workflows/event-chain';
import { eventBy } from '../workflows/event-log.repository';
import { applyEvent } from '../workflows/machine-runner';
import { rulesFor } from '../workflows/rules';
import type { Case } from './case.entity';
import type { CaseRepository, CaseView, HoldingUnit } from './case.repository';
import type { CaseEventInput } from './case.schemas';
import type { CaseAppointments } from './case-appointments';
import { columnsAfter } from './case-event-columns';
import { deadlineAfter } from './case-event-deadline';
import { noticesOf } from './case-event-notices';
import { CaseEventRecords } from './case-event-records';
import { CaseEventResolver } from './case-event-resolver';
import type { CaseEventStep, SteppedCaseEvent } from './case-event-step';
import { CasePartyNotices } from './case-party-notices';
import { assertAdmittedAsPeriodStands, stagePeriodToday } from './case-period';
import type { CaseTimers } from './case-timers';
import { caseViewNoticeAfterCommit } from './case-view-cache';
import type { MediationRecordRepository } from './mediation-record.repository';
import type { OneForum } from './one-forum';

/** Actions recorded on a case's chain that are not workflow events (the statechart knows nothing of them). */
export type RecordedAction =
  | {
      type: 'ATTACHMENT_ADDED';
      payload: {
        attachmentId: string;
        fileName: string;
        contentType: string;
        sizeBytes: number;
        sha256: string;
        description?: string;
      };
    }
  /** 群体性纠纷: the case linked to, or taken out of, its master case (issue 21, `CaseGroupService`). */
  | { type: 'GROUP_LINKED' | 'GROUP_UNLINKED'; payload: { masterCaseId: string; masterNumber: string } };

/** The policy action each recorded action needs. */
const recordedActionPolicy: Record<RecordedAction['type'], Action> = {
  ATTACHMENT_ADDED: 'attachment.add',
  GROUP_LINKED: 'case.act',
  GROUP_UNLINKED: 'case.act',
};

/** What answering an event needs besides the case after it (see `applyForAnswer`). */
export interface AppliedCaseEvent {
  row: Case;
  /** The access data as the event found it (`CasePresenter.present` re-reads it if the hand-off changed it). */
  resource: CaseResource;
  /** What the body shows, when the event left units and mediator as they were. */
  view?: CaseView;
  /** ACCEPT: the parties' new lookup code (查询码) in clear — the only time it exists so (src/tracking). */
  lookupCode?: string;
}

/**
 * Issues a case's party lookup code in the event's transaction (src/tracking's
 * `LookupCodeIssuer`), answering it in clear; declared here so that cases need not import tracking.
 */
export interface CaseLookupCodeIssuer {
  issueIn(
    tx: Tx,
    subject: { type: 'case'; id: string },
    origin: RequestOrigin,
    on: 'accept',
  ): Promise<string>;
}

/**
 * THE write path for cases (STYLE.md habit 3): every workflow event, in one
 * transaction — lock the case and check its version, ask the policy, resolve the
 * payload, step the statechart, append the chained event, update the snapshot and
 * its columns, write the escalation/session/agreement record, queue notifications,
 * start/move/cancel the deadline timer, commit. Any failure writes nothing.
 */
export class CaseWorkflowService {
  private readonly transactions: Transactions;
  private readonly cases: CaseRepository;
  private readonly oneForum: OneForum;
  private readonly units: UnitRepository;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;
  /** Starts, moves or cancels the stage's deadline timer in the event's transaction (issue 7). */
  private readonly timers?: CaseTimers;
  private readonly resolver: CaseEventResolver;
  private readonly records: CaseEventRecords;
  /** SMS to the parties who consented (issue 20): in the same batch as the mails. */
  private readonly partyNotices: CasePartyNotices;
  /** Records a department chosen against the type's competent body (ACCEPT, TRANSFER: issue 19). */
  private readonly audit?: AuditService;
  /** A lookup code for the parties when the case is accepted (issue 20). */
  private readonly lookupCodes?: CaseLookupCodeIssuer;
  /** The schedule's appointments the event plans, moves, cancels or holds (issue 21). */
  private readonly appointments?: CaseAppointments;

  constructor(deps: {
    transactions: Transactions;
    cases: CaseRepository;
    oneForum: OneForum;
    units: UnitRepository;
    users: UserRepository;
    mediationRecords: MediationRecordRepository;
    escalations: EscalationRepository;
    clock: Clock;
    calendar: () => WorkingCalendar;
    timers?: CaseTimers;
    audit?: AuditService;
    lookupCodes?: CaseLookupCodeIssuer;
    appointments?: CaseAppointments;
    /** DATA_KEY's cipher: seals a lookup code for its wait in the outbox. */
    cipher: Pick<PersonalDataCipher, 'encrypt'>;
  }) {
    this.transactions = deps.transactions;
    this.cases = deps.cases;
    this.oneForum = deps.oneForum;
    this.units = deps.units;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
    this.timers = deps.timers;
    this.audit = deps.audit;
    this.lookupCodes = deps.lookupCodes;
    this.appointments = deps.appointments;
    this.resolver = new CaseEventResolver(deps.units, deps.users, deps.escalations);
    this.records = new CaseEventRecords(deps.mediationRecords, deps.escalations);
    this.partyNotices = new CasePartyNotices(deps.cases, deps.units, (text) => deps.cipher.encrypt(text));
  }

  async apply(actor: Actor, caseId: string, input: CaseEventInput, origin?: RequestOrigin): Promise<Case> {
    return (await this.applyForAnswer(actor, caseId, input, origin)).row;
  }

  /**
   * `apply`, with what the API's answer shows read under the same row lock: the case's
   * access data as the event found it and, when the event left the units and the
   * mediator as they were (a session logged, a follow-up), what its body shows — so
   * that answering does not read the case again.
   */
  async applyForAnswer(
    actor: Actor,
    caseId: string,
    input: CaseEventInput,
    origin: RequestOrigin = { actor: { id: actor.id, username: actor.username }, ip: null },
  ): Promise<AppliedCaseEvent> {
    if (!isUuid(caseId)) throw new NotFoundError();
    // BEGIN goes with the locked read, COMMIT with the event's writes: two round trips for a session logged
    const opening = this.openingOf(caseId, input);
    return this.transactions.runBracketed(
      opening.statements,
      async (tx, bracket) => {
        const planned = opening.planned ? bracket.results[1] : undefined;
        const locked = await this.cases.lockedForEvent(tx, caseId, bracket.rows);
        admitEvent(actor, locked, input.expectedVersion, (resource) =>
          policy.canSendCaseEvent(actor, input.type, resource),
        );
        const { row, head, holdingUnit } = locked;
        if (!holdingUnit) throw new Error(`case ${row.id} is held by a missing unit`);
        const step = this.stepOf(actor, row, holdingUnit, tx);
        // a period run out that counts as failed mediation leaves only FAIL and an agreed extension
        assertAdmittedAsPeriodStands(input.type, step.period);

        const resolved = await this.resolver.resolve(step, input);
        const event = this.appointments
          ? await this.appointments.applyIn(step, resolved, nextSeq(head), planned)
          : resolved;
        const machine = applyEvent(caseMachine, row.snapshot, event, {
          candidates: () => caseEventProbes(step.today, { periodRunOut: step.period.runOut }),
        });
        const stepped: SteppedCaseEvent = {
          ...step,
          event,
          snapshot: machine.next,
          after: machine.next.context as CaseContext,
          fromState: machine.from,
          toState: caseStatePath(machine.next.value),
          seq: nextSeq(head),
        };
        if (input.type === 'ACCEPT') await this.assertOneActiveForum(stepped, input);

        const payload = payloadOf(input, event);
        await this.auditDepartmentOverride(origin, stepped, tx);
        const deadline = await deadlineAfter(stepped, this.units);
        const changes = columnsAfter(stepped, deadline);
        const sideRecords = await this.records.sideRecords(stepped);
        // accepted: the parties get a lookup code, in their acceptance SMS and answered once in clear (issue 20)
        const lookupCode =
          input.type === 'ACCEPT'
            ? await this.lookupCodes?.issueIn(tx, { type: 'case', id: row.id }, origin, 'accept')
            : undefined;
        const notices = outboxRows(
          noticesOf(stepped, deadline?.due),
          await this.partyNotices.of(stepped, { lookupCode }),
        );
        const updated = { ...row, ...changes } as Case;
        // the timers first: the event's one statement (the event, the case's new columns, the rows it adds) goes with COMMIT
        await this.timers?.reconcileCaseIn(tx, updated, locked.timers, {
          now: step.now,
          calendar: step.calendar,
        });
        const { statement } = this.cases.eventWrites(
          tx,
          {
            caseId: row.id,
            ...eventBy(actor, step.now, {
              type: input.type,
              payload,
              fromState: stepped.fromState,
              toState: stepped.toState,
            }),
          },
          head,
          changes,
          notices ? [...sideRecords, notices] : sideRecords,
        );
        await bracket.commitWith(statement);
        const shownAsBefore =
          updated.holdingUnitId === row.holdingUnitId &&
          updated.registeredUnitId === row.registeredUnitId &&
          updated.mediatorId === row.mediatorId;
        return {
          row: updated,
          resource: locked.resource,
          view: shownAsBefore ? locked.view : undefined,
          ...(lookupCode ? { lookupCode } : {}),
        };
      },
      { thenNotify: [opening.notice] },
    );
  }

  /**
   * What an event's transaction sends with its BEGIN: the case's locked read (which also tells
   * the trigger that the case's change notice, `CaseViewCache`, is said after the commit), and
   * the planned read of the appointment it concerns (if any: then second).
   */
  private openingOf(caseId: string, input: CaseEventInput) {
    const plannedRead = this.appointments?.plannedRead(
      caseId,
      input.type,
      'appointmentId' in input ? input.appointmentId : undefined,
    );
    return {
      statements: [this.cases.lockForEventStatement(caseId), ...(plannedRead ? [plannedRead] : [])],
      planned: Boolean(plannedRead),
      notice: caseViewNoticeAfterCommit(caseId),
    };
  }

  /** The step object of an event on the locked case: the moment, the day, the rules and the period as it stands. */
  private stepOf(actor: Actor, row: Case, holdingUnit: HoldingUnit, tx: Tx): CaseEventStep {
    const now = this.clock.now();
    const today = todayInShanghai(now);
    const calendar = this.calendar();
    const rules = rulesFor(row.type, row.rulesVersion);
    const period = stagePeriodToday(row, rules, today, calendar);
    return { actor, row, holdingUnit, rules, calendar, today, now, tx, period, before: row.snapshot.context };
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
    alsoWrite: (tx: Tx, seq: number) => Promise<T>,
  ): Promise<T> {
    if (!isUuid(caseId)) throw new NotFoundError();
    return this.transactions.run(async (tx) => {
      const locked = await this.cases.lockForEvent(caseId, tx);
      if (!locked || !policy.canSee(actor, locked.resource)) throw new NotFoundError();
      const { row, resource, head } = locked;
      if (!policy.can(actor, recordedActionPolicy[action.type], resource)) throw new ForbiddenError();
      const now = this.clock.now();
      const record = await this.cases.appendEvent(
        {
          caseId: row.id,
          ...eventBy(actor, now, {
            type: action.type,
            payload: action.payload,
            fromState: row.state,
            toState: row.state,
          }),
        },
        tx,
        head,
      );
      const written = await alsoWrite(tx, record.seq);
      await this.cases.updateCase(row.id, { version: row.version + 1, updatedAt: now }, tx);
      return written;
    });
  }

  /** A department other than the type's competent body, chosen with a reason: an audit entry beside the event. */
  private async auditDepartmentOverride(
    origin: RequestOrigin,
    { event, row, rules }: SteppedCaseEvent,
    tx: Tx,
  ) {
    if (event.type !== 'ACCEPT' && event.type !== 'TRANSFER') return;
    const reason = 'departmentOverrideReason' in event ? event.departmentOverrideReason : undefined;
    if (!reason) return;
    await this.audit?.record(
      origin,
      {
        action: 'case.department_override',
        target: { type: 'case', id: row.id },
        details: {
          event: event.type,
          unitId: event.unitId,
          competentBody: rules.administrativeBody?.zh,
          reason,
        },
      },
      tx,
    );
  }

  /**
   * 一案一处 (`OneForum`): a dispute accepted by one forum is not accepted in parallel by
   * another; a referral out is acknowledged (`forumAcknowledged`) or, where the type's law
   * bars a second forum, refused.
   */
  private async assertOneActiveForum({ actor, row, tx }: SteppedCaseEvent, input: CaseEventInput) {
    const parties = await this.cases.partiesOf(row.id, tx);
    await this.oneForum.assertFree(
      actor,
      {
        type: row.type,
        parties,
        exceptCaseIds: [row.id, ...(row.masterCaseId ? [row.masterCaseId] : [])],
        sameMatterCaseIds: row.sameMatterCaseId ? [row.sameMatterCaseId] : [],
      },
      tx,
      { acknowledged: input.type === 'ACCEPT' && input.forumAcknowledged === true },
    );
  }
}

/** The event's payload as recorded: as submitted (less its version) with what the resolution added. */
function payloadOf(input: CaseEventInput, event: CaseEvent): Record<string, unknown> {
  const { expectedVersion: _version, ...submitted } = input;
  // an agreement is stored as resolved: what the resolver dropped (a reason on a confirmable one) is not kept
  return definedOnly(event.type === 'REACH_AGREEMENT' ? event : { ...submitted, ...event });
}

/** The payload as recorded: fields the resolution left undefined (an override not used) are not kept. */
function definedOnly(payload: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
}
