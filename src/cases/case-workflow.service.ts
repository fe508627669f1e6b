import type { Actor } from '../access/actor';
import { type Action, policy } from '../access/policy';
import type { RequestOrigin } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { eventBy } from '../workflows/event-log.repository';
import type { Case } from './case.entity';
import type { CaseRepository } from './case.repository';
import type { CaseEventInput } from './case.schemas';
import type { CaseAppointments } from './case-appointments';
import {
  type AppliedCaseEvent,
  CaseEventDecision,
  type CaseEventDecisionDeps,
  type DecidedEvent,
} from './case-event-decision';
import { caseViewNoticeAfterCommit } from './case-view-cache';
import { CasesKeptForEvents, type KeptCase } from './cases-kept-for-events';

export type { AppliedCaseEvent, CaseLookupCodeIssuer } from './case-event-decision';

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

/**
 * THE write path for cases (STYLE.md habit 3): every workflow event, in one
 * transaction — lock the case and check its version, ask the policy, resolve the
 * payload, step the statechart, append the chained event, update the snapshot and
 * its columns, write the escalation/session/agreement record, queue notifications,
 * start/move/cancel the deadline timer, commit. Any failure writes nothing.
 *
 * The next event on a case this process's last event left is decided from that case as kept
 * (`CasesKeptForEvents`) and sent in one message behind a guard that refuses unless the case
 * is still as kept; refused, it is read under its lock and decided again, as above.
 */
export class CaseWorkflowService {
  private readonly transactions: Transactions;
  private readonly cases: CaseRepository;
  private readonly clock: Clock;
  /** Admits, resolves, steps and writes an event on the case as found (`CaseEventDecision`). */
  private readonly decision: CaseEventDecision;
  /** The schedule's appointments: the planned read an event sends with its BEGIN. */
  private readonly appointments?: CaseAppointments;
  /** The cases as this process's last events on them left them: the next event goes in one message. */
  private readonly kept?: CasesKeptForEvents;

  constructor(deps: CaseEventDecisionDeps & { transactions: Transactions; kept?: CasesKeptForEvents }) {
    this.transactions = deps.transactions;
    this.cases = deps.cases;
    this.clock = deps.clock;
    this.appointments = deps.appointments;
    this.kept = deps.kept;
    this.decision = new CaseEventDecision(deps);
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
    const kept = this.kept?.take(caseId, input.expectedVersion);
    if (kept) {
      const sent = await this.applyToKept(actor, caseId, input, origin, kept);
      if (sent) return sent;
    }
    return this.applyToLocked(actor, caseId, input, origin);
  }

  /** The event read and decided under the case's lock: BEGIN with the locked read, then the writes with COMMIT. */
  private applyToLocked(
    actor: Actor,
    caseId: string,
    input: CaseEventInput,
    origin: RequestOrigin,
  ): Promise<AppliedCaseEvent> {
    // BEGIN goes with the locked read, COMMIT with the event's writes: two round trips for a session logged
    const opening = this.openingOf(caseId, input);
    return this.transactions.runBracketed(
      opening.statements,
      async (tx, bracket) => {
        const planned = opening.planned ? bracket.results[1] : undefined;
        const locked = await this.cases.lockedForEvent(tx, caseId, bracket.rows);
        const decided = await this.decision.decide(actor, input, origin, locked, tx, planned);
        const [written] = await bracket.commitWith(decided.statement);
        // kept only if the transaction sent nothing else: a timer re-planned, a session marked held change what it read
        const digest = locked?.read?.kept_digest;
        if (locked?.read && typeof digest === 'string' && !bracket.sentMore())
          this.keepAfter(caseId, { read: locked.read, planned, digest }, decided, written);
        return decided.answer;
      },
      { thenNotify: [opening.notice] },
    );
  }

  /**
   * The event decided from the case as this process's last event on it left it, and sent in
   * one message behind a guard (`CasesKeptForEvents`): undefined when that did not go (the
   * case is no longer as kept, or deciding it needed the database), for the caller to read the
   * case and decide again. An error of the decision is not answered from what was kept either.
   */
  private async applyToKept(
    actor: Actor,
    caseId: string,
    input: CaseEventInput,
    origin: RequestOrigin,
    kept: KeptCase,
  ): Promise<AppliedCaseEvent | undefined> {
    const opening = this.openingOf(caseId, input);
    const planned = opening.planned && kept.planned ? [...kept.planned] : undefined;
    const sent = await this.transactions.runInOneMessage(
      [CasesKeptForEvents.guard(caseId, kept)],
      async (tx, message) => {
        const locked = await this.cases.lockedForEvent(tx, caseId, [{ r: { ...kept.read } }]);
        const decided = await this.decision.decide(actor, input, origin, locked, tx, planned);
        const [written] = await message.commitWith(decided.statement);
        this.keepAfter(caseId, { read: kept.read, planned, digest: kept.digest }, decided, written);
        return decided.answer;
      },
      { thenNotify: [opening.notice] },
    );
    if (sent) this.kept?.sent();
    else this.kept?.refused(caseId, kept);
    return sent?.value;
  }

  /** Keeps the case as the event left it, for the next event on it (`CasesKeptForEvents`). */
  private keepAfter(
    caseId: string,
    from: { read: Record<string, unknown>; planned?: Record<string, unknown>[]; digest: string },
    decided: DecidedEvent,
    written: Record<string, unknown> | undefined,
  ) {
    const xmin = written?.xmin;
    if (typeof xmin !== 'string') return;
    this.kept?.keep(caseId, from, { changes: decided.changes, head: decided.head, xmin });
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
    // the case changes here: the next event on it reads it again rather than find it changed
    this.kept?.forget(caseId);
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
}
