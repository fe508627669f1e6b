import type { Actor } from '../access/actor';
import { type PetitionResource, policy } from '../access/policy';
import type { CaseRegistrationService } from '../cases/case-registration.service';
import { partyKey } from '../cases/party-key';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { nextRecordNumber } from '../shared/db/record-numbers';
import type { Transactions, Tx } from '../shared/db/transactions';
import { NotFoundError, RuleViolationError, ValidationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { mediationLevels, type Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import type { UserRepository } from '../users/user.repository';
import { eventBy } from '../workflows/event-log.repository';
import { allowedEvents, startMachine } from '../workflows/machine-runner';
import { petitionEventProbes, petitionMachine, petitionMachineVersion } from '../workflows/petition.machine';
import { petitionRulesFor } from '../workflows/rules';
import type { Petition, PetitionVisit } from './petition.entity';
import type { PetitionRepository } from './petition.repository';
import type { PetitionListQuery, RegisterPetitionInput, VisitInput } from './petition.schemas';
import { startPetitionClock } from './petition-clocks';

export interface VisiblePetition {
  row: Petition;
  resource: PetitionResource;
}

const levelRank = (kind: Unit['kind']) => (mediationLevels as readonly string[]).indexOf(kind);

/**
 * Petitions (信访) as registered and read, and the agent's visits. Events go through
 * PetitionWorkflowService; presenting is PetitionPresenter's.
 */
export class PetitionService {
  private readonly transactions: Transactions;
  private readonly petitions: PetitionRepository;
  private readonly units: UnitRepository;
  /** Seals petitioners as a case's parties are sealed. */
  private readonly parties: Pick<CaseRegistrationService, 'sealParties'>;
  private readonly users: UserRepository;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;

  constructor(deps: {
    transactions: Transactions;
    petitions: PetitionRepository;
    units: UnitRepository;
    parties: Pick<CaseRegistrationService, 'sealParties'>;
    users: UserRepository;
    clock: Clock;
    calendar: () => WorkingCalendar;
  }) {
    this.transactions = deps.transactions;
    this.petitions = deps.petitions;
    this.units = deps.units;
    this.parties = deps.parties;
    this.users = deps.users;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
  }

  async getVisible(actor: Actor, id: string, tx?: Tx): Promise<VisiblePetition> {
    if (!isUuid(id)) throw new NotFoundError();
    const row = await this.petitions.findById(id, tx);
    if (!row) throw new NotFoundError();
    const resource = await this.petitions.accessResource(row, tx);
    if (!policy.canSee(actor, resource)) throw new NotFoundError();
    return { row, resource };
  }

  list(actor: Actor, query: PetitionListQuery) {
    return this.petitions.list(policy.petitionVisibility(actor), query);
  }

  async register(actor: Actor, input: RegisterPetitionInput): Promise<Petition> {
    const rules = petitionRulesFor();
    checkRepresentativeCap(input, rules);
    return this.transactions.run(async (tx) => {
      const { unit, district } = await this.placeOf(tx, actor, input);
      const now = this.clock.now();
      const today = todayInShanghai(now);
      const receivedOn = input.receivedOn ?? today;
      if (receivedOn > today)
        throw new ValidationError([{ field: 'receivedOn', message: 'validation.date_in_future' }]);

      const sealed = this.parties.sealParties(
        input.petitioners.map((person) => ({ ...person, role: 'applicant' as const })),
      );
      const keys = sealed.map(partyKey);
      const people = Math.max(input.groupSize ?? 0, input.petitioners.length);
      const flagSkipLevel = await this.skipsLevels(unit, input.localUnitId, tx);

      const number = await nextRecordNumber(
        tx,
        { name: 'petition', prefix: `${district.code}-XF` },
        district.id,
        Number(today.slice(0, 4)),
      );
      // an agent who registers a petition follows it (a supervisor leaves it to assign one)
      const follows = policy.followsPetitionOnRegistering(actor);
      const row = await this.petitions.save(
        {
          number,
          districtId: district.id,
          subject: input.subject,
          content: input.content,
          groupSize: input.groupSize ?? null,
          receivedOn,
          holdingUnitId: unit.id,
          heldUnitIds: [unit.id],
          registeredBy: actor.id,
          agentId: follows ? actor.id : null,
          state: 'registered',
          rulesVersion: rules.version,
          machineVersion: petitionMachineVersion,
          snapshot: startMachine(petitionMachine, { holdingUnitId: unit.id }),
          version: 0,
          flagRepeat: await this.petitions.hasEarlierPetitions(district.id, keys, tx),
          flagGroup: people >= rules.groupPetitionThreshold.minPeople,
          flagSkipLevel,
          dueDates: { decision: startPetitionClock(rules.decideAndNotify, receivedOn, this.calendar()) },
          createdAt: now,
          updatedAt: now,
        },
        tx,
      );
      if (follows) {
        row.snapshot = { ...row.snapshot, context: { ...row.snapshot.context, agentId: actor.id } };
        await this.petitions.update(row.id, { snapshot: row.snapshot }, tx);
      }
      await this.petitions.insertPetitioners(row.id, sealed, tx);
      await this.petitions.appendEvent(
        tx,
        row.id,
        eventBy(actor, now, {
          type: 'REGISTERED',
          payload: {
            subject: input.subject,
            receivedOn,
            unitId: unit.id,
            petitioners: input.petitioners.map((person) => person.name),
          },
          fromState: null,
          toState: 'registered',
        }),
      );
      return row;
    });
  }

  /** The unit a petition is registered at (active, the actor's to register at) and the district numbering it. */
  private async placeOf(
    tx: Tx,
    actor: Actor,
    input: RegisterPetitionInput,
  ): Promise<{ unit: Unit; district: Unit }> {
    const unit = await this.units.findById(input.unitId ?? actor.unitId, tx);
    if (!unit?.active || !policy.canRegisterPetitionAt(actor, unit.path, unit.id)) {
      throw new ValidationError([{ field: 'unitId', message: 'validation.unit_not_assignable' }]);
    }
    const district = await this.units.findDistrictOf(unit.id, tx);
    if (!district) throw new Error(`no district above unit ${unit.id}`);
    return { unit, district };
  }

  /** 越级访: received two or more levels above where the matter belongs. */
  private async skipsLevels(receiving: Unit, localUnitId: string | undefined, tx: Tx): Promise<boolean> {
    if (!localUnitId) return false;
    const local = await this.units.findById(localUnitId, tx);
    if (!local || !(await this.units.isWithin(local.id, receiving.id, tx))) {
      throw new ValidationError([{ field: 'localUnitId', message: 'validation.local_unit_not_below' }]);
    }
    const receivingRank = levelRank(receiving.kind);
    const localRank = levelRank(local.kind);
    return receivingRank >= 0 && localRank >= 0 && receivingRank - localRank >= 2;
  }

  /** A visit logged by the agent, on the petition's timeline (chained) and in its visit list. */
  async logVisit(actor: Actor, petitionId: string, input: VisitInput): Promise<PetitionVisit> {
    return this.transactions.run(async (tx) => {
      const row = await this.petitions.lockById(petitionId, tx);
      if (!row) throw new NotFoundError();
      const resource = await this.petitions.accessResource(row, tx);
      if (!policy.canSee(actor, resource)) throw new NotFoundError();
      if (!policy.canLogVisit(actor, resource)) throw new RuleViolationError('event_forbidden');
      const visit = await this.petitions.insertVisit(
        {
          petitionId,
          agentId: actor.id,
          visitedAt: new Date(input.visitedAt),
          place: input.place,
          metWith: input.metWith,
          summary: input.summary,
          demands: input.demands ?? null,
          mood: input.mood ?? null,
          risk: input.risk ?? null,
          promises: input.promises ?? null,
          nextVisitOn: input.nextVisitOn ?? null,
        },
        tx,
      );
      await this.petitions.appendEvent(
        tx,
        petitionId,
        eventBy(actor, this.clock.now(), {
          type: 'VISIT_LOGGED',
          payload: { visitId: visit.id, ...input },
          fromState: row.state,
          toState: row.state,
        }),
      );
      // a visit is a change to the petition like any other: its version moves on
      await this.petitions.update(
        petitionId,
        {
          version: row.version + 1,
          updatedAt: this.clock.now(),
          ...(input.nextVisitOn ? { nextVisitOn: input.nextVisitOn } : {}),
        },
        tx,
      );
      return visit;
    });
  }

  /** Petition agents who may be assigned to this petition: the active agents of its district. */
  async assignableAgents(row: Petition) {
    const district = await this.units.findDistrictOf(row.holdingUnitId);
    return district ? this.users.findActiveByRoleWithin('petition_agent', district.path) : [];
  }

  async visits(actor: Actor, petitionId: string) {
    await this.getVisible(actor, petitionId);
    return this.petitions.visitsOf(petitionId);
  }

  async timeline(actor: Actor, petitionId: string) {
    await this.getVisible(actor, petitionId);
    return this.petitions.eventsOf(petitionId);
  }

  /** The chain, checked against the petition's own count (every event bumps its version), in one snapshot. */
  verify(actor: Actor, petitionId: string) {
    return this.transactions.run('REPEATABLE READ', async (tx) => {
      const { row } = await this.getVisible(actor, petitionId, tx);
      return this.petitions.verifyChainOf(tx, petitionId, row.version + 1);
    });
  }

  allowedEvents(actor: Actor, row: Petition, resource: PetitionResource): string[] {
    const today = todayInShanghai(this.clock.now());
    return allowedEvents(petitionMachine, row.snapshot, petitionEventProbes(today)).filter((type) =>
      policy.canSendPetitionEvent(actor, type, resource),
    );
  }
}

/** At most so many representatives for a group petition (the rules' cap, with its source). */
function checkRepresentativeCap(
  input: RegisterPetitionInput,
  rules: ReturnType<typeof petitionRulesFor>,
): void {
  const representatives = input.petitioners.filter((person) => person.representative).length;
  if (representatives > rules.representativeCap.max) {
    throw new RuleViolationError(
      'representatives_over_cap',
      [
        {
          field: 'petitioners',
          message: 'validation.representatives_over_cap',
          params: { max: rules.representativeCap.max },
        },
      ],
      { max: rules.representativeCap.max, source: rules.representativeCap.source.zh },
    );
  }
}
