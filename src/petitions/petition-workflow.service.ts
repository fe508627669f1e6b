import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { RequestOrigin } from '../audit/audit.service';
import type { CaseService } from '../cases/case.service';
import type { CaseRegistrationService } from '../cases/case-registration.service';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import { enqueueNotifications, type Notification } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import type { Transactions, Tx } from '../shared/db/transactions';
import { NotFoundError, RuleViolationError, ValidationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import type { UserRepository } from '../users/user.repository';
import { admitEvent } from '../workflows/event-admission';
import { eventBy } from '../workflows/event-log.repository';
import { applyEvent } from '../workflows/machine-runner';
import {
  type PetitionEvent,
  petitionEventProbes,
  petitionMachine,
  petitionStatePath,
} from '../workflows/petition.machine';
import { petitionRulesFor } from '../workflows/rules';
import type { LegalSource } from '../workflows/rules/dispute-rules.types';
import type { Petition } from './petition.entity';
import { firstInstanceUnitOf, type PetitionRepository } from './petition.repository';
import type { PetitionEventInput } from './petition.schemas';
import { type ClockPayload, clocksAfter, currentPetitionClock, isPetitionOverdue } from './petition-clocks';
import { checkRequestedOn, checkReviewable, datedEvent, deliveryWindowOf } from './petition-event-dates';
import { PetitionPartyNotices } from './petition-party-notices';

/** What the clocks need of an event: the dates the service resolved into it. */
function clockPayloadOf(row: Petition, event: PetitionEvent): ClockPayload {
  switch (event.type) {
    case 'ACCEPT':
      return { category: row.category };
    case 'EXTEND':
      return { days: event.days };
    case 'REPLY':
    case 'REVIEW_DECIDED':
      return { deliveredOn: event.deliveredOn, category: row.category };
    case 'RECORD_DELIVERY':
      return { deliveredOn: event.deliveredOn, window: deliveryWindowOf(row) };
    case 'REQUEST_REVIEW':
    case 'REQUEST_RECHECK':
      return { requestedOn: event.requestedOn };
    default:
      return {};
  }
}

/** One event on a locked petition: who sends it, the row as locked, today, the calendar, the transaction. */
interface PetitionStep {
  actor: Actor;
  row: Petition;
  today: string;
  calendar: WorkingCalendar;
  tx: Tx;
}

/**
 * Issues a petition's lookup code (信访事项查询码) in the event's transaction (src/tracking's
 * `LookupCodeIssuer`), answering it in clear; declared here so that petitions need not import tracking.
 */
export interface PetitionLookupCodeIssuer {
  issueIn(
    tx: Tx,
    subject: { type: 'petition'; id: string },
    origin: RequestOrigin,
    on: 'accept',
  ): Promise<string>;
}

/**
 * The write path for petitions, the same shape as the case's: lock and version
 * check, policy, resolve the payload, step the statechart, append the chained event,
 * update snapshot, clocks and flags, side effects (a case opened and linked, an
 * agent told), commit — or nothing at all.
 */
export class PetitionWorkflowService {
  private readonly transactions: Transactions;
  private readonly petitions: PetitionRepository;
  private readonly units: UnitRepository;
  private readonly users: UserRepository;
  /** LINK_CASE: an existing dispute the actor may see … */
  private readonly cases: Pick<CaseService, 'getVisible'>;
  /** … or one opened from the petition (诉访分离). */
  private readonly registration: Pick<CaseRegistrationService, 'openForPetition'>;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;
  /** A lookup code for the petitioner when the petition is accepted (issue 20). */
  private readonly lookupCodes?: PetitionLookupCodeIssuer;
  /** SMS to the petitioners who consented (issue 20): in the event's transaction. */
  private readonly petitionerNotices: PetitionPartyNotices;

  constructor(deps: {
    transactions: Transactions;
    petitions: PetitionRepository;
    units: UnitRepository;
    users: UserRepository;
    cases: Pick<CaseService, 'getVisible'>;
    registration: Pick<CaseRegistrationService, 'openForPetition'>;
    clock: Clock;
    calendar: () => WorkingCalendar;
    lookupCodes?: PetitionLookupCodeIssuer;
    /** DATA_KEY's cipher: seals a lookup code for its wait in the outbox. */
    cipher: Pick<PersonalDataCipher, 'encrypt'>;
  }) {
    this.lookupCodes = deps.lookupCodes;
    this.petitionerNotices = new PetitionPartyNotices(deps.petitions, deps.units, (text) =>
      deps.cipher.encrypt(text),
    );
    this.transactions = deps.transactions;
    this.petitions = deps.petitions;
    this.units = deps.units;
    this.users = deps.users;
    this.cases = deps.cases;
    this.registration = deps.registration;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
  }

  async apply(actor: Actor, petitionId: string, input: PetitionEventInput): Promise<Petition> {
    return (await this.applyForAnswer(actor, petitionId, input)).row;
  }

  /** `apply`, with the petitioner's new lookup code in clear when the event is ACCEPT (issue 20). */
  async applyForAnswer(
    actor: Actor,
    petitionId: string,
    input: PetitionEventInput,
    origin: RequestOrigin = { actor: { id: actor.id, username: actor.username }, ip: null },
  ): Promise<{ row: Petition; lookupCode?: string }> {
    if (!isUuid(petitionId)) throw new NotFoundError();
    return this.transactions.run(async (tx) => {
      const found = await this.petitions.lockById(petitionId, tx);
      const locked = found ? { row: found, resource: await this.petitions.accessResource(found, tx) } : null;
      admitEvent(actor, locked, input.expectedVersion, (resource) =>
        policy.canSendPetitionEvent(actor, input.type, resource),
      );
      const { row } = locked;
      // a recheck's decision makes the matter final (§36): a registration reading the district's
      // final matters waits for it (see PetitionService.registerWithWarnings)
      if (input.type === 'RECHECK_DECIDED') await this.petitions.lockFinalMatters(row.districtId, tx);

      const now = this.clock.now();
      const today = todayInShanghai(now);
      const calendar = this.calendar();
      const rules = petitionRulesFor(row.rulesVersion);
      const event = await this.resolve({ actor, row, today, calendar, tx }, input);
      const stepped = applyEvent(petitionMachine, row.snapshot, event, {
        candidates: petitionEventProbes(today),
      });
      const toState = petitionStatePath(stepped.next.value);

      const { expectedVersion: _version, ...submitted } = input;
      await this.petitions.appendEvent(
        tx,
        row.id,
        eventBy(actor, now, {
          type: input.type,
          payload: { ...submitted, ...event },
          fromState: stepped.from,
          toState,
        }),
      );
      if (event.type === 'LINK_CASE') await this.petitions.linkCase(row.id, event.caseId, tx);

      const dueDates = clocksAfter(
        input.type,
        row.dueDates,
        rules,
        today,
        calendar,
        clockPayloadOf(row, event),
      );
      const context = stepped.next.context;
      const changes: Partial<Petition> = {
        snapshot: stepped.next,
        state: toState,
        version: row.version + 1,
        agentId: context.agentId,
        // a review or a recheck moves the petition one level up (§35, §36); a forward hands it on
        holdingUnitId: context.holdingUnitId,
        heldUnitIds: [
          ...new Set([
            ...row.heldUnitIds,
            context.holdingUnitId,
            ...(context.forwardedToUnitId ? [context.forwardedToUnitId] : []),
          ]),
        ],
        dueDates,
        overdue: isPetitionOverdue(toState, dueDates, today),
        finalOn: context.final && !row.finalOn ? today : row.finalOn,
        updatedAt: now,
      };
      await this.petitions.update(row.id, changes, tx);
      // accepted: the petitioners get a lookup code, in their acceptance SMS and answered once in clear
      const lookupCode =
        input.type === 'ACCEPT'
          ? await this.lookupCodes?.issueIn(tx, { type: 'petition', id: row.id }, origin, 'accept')
          : undefined;
      await enqueueNotifications(
        tx,
        noticesOf(event, row, actor, changes),
        await this.petitionerNotices.of({
          row,
          event,
          rules,
          holdingUnitId: context.holdingUnitId,
          lookupCode,
          tx,
        }),
      );
      return { row: { ...row, ...changes } as Petition, ...(lookupCode ? { lookupCode } : {}) };
    });
  }

  /**
   * 诉访分离, an existing dispute named by its case number (issue 21): the same matter — a
   * petitioner is a party of the case (the same person: party key) — and a case the actor may
   * see, or, for the agent following the petition, one they will see once it is linked (an agent
   * sees the cases linked to their petitions). A number that names no such case is refused
   * alike whether it exists or not (422 naming `caseNumber`).
   */
  private async caseByNumber({ actor, row, tx }: PetitionStep, number: string): Promise<string> {
    const refuse = (message: string): never => {
      throw new RuleViolationError('validation_failed', [
        { field: 'caseNumber', message, params: { number } },
      ]);
    };
    const caseId = await this.petitions.caseIdByNumber(number, tx);
    if (!caseId) return refuse('petitions.errors.caseNumberNotFound');
    const visible = (await this.cases.getVisible(actor, caseId, tx).catch(() => null)) !== null;
    const followed = row.agentId === actor.id;
    if (!visible && !followed) return refuse('petitions.errors.caseNumberNotFound');
    if (!(await this.petitions.petitionerIsPartyOf(row.id, caseId, tx)))
      return refuse(visible ? 'petitions.errors.caseNotSameMatter' : 'petitions.errors.caseNumberNotFound');
    return caseId;
  }

  /** The machine's event from the submitted one: dates checked, windows computed, targets looked up, a case opened. */
  private async resolve(step: PetitionStep, input: PetitionEventInput): Promise<PetitionEvent> {
    const { actor, row, today, calendar, tx } = step;
    const { expectedVersion: _version, ...payload } = input;
    const rules = petitionRulesFor(row.rulesVersion);
    const dated = datedEvent(row, payload, rules, today, calendar);
    if (dated) return dated;
    switch (payload.type) {
      case 'REQUEST_REVIEW':
        checkReviewable(row, rules);
        checkRequestedOn(row, payload.type, payload.requestedOn, today);
        return {
          ...payload,
          reviewUnitId: (await this.levelAbove(row, rules.reviewOneLevelUp.source, tx)).id,
        };
      case 'REQUEST_RECHECK':
        checkReviewable(row, rules);
        checkRequestedOn(row, payload.type, payload.requestedOn, today);
        return {
          ...payload,
          recheckUnitId: (await this.levelAbove(row, rules.recheckOneLevelUp.source, tx)).id,
        };
      case 'FORWARD': {
        const target = await this.units.findById(payload.toUnitId, tx);
        if (
          !target?.active ||
          target.id === row.holdingUnitId ||
          target.path.split('.')[0] !== (await this.districtLabel(row, tx))
        ) {
          throw new ValidationError([{ field: 'toUnitId', message: 'validation.transfer_target' }]);
        }
        return { type: 'FORWARD', toUnitId: target.id, reason: payload.reason };
      }
      case 'ASSIGN_AGENT': {
        const agent = payload.agentId
          ? await this.users.findById(payload.agentId, tx)
          : payload.agentUsername
            ? await this.users.findByUsername(payload.agentUsername, tx)
            : null;
        if (!agent?.active || agent.role !== 'petition_agent') {
          throw new RuleViolationError('validation_failed', [
            { field: payload.agentId ? 'agentId' : 'agentUsername', message: 'validation.agent_required' },
          ]);
        }
        return { type: 'ASSIGN_AGENT', agentId: agent.id };
      }
      case 'LINK_CASE': {
        if (payload.caseNumber)
          return { type: 'LINK_CASE', caseId: await this.caseByNumber(step, payload.caseNumber) };
        if (payload.caseId) {
          // linking an existing dispute: the actor must be able to see it
          const found = await this.cases.getVisible(actor, payload.caseId, tx).catch(() => null);
          if (!found) throw new ValidationError([{ field: 'caseId', message: 'validation.case_not_found' }]);
          return { type: 'LINK_CASE', caseId: found.row.id };
        }
        // the dispute goes to the local forum (属地): the unit of first instance, not a review body
        const opened = await this.registration.openForPetition(
          tx,
          actor,
          firstInstanceUnitOf(row),
          payload.openCase as NonNullable<typeof payload.openCase>,
        );
        return { type: 'LINK_CASE', caseId: opened.id };
      }
      default:
        return payload as PetitionEvent;
    }
  }

  /**
   * The body one level above the unit that holds the petition: the review's (§35) above the
   * unit that replied, the recheck's (§36) above the review body. A unit with no active unit
   * above it in this district's tree (the district centre) answers to a body outside the
   * system (the city): the request is refused here with that explanation, and the petitioner
   * is told to take it there.
   */
  private async levelAbove(row: Petition, source: LegalSource, tx: Tx): Promise<Unit> {
    const above = await this.units.findParentOf(row.holdingUnitId, tx);
    if (above?.active) return above;
    const holding = await this.units.findById(row.holdingUnitId, tx);
    const names = { unit: holding?.nameZh ?? '', unitEn: holding?.nameEn ?? '', source: source.zh };
    // an inactive body above is still the one level up: the request is not sent past it
    if (above)
      throw new RuleViolationError('petition.level_above_inactive', undefined, {
        ...names,
        above: above.nameZh,
        aboveEn: above.nameEn,
      });
    throw new RuleViolationError('petition.no_level_above', undefined, names);
  }

  private async districtLabel(row: Petition, tx: Tx): Promise<string> {
    const unit = await this.units.findById(row.holdingUnitId, tx);
    return unit?.path.split('.')[0] ?? '';
  }
}

/**
 * Who hears of the event: the agent assigned; the supervisors of the body a review or recheck
 * went to (信访工作条例 §35, §36: they alone decide it), with the day it is due.
 */
function noticesOf(
  event: PetitionEvent,
  row: Petition,
  actor: Actor,
  after: Partial<Petition>,
): Notification[] {
  const subject = { subjectType: 'petition' as const, subjectId: row.id };
  const payload = { number: row.number, subject: row.subject, by: actor.displayName };
  if (event.type === 'ASSIGN_AGENT')
    return [{ kind: 'petition.assigned', recipientUserId: event.agentId, ...subject, payload }];
  if (event.type !== 'REQUEST_REVIEW' && event.type !== 'REQUEST_RECHECK') return [];
  const clock = after.state && after.dueDates ? currentPetitionClock(after.state, after.dueDates) : null;
  return [
    {
      kind: 'petition.review_requested',
      recipientUnitId: after.holdingUnitId,
      ...subject,
      payload: {
        ...payload,
        request: event.type === 'REQUEST_REVIEW' ? 'review' : 'recheck',
        due: clock?.due ?? null,
      },
    },
  ];
}
