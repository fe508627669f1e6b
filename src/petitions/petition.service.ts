import type { Actor } from '../access/actor';
import { type PetitionResource, policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { CaseRegistrationService } from '../cases/case-registration.service';
import { smsConsentErrors } from '../cases/case-registration.service';
import type { Party } from '../cases/party.entity';
import { partyKey } from '../cases/party-key';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import { enqueueNotifications } from '../notifications/outbox';
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
import type { PetitionEventRecord } from '../workflows/workflow-event.entity';
import type { Petition, PetitionVisit } from './petition.entity';
import type { PetitionRepository } from './petition.repository';
import type { PetitionListQuery, RegisterPetitionInput, VisitInput } from './petition.schemas';
import type { PetitionAppointments } from './petition-appointments';
import { startPetitionClock } from './petition-clocks';
import {
  type FinalPetition,
  finalMatterRefusal,
  originOfActor,
  readFinalMatters,
} from './petition-final-matters';
import { visitAlertsOf } from './petition-visit-alert';

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
  private readonly audit: AuditService;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;
  private readonly appointments?: PetitionAppointments;

  constructor(deps: {
    transactions: Transactions;
    petitions: PetitionRepository;
    units: UnitRepository;
    parties: Pick<CaseRegistrationService, 'sealParties'>;
    users: UserRepository;
    audit: AuditService;
    clock: Clock;
    calendar: () => WorkingCalendar;
    /** The schedule's planned visits (issue 21): held when logged, the next one planned. */
    appointments?: PetitionAppointments;
  }) {
    this.appointments = deps.appointments;
    this.transactions = deps.transactions;
    this.petitions = deps.petitions;
    this.units = deps.units;
    this.parties = deps.parties;
    this.users = deps.users;
    this.audit = deps.audit;
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

  async register(actor: Actor, input: RegisterPetitionInput, origin?: RequestOrigin): Promise<Petition> {
    return (await this.registerWithWarnings(actor, input, origin)).row;
  }

  /**
   * Registers a petition, unless it repeats a matter a recheck closed for good (§36: 422
   * with the final decision's reference, the refusal audited); final petitions of the same
   * people on other matters come back as warnings (and are audited with the registration).
   */
  async registerWithWarnings(
    actor: Actor,
    input: RegisterPetitionInput,
    origin: RequestOrigin = originOfActor(actor),
  ): Promise<{ row: Petition; earlierFinal: FinalPetition[] }> {
    const rules = petitionRulesFor();
    checkRepresentativeCap(input, rules);
    const consentErrors = smsConsentErrors(input.petitioners, 'petitioners');
    if (consentErrors.length > 0) throw new RuleViolationError('validation_failed', consentErrors);
    const today = todayInShanghai(this.clock.now());
    const receivedOn = input.receivedOn ?? today;
    if (receivedOn > today)
      throw new ValidationError([{ field: 'receivedOn', message: 'validation.date_in_future' }]);
    const place = await this.placeOf(undefined, actor, input);
    const sealed = this.parties.sealParties(
      input.petitioners.map((person) => ({ ...person, role: 'applicant' as const })),
    );
    const keys = sealed.map(partyKey);
    // §36: the final matters are read in the registration's transaction, after the district's
    // final-matter lock, which a recheck's decision holds until it commits: none is missed
    type Outcome = { refused: FinalPetition } | { row: Petition; earlierFinal: FinalPetition[] };
    const outcome = await this.transactions.run(async (tx): Promise<Outcome> => {
      await this.petitions.lockFinalMatters(place.district.id, tx);
      const finals = await this.finalMattersOf(place.district.id, input, keys, tx);
      if (finals.repeats) return { refused: finals.repeats };
      const registered = await this.insertPetition(tx, actor, input, { ...place, sealed, keys, receivedOn });
      if (finals.earlier.length > 0) {
        await this.audit.record(
          origin,
          {
            action: 'petition.registered_after_final',
            target: { type: 'petition', id: registered.id },
            details: {
              number: registered.number,
              earlierFinal: finals.earlier.map((petition) => petition.number),
            },
          },
          tx,
        );
      }
      await this.petitions.appendEvent(
        tx,
        registered.id,
        eventBy(actor, registered.createdAt, {
          type: 'REGISTERED',
          payload: {
            subject: input.subject,
            category: registered.category,
            receivedOn,
            unitId: place.unit.id,
            petitioners: input.petitioners.map((person) => person.name),
            ...(input.sameMatterAs ? { sameMatterAs: input.sameMatterAs } : {}),
            ...(finals.earlier.length > 0
              ? { earlierFinal: finals.earlier.map((petition) => petition.number) }
              : {}),
          },
          fromState: null,
          toState: 'registered',
        }),
      );
      return { row: registered, earlierFinal: finals.earlier };
    });
    if ('refused' in outcome) {
      // refused: nothing is registered, but the attempt is on the audit log
      await this.audit.record(origin, {
        action: 'petition.final_refused',
        target: { type: 'petition', id: outcome.refused.id },
        details: {
          number: outcome.refused.number,
          subject: input.subject,
          by: input.sameMatterAs ? 'link' : 'subject',
        },
      });
      throw finalMatterRefusal(outcome.refused, input.sameMatterAs ? 'sameMatterAs' : 'subject', rules);
    }
    return outcome;
  }

  /** The final petitions this registration meets: the one it repeats (by subject or link), or those of the same people. */
  private async finalMattersOf(districtId: string, input: RegisterPetitionInput, keys: string[], tx: Tx) {
    let linked: FinalPetition | null = null;
    if (input.sameMatterAs) {
      const found = await this.petitions.petitionOfDistrict(districtId, input.sameMatterAs, tx);
      if (!found)
        throw new ValidationError([
          { field: 'sameMatterAs', message: 'petitions.validation.same_matter_unknown' },
        ]);
      linked = found.final ? found : null;
    }
    return readFinalMatters(
      input.subject,
      linked,
      await this.petitions.finalPetitionsOf(districtId, keys, tx),
    );
  }

  /** The petition's row, its petitioners and (for an agent registering it) its agent, in the transaction. */
  private async insertPetition(
    tx: Tx,
    actor: Actor,
    input: RegisterPetitionInput,
    place: { unit: Unit; district: Unit; sealed: Array<Partial<Party>>; keys: string[]; receivedOn: string },
  ): Promise<Petition> {
    const rules = petitionRulesFor();
    const { unit, district, sealed, keys, receivedOn } = place;
    const now = this.clock.now();
    const category = input.category ?? 'claim';
    const people = Math.max(input.groupSize ?? 0, input.petitioners.length);
    const number = await nextRecordNumber(
      tx,
      { name: 'petition', prefix: `${district.code}-XF` },
      district.id,
      Number(todayInShanghai(now).slice(0, 4)),
    );
    // an agent who registers a petition follows it (a supervisor leaves it to assign one)
    const agentId = policy.followsPetitionOnRegistering(actor) ? actor.id : null;
    const snapshot = startMachine(petitionMachine, { holdingUnitId: unit.id, category });
    const row = await this.petitions.save(
      {
        number,
        districtId: district.id,
        subject: input.subject,
        content: input.content,
        category,
        groupSize: input.groupSize ?? null,
        receivedOn,
        holdingUnitId: unit.id,
        heldUnitIds: [unit.id],
        registeredBy: actor.id,
        agentId,
        state: 'registered',
        rulesVersion: rules.version,
        machineVersion: petitionMachineVersion,
        snapshot: { ...snapshot, context: { ...snapshot.context, agentId } },
        version: 0,
        flagRepeat: await this.petitions.hasEarlierPetitions(district.id, keys, tx),
        flagGroup: people >= rules.groupPetitionThreshold.minPeople,
        flagSkipLevel: await this.skipsLevels(unit, input.localUnitId, tx),
        dueDates: { decision: startPetitionClock(rules.decideAndNotify, receivedOn, this.calendar()) },
        createdAt: now,
        updatedAt: now,
      },
      tx,
    );
    await this.petitions.insertPetitioners(row.id, sealed, tx);
    return row;
  }

  /** The unit a petition is registered at (active, the actor's to register at) and the district numbering it. */
  private async placeOf(
    tx: Tx | undefined,
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
      await this.appointments?.afterVisitIn(tx, {
        petitionId,
        holdingUnitId: row.holdingUnitId,
        agentId: actor.id,
        visitId: visit.id,
        visitedAt: input.visitedAt,
        appointmentId: input.appointmentId,
        nextVisitOn: input.nextVisitOn,
      });
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
      await enqueueNotifications(tx, visitAlertsOf(row, visit, actor));
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

  /** The timeline with the units its events name, read in one query (the petition page). */
  async timelineWithUnits(actor: Actor, petitionId: string) {
    const events = await this.timeline(actor, petitionId);
    return { events, units: await this.units.mapByIds(unitIdsOfTimeline(events)) };
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

/** The unit ids a page of events names (who acted where, where a request went): read in one query. */
export function unitIdsOfTimeline(events: PetitionEventRecord[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.unitId) ids.add(event.unitId);
    for (const field of ['toUnitId', 'reviewUnitId', 'recheckUnitId', 'unitId']) {
      const value = event.payload[field];
      if (typeof value === 'string') ids.add(value);
    }
  }
  return [...ids];
}
