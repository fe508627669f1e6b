import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../access/actor';
import { type CaseResource, policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { maskIdNumber, maskPhone, type PersonalDataCipher } from '../shared/crypto/personal-data';
import { nextRecordNumber } from '../shared/db/record-numbers';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../shared/errors';
import type { Locale } from '../shared/i18n/i18n';
import { isUuid } from '../shared/ids';
import type { Grid } from '../units/grid.entity';
import type { Unit } from '../units/unit.entity';
import { mediationLevelOf } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import type { UserRepository } from '../users/user.repository';
import {
  caseEventProbes,
  caseMachine,
  caseMachineVersion,
  caseRulesExcerpt,
} from '../workflows/case.machine';
import { allowedEvents, applyEvent, startMachine } from '../workflows/machine-runner';
import { rulesFor } from '../workflows/rules';
import { applicationDateErrors } from './application-dates';
import type { Case } from './case.entity';
import { type CaseViewDeps, presentCase } from './case.presenter';
import type { CaseRepository, CaseView, CaseWithAccess } from './case.repository';
import type { CaseListQuery, PartyInput, RegisterCaseInput } from './case.schemas';
import { acceptancePeriodAt, startAcceptanceClock } from './case-deadline';
import type { CaseListQueries } from './case-list.queries';
import { isAdmittedAsPeriodStands, stagePeriodToday } from './case-period';
import type { CaseTimers } from './case-timers';
import type { Party } from './party.entity';
import { partyKey } from './party-key';
import type { PartyMatchingRepository } from './party-matching.repository';

/** What the intake form shows before saving: look-alike cases and forums already handling the parties. */
export interface IntakeReview {
  duplicates: Array<{ row: Case; sameParties: boolean; sameIdNumber: boolean; similarTitle: boolean }>;
  forums: Array<{ caseId: string; number: string; unit: Unit | null; visible: boolean }>;
}

/** A case the actor may see, with the access data that decided it. */
export type VisibleCase = CaseWithAccess;

/** A visible case with what its body shows (units, mediator, masked parties). */
export type VisibleCaseView = VisibleCase & { view: CaseView };

/**
 * Registering disputes and reading them: lists, one case, its timeline, its chain,
 * a party unmasked. Changes after registration go through CaseWorkflowService.
 */
export class CaseService {
  constructor(
    private readonly db: DataSource,
    private readonly cases: CaseRepository,
    private readonly lists: CaseListQueries,
    private readonly partyMatching: PartyMatchingRepository,
    private readonly units: UnitRepository,
    private readonly users: UserRepository,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly calendar: () => WorkingCalendar,
    /** Gives a clock started at registration (the health bureau's §40 period) its timer, in the registration's transaction. */
    private readonly timers?: CaseTimers,
  ) {}

  /** Units by id, for presenting references. */
  async unitsById(ids: string[]): Promise<Map<string, Unit>> {
    return new Map((await this.units.findByIds([...new Set(ids)])).map((unit) => [unit.id, unit]));
  }

  private async viewDeps(rows: Case[], locale: Locale): Promise<CaseViewDeps> {
    const [units, users] = await Promise.all([
      this.unitsById(rows.flatMap((row) => [row.holdingUnitId, row.registeredUnitId])),
      this.users.findByIds([...new Set(rows.flatMap((row) => (row.mediatorId ? [row.mediatorId] : [])))]),
    ]);
    return this.depsWith(units, new Map(users.map((user) => [user.id, user])), locale);
  }

  private depsWith(units: CaseViewDeps['units'], users: CaseViewDeps['users'], locale: Locale): CaseViewDeps {
    return { units, users, calendar: this.calendar(), now: this.clock.now(), locale };
  }

  /** What presenting these cases needs (units, mediators, calendar, now), for the web's view models. */
  viewDepsFor(rows: Case[], locale: Locale): Promise<CaseViewDeps> {
    return this.viewDeps(rows, locale);
  }

  /**
   * One case as the API shows it to this actor: masked parties and the events they may
   * send now. `known` is the case's access data as the route's guard read it: still
   * right unless the case has changed hands since (then it is read again).
   */
  async present(actor: Actor, row: Case, locale: Locale, known?: CaseResource, shown?: CaseView) {
    const resource =
      known && sameMembers(known.heldUnitIds, row.heldUnitIds) && known.holdingUnitId === row.holdingUnitId
        ? known
        : await this.cases.accessResource(row);
    const view = shown ?? (await this.cases.viewOf(row));
    const units = new Map(view.units.map((unit) => [unit.id, unit]));
    const users = new Map(view.mediator ? [[view.mediator.id, view.mediator]] : []);
    return presentCase(row, this.depsWith(units, users, locale), {
      allowedEvents: this.allowedEvents(actor, row, resource),
      parties: view.parties,
    });
  }

  /** A case the actor may see with what its body shows, or 404: `GET /api/v1/cases/:id` in one query. */
  getVisibleForView(actor: Actor, id: string): Promise<VisibleCaseView> {
    return this.visibleOr404(actor, id, () => this.cases.findForView(id));
  }

  async presentList(rows: Case[], locale: Locale) {
    const deps = await this.viewDeps(rows, locale);
    return rows.map((row) => presentCase(row, deps));
  }

  /**
   * The events this actor may send to this case now: the statechart's and the policy's
   * answer together, as the period stands today (run out and counted as failed: only FAIL
   * and an agreed extension; run out and opening arbitration: REFER_OUT too).
   */
  allowedEvents(actor: Actor, row: Case, resource: CaseResource): string[] {
    const today = todayInShanghai(this.clock.now());
    const period = stagePeriodToday(row, rulesFor(row.type, row.rulesVersion), today, this.calendar());
    return allowedEvents(
      caseMachine,
      row.snapshot,
      caseEventProbes(today, { periodRunOut: period.runOut }),
    ).filter(
      (type) => isAdmittedAsPeriodStands(type, period) && policy.canSendCaseEvent(actor, type, resource),
    );
  }

  /** A case the actor may see, or 404 — never revealing that it exists. */
  getVisible(actor: Actor, id: string, tx?: EntityManager): Promise<VisibleCase> {
    return this.visibleOr404(actor, id, () => this.cases.findWithAccess(id, tx));
  }

  private async visibleOr404<T extends VisibleCase>(
    actor: Actor,
    id: string,
    read: () => Promise<T | null>,
  ): Promise<T> {
    if (!isUuid(id)) throw new NotFoundError();
    const found = await read();
    if (!found || !policy.canSee(actor, found.resource)) throw new NotFoundError();
    return found;
  }

  list(actor: Actor, query: CaseListQuery) {
    return this.lists.list(policy.caseVisibility(actor), query, todayInShanghai(this.clock.now()));
  }

  partiesOf(caseId: string) {
    return this.cases.partiesOf(caseId);
  }

  async timeline(actor: Actor, id: string) {
    await this.getVisible(actor, id);
    return this.cases.eventsOf(id);
  }

  /**
   * The case's chain, checked also against the case's own count of its events (one
   * per version, plus registration) so that a cut-off tail shows; the row and the
   * events are read in one snapshot, so an event appended meanwhile is not a break.
   */
  verify(actor: Actor, id: string) {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const { row } = await this.getVisible(actor, id, tx);
      return this.cases.verifyChainOf(tx, id, row.version + 1);
    });
  }

  /** A party's ID and phone number in clear, for those who act on the case; every view is audited. */
  async revealParty(actor: Actor, origin: RequestOrigin, caseId: string, partyId: string) {
    const { resource } = await this.getVisible(actor, caseId);
    const party = await this.cases.findParty(caseId, partyId);
    if (!party) throw new NotFoundError();
    if (!policy.can(actor, 'party.reveal', resource)) throw new ForbiddenError();
    await this.audit.record(origin, {
      action: 'party.revealed',
      target: { type: 'party', id: party.id },
      details: {
        caseId,
        fields: ['idNumber', 'phone'].filter((field) =>
          field === 'idNumber' ? party.idNumberEncrypted : party.phoneEncrypted,
        ),
      },
    });
    return {
      party,
      idNumber: party.idNumberEncrypted ? this.cipher.decrypt(party.idNumberEncrypted) : null,
      phone: party.phoneEncrypted ? this.cipher.decrypt(party.phoneEncrypted) : null,
    };
  }

  /** Every case matching the filter (up to `max`), for an export: the list's query run page by page. */
  async listAll(actor: Actor, query: CaseListQuery, max = 10000): Promise<Case[]> {
    const rows: Case[] = [];
    for (let page = 1; rows.length < max; page++) {
      const { items } = await this.list(actor, { ...query, page, pageSize: 200 });
      rows.push(...items);
      if (items.length < 200) break;
    }
    return rows.slice(0, max);
  }

  /** What the intake form offers: the units this actor may register at, and the grid blocks under them. */
  async intakeOptions(
    actor: Actor,
  ): Promise<{ units: Unit[]; grids: Array<{ grid: Grid; community: Unit }>; today: string }> {
    const subtree = await this.units.findSubtree(actor.unitId);
    const units = subtree.filter((unit) => unit.active && policy.canRegisterAt(actor, unit.path, unit.id));
    const grids = await this.units.findGridsWithin(actor.unitId);
    const byId = new Map(subtree.map((unit) => [unit.id, unit]));
    return {
      units,
      today: todayInShanghai(this.clock.now()),
      grids: grids.flatMap((grid) => {
        const community = byId.get(grid.communityId);
        return community ? [{ grid, community }] : [];
      }),
    };
  }

  /**
   * Before registering (DOMAIN.md "One active forum per dispute"): open cases the actor
   * may see that look like this dispute, and the forums (committee, department, court)
   * that have already accepted a dispute between the same parties — named even when the
   * case itself is not the actor's to see, as the workflow names it on ACCEPT.
   */
  async reviewIntake(actor: Actor, input: RegisterCaseInput): Promise<IntakeReview> {
    const keyOf = (party: PartyInput) =>
      partyKey({
        idNumberHash: party.idNumber ? this.cipher.hash('id', party.idNumber) : null,
        nameHash: this.cipher.hash('name', party.name),
      });
    const applicantKeys = input.parties.filter((party) => party.role === 'applicant').map(keyOf);
    const respondentKeys = input.parties.filter((party) => party.role === 'respondent').map(keyOf);
    const idHashes = input.parties.flatMap((party) =>
      party.idNumber ? [this.cipher.hash('id', party.idNumber)] : [],
    );
    const duplicates = await this.partyMatching.findPossibleDuplicates(policy.caseVisibility(actor), {
      applicantKeys,
      respondentKeys,
      idHashes,
      title: input.title,
      unitId: input.unitId ?? actor.unitId,
    });
    const forums = await this.partyMatching.findActiveForumsFor(
      input.parties.map((party) => ({
        role: party.role,
        idNumberHash: party.idNumber ? this.cipher.hash('id', party.idNumber) : null,
        nameHash: this.cipher.hash('name', party.name),
      })),
      [],
    );
    const forumUnits = await this.unitsById(forums.map((forum) => forum.holding_unit_id));
    const visibleForums = await Promise.all(
      forums.map(async (forum) => {
        const found = await this.cases.findWithAccess(forum.id);
        const visible = found ? policy.canSee(actor, found.resource) : false;
        return {
          caseId: forum.id,
          number: forum.number,
          unit: forumUnits.get(forum.holding_unit_id) ?? null,
          visible,
        };
      }),
    );
    return { duplicates, forums: visibleForums };
  }

  /**
   * The intake form's one call: shows the review when it finds possible duplicates or
   * another forum (unless the mediator has seen them and confirmed), else registers.
   */
  async intake(
    actor: Actor,
    input: RegisterCaseInput,
    options: { confirmed: boolean; checkOnly: boolean },
  ): Promise<{ registered: Case | null; review: IntakeReview }> {
    const review = await this.reviewIntake(actor, input);
    const found = review.duplicates.length > 0 || review.forums.length > 0;
    if (options.checkOnly || (found && !options.confirmed)) return { registered: null, review };
    return { registered: await this.register(actor, input), review };
  }

  /** The rows to store for parties: personal numbers encrypted, hashed and masked. */
  sealParties(parties: PartyInput[]): Array<Partial<Party>> {
    return parties.map((party, position) => ({
      position,
      role: party.role,
      kind: party.kind,
      name: party.name,
      idNumberEncrypted: party.idNumber ? this.cipher.encrypt(party.idNumber) : null,
      idNumberHash: party.idNumber ? this.cipher.hash('id', party.idNumber) : null,
      idNumberMasked: party.idNumber ? maskIdNumber(party.idNumber) : null,
      phoneEncrypted: party.phone ? this.cipher.encrypt(party.phone) : null,
      phoneHash: party.phone ? this.cipher.hash('phone', party.phone) : null,
      phoneMasked: party.phone ? maskPhone(party.phone) : null,
      address: party.address ?? null,
      representative: party.representative ?? false,
      nameHash: this.cipher.hash('name', party.name),
    }));
  }

  /**
   * Registers a dispute at the caller's unit (or a unit a supervisor oversees), in
   * state `registered`, with a gap-free number, its parties sealed and a first
   * event starting its chain.
   */
  register(actor: Actor, input: RegisterCaseInput): Promise<Case> {
    return this.db.transaction((tx) =>
      this.registerWithin(tx, actor, input, {
        mayRegisterAt: (unit) => policy.canRegisterAt(actor, unit.path, unit.id),
      }),
    );
  }

  /**
   * 诉访分离: a dispute opened from a petition (the petition's write path has asked the
   * policy), at the petition's unit, with source `petition`, submitted straight to screening.
   */
  openForPetition(
    tx: EntityManager,
    actor: Actor,
    unitId: string,
    input: Omit<RegisterCaseInput, 'source' | 'unitId' | 'masterCaseId'>,
  ): Promise<Case> {
    return this.registerWithin(
      tx,
      actor,
      { ...input, unitId, source: 'petition' },
      { mayRegisterAt: () => true, submit: true },
    );
  }

  private async registerWithin(
    tx: EntityManager,
    actor: Actor,
    input: RegisterCaseInput,
    options: { mayRegisterAt: (unit: Unit) => boolean; submit?: boolean },
  ): Promise<Case> {
    const unitId = input.unitId ?? actor.unitId;
    const rules = rulesFor(input.type);
    const now = this.clock.now();
    const today = todayInShanghai(now);
    const dateErrors = applicationDateErrors(input, rules, today);
    if (dateErrors.length > 0) throw new RuleViolationError('validation_failed', dateErrors);
    const cap = rules.representativeCap;
    if (cap) {
      for (const role of ['applicant', 'respondent'] as const) {
        const representatives = input.parties.filter(
          (party) => party.role === role && party.representative,
        ).length;
        if (representatives > cap.max) {
          throw new RuleViolationError(
            'representatives_over_cap',
            [{ field: 'parties', message: 'validation.representatives_over_cap', params: { max: cap.max } }],
            {
              max: cap.max,
              source: cap.source.zh,
            },
          );
        }
      }
    }

    {
      const unit = await this.units.findById(unitId, tx);
      if (!unit?.active)
        throw new ValidationError([{ field: 'unitId', message: 'validation.unit_not_assignable' }]);
      if (!options.mayRegisterAt(unit)) {
        throw new ValidationError([{ field: 'unitId', message: 'validation.unit_not_assignable' }]);
      }
      const district = await this.units.findDistrictOf(unit.id, tx);
      if (!district) throw new Error(`no district above unit ${unit.id}`);
      if (input.gridId && !(await this.units.isGridWithin(input.gridId, unit.id, tx))) {
        throw new ValidationError([{ field: 'gridId', message: 'validation.grid_not_in_unit' }]);
      }
      if (input.masterCaseId) {
        const master = await this.getVisible(actor, input.masterCaseId, tx).catch(() => null);
        if (!master || master.row.masterCaseId) {
          throw new ValidationError([{ field: 'masterCaseId', message: 'validation.master_case_invalid' }]);
        }
      }

      const year = Number(today.slice(0, 4));
      const number = await nextRecordNumber(tx, { name: 'case', prefix: district.code }, district.id, year);
      const initial = startMachine(caseMachine, {
        type: input.type,
        rules: caseRulesExcerpt(rules),
        holdingUnitId: unit.id,
      });
      const submitted = options.submit ? applyEvent(caseMachine, initial, { type: 'SUBMIT' }).next : null;
      const receivedOn = input.receivedOn ?? today;
      // registered at the type's administrative body: it decides within its period whether it accepts (医疗 §40)
      const acceptance = acceptancePeriodAt(rules, unit);
      const deadline = acceptance
        ? startAcceptanceClock(acceptance, receivedOn, today, this.calendar())
        : null;
      const row = await this.cases.saveCase(
        {
          number,
          districtId: district.id,
          type: input.type,
          title: input.title,
          description: input.description,
          source: input.source,
          registeredUnitId: unit.id,
          registeredBy: actor.id,
          holdingUnitId: unit.id,
          heldUnitIds: [unit.id],
          gridId: input.gridId ?? null,
          occurredOn: input.occurredOn ?? null,
          receivedOn,
          knewOn: input.knewOn ?? null,
          deadline,
          deadlineDue: deadline?.due ?? null,
          overdue: deadline ? deadline.due < today : false,
          amountInDispute: input.amountInDispute === undefined ? null : String(input.amountInDispute),
          groupSize: input.groupSize ?? null,
          masterCaseId: input.masterCaseId ?? null,
          state: submitted ? 'screening' : 'registered',
          registeredLevel: mediationLevelOf(unit.kind),
          rulesVersion: rules.version,
          machineVersion: caseMachineVersion,
          snapshot: submitted ?? initial,
          version: submitted ? 1 : 0,
          createdAt: now,
          updatedAt: now,
        },
        tx,
      );
      await this.cases.insertParties(
        this.sealParties(input.parties).map((party) => ({ ...party, caseId: row.id })),
        tx,
      );
      await this.cases.appendEvent(
        {
          caseId: row.id,
          type: 'REGISTERED',
          actorId: actor.id,
          actorName: actor.displayName,
          unitId: actor.unitId,
          at: now,
          payload: {
            type: input.type,
            title: input.title,
            source: input.source,
            unitId: unit.id,
            parties: input.parties.map((party) => ({ role: party.role, kind: party.kind, name: party.name })),
            rulesVersion: rules.version,
          },
          fromState: null,
          toState: 'registered',
        },
        tx,
      );
      if (submitted) {
        await this.cases.appendEvent(
          {
            caseId: row.id,
            type: 'SUBMIT',
            actorId: actor.id,
            actorName: actor.displayName,
            unitId: actor.unitId,
            at: now,
            payload: { type: 'SUBMIT' },
            fromState: 'registered',
            toState: 'screening',
          },
          tx,
        );
      }
      if (deadline) await this.timers?.reconcileCaseIn(tx, row);
      return row;
    }
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
