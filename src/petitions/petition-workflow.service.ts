import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { CaseService } from '../cases/case.service';
import type { CaseRegistrationService } from '../cases/case-registration.service';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import { enqueueNotifications } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { NotFoundError, RuleViolationError, ValidationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
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
import type { Petition } from './petition.entity';
import type { PetitionRepository } from './petition.repository';
import type { PetitionEventInput } from './petition.schemas';
import { clocksAfter, isPetitionOverdue } from './petition-clocks';

/** One event on a locked petition: who sends it, the row as locked, today, the calendar, the transaction. */
interface PetitionStep {
  actor: Actor;
  row: Petition;
  today: string;
  calendar: WorkingCalendar;
  tx: Tx;
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

  constructor(deps: {
    transactions: Transactions;
    petitions: PetitionRepository;
    units: UnitRepository;
    users: UserRepository;
    cases: Pick<CaseService, 'getVisible'>;
    registration: Pick<CaseRegistrationService, 'openForPetition'>;
    clock: Clock;
    calendar: () => WorkingCalendar;
  }) {
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
    if (!isUuid(petitionId)) throw new NotFoundError();
    return this.transactions.run(async (tx) => {
      const found = await this.petitions.lockById(petitionId, tx);
      const locked = found ? { row: found, resource: await this.petitions.accessResource(found, tx) } : null;
      admitEvent(actor, locked, input.expectedVersion, (resource) =>
        policy.canSendPetitionEvent(actor, input.type, resource),
      );
      const { row } = locked;

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

      const dueDates = clocksAfter(input.type, row.dueDates, rules, today, calendar, {
        days: input.type === 'EXTEND' ? input.days : undefined,
        requestedOn:
          input.type === 'REQUEST_REVIEW' || input.type === 'REQUEST_RECHECK' ? input.requestedOn : undefined,
      });
      const context = stepped.next.context;
      const forwardedTo = context.forwardedToUnitId;
      const changes: Partial<Petition> = {
        snapshot: stepped.next,
        state: toState,
        version: row.version + 1,
        agentId: context.agentId,
        dueDates,
        overdue: isPetitionOverdue(toState, dueDates, today),
        heldUnitIds:
          forwardedTo && !row.heldUnitIds.includes(forwardedTo)
            ? [...row.heldUnitIds, forwardedTo]
            : row.heldUnitIds,
        updatedAt: now,
      };
      await this.petitions.update(row.id, changes, tx);
      if (event.type === 'ASSIGN_AGENT') {
        await enqueueNotifications(tx, [
          {
            kind: 'petition.assigned',
            recipientUserId: event.agentId,
            subjectType: 'petition',
            subjectId: row.id,
            payload: { number: row.number, subject: row.subject, by: actor.displayName },
          },
        ]);
      }
      return { ...row, ...changes } as Petition;
    });
  }

  /** The machine's event from the submitted one: windows computed, targets looked up and checked, a case opened. */
  private async resolve(step: PetitionStep, input: PetitionEventInput): Promise<PetitionEvent> {
    const { actor, row, today, calendar, tx } = step;
    const { expectedVersion: _version, ...payload } = input;
    const rules = petitionRulesFor(row.rulesVersion);
    switch (payload.type) {
      case 'REPLY':
        return {
          type: 'REPLY',
          opinion: payload.opinion,
          reviewRequestWindowEndsOn: clocksAfter('REPLY', {}, rules, today, calendar, {}).reviewRequest
            ?.due as string,
        };
      case 'REVIEW_DECIDED':
        return {
          type: 'REVIEW_DECIDED',
          opinion: payload.opinion,
          recheckRequestWindowEndsOn: clocksAfter('REVIEW_DECIDED', {}, rules, today, calendar, {})
            .recheckRequest?.due as string,
        };
      case 'REQUEST_REVIEW':
      case 'REQUEST_RECHECK':
        if (payload.requestedOn > today)
          throw new ValidationError([{ field: 'requestedOn', message: 'validation.date_in_future' }]);
        return payload;
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
        if (payload.caseId) {
          // linking an existing dispute: the actor must be able to see it
          const found = await this.cases.getVisible(actor, payload.caseId, tx).catch(() => null);
          if (!found) throw new ValidationError([{ field: 'caseId', message: 'validation.case_not_found' }]);
          return { type: 'LINK_CASE', caseId: found.row.id };
        }
        const opened = await this.registration.openForPetition(
          tx,
          actor,
          row.holdingUnitId,
          payload.openCase as NonNullable<typeof payload.openCase>,
        );
        return { type: 'LINK_CASE', caseId: opened.id };
      }
      default:
        return payload as PetitionEvent;
    }
  }

  private async districtLabel(row: Petition, tx: Tx): Promise<string> {
    const unit = await this.units.findById(row.holdingUnitId, tx);
    return unit?.path.split('.')[0] ?? '';
  }
}
