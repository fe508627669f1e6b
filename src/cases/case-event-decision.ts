import type { Actor } from '../access/actor';
import { type CaseResource, policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { EscalationRepository } from '../escalations/escalation.repository';
import { outboxRows } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import type { Statement, Tx } from '../shared/db/transactions';
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
import { type ChainHead, nextSeq } from '../workflows/event-chain';
import { eventBy } from '../workflows/event-log.repository';
import { applyEvent } from '../workflows/machine-runner';
import { rulesFor } from '../workflows/rules';
import type { Case } from './case.entity';
import type { CaseRepository, CaseView, HoldingUnit, LockedForEvent } from './case.repository';
import type { CaseEventInput } from './case.schemas';
import type { CaseAppointments } from './case-appointments';
import { type CaseEventColumns, columnsAfter } from './case-event-columns';
import { deadlineAfter } from './case-event-deadline';
import { noticesOf } from './case-event-notices';
import { CaseEventRecords } from './case-event-records';
import { CaseEventResolver } from './case-event-resolver';
import type { CaseEventStep, SteppedCaseEvent } from './case-event-step';
import { CasePartyNotices } from './case-party-notices';
import { assertAdmittedAsPeriodStands, stagePeriodToday } from './case-period';
import type { CaseTimers } from './case-timers';
import type { MediationRecordRepository } from './mediation-record.repository';
import type { OneForum } from './one-forum';

/** What answering an event needs besides the case after it (see `CaseWorkflowService.applyForAnswer`). */
export interface AppliedCaseEvent {
  row: Case;
  /** The access data as the event found it (`CasePresenter.present` re-reads it if the hand-off changed it). */
  resource: CaseResource;
  /** What the body shows, when the event left units and mediator as they were. */
  view?: CaseView;
  /** ACCEPT: the parties' new lookup code (查询码) in clear — the only time it exists so (src/tracking). */
  lookupCode?: string;
}

/** An event decided (`CaseEventDecision.decide`): its writes as one statement, and what follows from them. */
export interface DecidedEvent {
  statement: Statement;
  /** The case's columns as the event writes them. */
  changes: CaseEventColumns;
  /** The link the event appends to the case's chain. */
  head: ChainHead;
  answer: AppliedCaseEvent;
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

/** What deciding an event needs: the repositories it reads, the services that add to its writes. */
export interface CaseEventDecisionDeps {
  cases: CaseRepository;
  oneForum: OneForum;
  units: UnitRepository;
  users: UserRepository;
  mediationRecords: MediationRecordRepository;
  escalations: EscalationRepository;
  clock: Clock;
  calendar: () => WorkingCalendar;
  /** Starts, moves or cancels the stage's deadline timer in the event's transaction (issue 7). */
  timers?: CaseTimers;
  /** Records a department chosen against the type's competent body (ACCEPT, TRANSFER: issue 19). */
  audit?: AuditService;
  /** A lookup code for the parties when the case is accepted (issue 20). */
  lookupCodes?: CaseLookupCodeIssuer;
  /** The schedule's appointments the event plans, moves, cancels or holds (issue 21). */
  appointments?: CaseAppointments;
  /** DATA_KEY's cipher: seals a lookup code for its wait in the outbox. */
  cipher: Pick<PersonalDataCipher, 'encrypt'>;
}

/**
 * Deciding a workflow event on its case, as the write path found it (`CaseWorkflowService`):
 * admit it, resolve its payload, step the statechart, and build the one statement of its writes
 * — the event, the case's columns, its records and notices — with what its answer shows. The
 * same whether the case was read under its lock or kept from this process's last event on it.
 */
export class CaseEventDecision {
  private readonly resolver: CaseEventResolver;
  private readonly records: CaseEventRecords;
  /** SMS to the parties who consented (issue 20): in the same batch as the mails. */
  private readonly partyNotices: CasePartyNotices;

  constructor(private readonly deps: CaseEventDecisionDeps) {
    this.resolver = new CaseEventResolver(deps.units, deps.users, deps.escalations);
    this.records = new CaseEventRecords(deps.mediationRecords, deps.escalations);
    this.partyNotices = new CasePartyNotices(deps.cases, deps.units, (text) => deps.cipher.encrypt(text));
  }

  /**
   * Everything an event does before its writes go, on the case as `locked` has it: admit it
   * (the version, the policy), resolve its payload, step the statechart, and build the one
   * statement of its writes, with what its answer shows. The timers' writes (and any read a
   * rarer event needs) go on `tx` meanwhile.
   */
  async decide(
    actor: Actor,
    input: CaseEventInput,
    origin: RequestOrigin,
    locked: LockedForEvent | null,
    tx: Tx,
    planned: Record<string, unknown>[] | undefined,
  ): Promise<DecidedEvent> {
    admitEvent(actor, locked, input.expectedVersion, (resource) =>
      policy.canSendCaseEvent(actor, input.type, resource),
    );
    const { row, head, holdingUnit } = locked;
    if (!holdingUnit) throw new Error(`case ${row.id} is held by a missing unit`);
    const step = this.stepOf(actor, row, holdingUnit, tx);
    // a period run out that counts as failed mediation leaves only FAIL and an agreed extension
    assertAdmittedAsPeriodStands(input.type, step.period);

    const resolved = await this.resolver.resolve(step, input);
    const event = this.deps.appointments
      ? await this.deps.appointments.applyIn(step, resolved, nextSeq(head), planned)
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
    const deadline = await deadlineAfter(stepped, this.deps.units);
    const changes = columnsAfter(stepped, deadline);
    const sideRecords = await this.records.sideRecords(stepped);
    // accepted: the parties get a lookup code, in their acceptance SMS and answered once in clear (issue 20)
    const lookupCode =
      input.type === 'ACCEPT'
        ? await this.deps.lookupCodes?.issueIn(tx, { type: 'case', id: row.id }, origin, 'accept')
        : undefined;
    const notices = outboxRows(
      noticesOf(stepped, deadline?.due),
      await this.partyNotices.of(stepped, { lookupCode }),
    );
    const updated = { ...row, ...changes } as Case;
    // the timers first: the event's one statement (the event, the case's new columns, the rows it adds) goes with COMMIT
    await this.deps.timers?.reconcileCaseIn(tx, updated, locked.timers, {
      now: step.now,
      calendar: step.calendar,
    });
    const { record, statement } = this.deps.cases.eventWrites(
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
    const shownAsBefore =
      updated.holdingUnitId === row.holdingUnitId &&
      updated.registeredUnitId === row.registeredUnitId &&
      updated.mediatorId === row.mediatorId;
    return {
      statement,
      changes,
      head: { seq: record.seq, hash: record.hash, digest: record.digest ?? record.hash },
      answer: {
        row: updated,
        resource: locked.resource,
        view: shownAsBefore ? locked.view : undefined,
        ...(lookupCode ? { lookupCode } : {}),
      },
    };
  }

  /** The step object of an event on the locked case: the moment, the day, the rules and the period as it stands. */
  private stepOf(actor: Actor, row: Case, holdingUnit: HoldingUnit, tx: Tx): CaseEventStep {
    const now = this.deps.clock.now();
    const today = todayInShanghai(now);
    const calendar = this.deps.calendar();
    const rules = rulesFor(row.type, row.rulesVersion);
    const period = stagePeriodToday(row, rules, today, calendar);
    return { actor, row, holdingUnit, rules, calendar, today, now, tx, period, before: row.snapshot.context };
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
    await this.deps.audit?.record(
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
    const parties = await this.deps.cases.partiesOf(row.id, tx);
    await this.deps.oneForum.assertFree(
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
