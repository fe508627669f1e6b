import type { Actor } from '../access/actor';
import { presentParty } from '../cases/case.presenter';
import { yearsWithoutNotice } from '../deadlines/clock';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import type { Locale } from '../shared/i18n/i18n';
import type { Unit } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import type { UnitRepository } from '../units/unit.repository';
import type { PetitionEventRecord } from '../workflows/workflow-event.entity';
import { presentChainLink } from '../workflows/workflow-event.presenter';
import type { Petition, PetitionDueDate, PetitionDueDates, PetitionVisit } from './petition.entity';
import type { PetitionRepository } from './petition.repository';
import type { PetitionService } from './petition.service';
import { currentPetitionClock, isPetitionOverdue } from './petition-clocks';

/** Whether a clock crosses a year whose holiday notice is not entered, and which. */
interface ProvisionalReading {
  provisional: boolean;
  yearsWithoutNotice: number[];
}

/** The list view of a petition (API.md: dueDates and flags): no petitioners, no allowed events. */
export type PetitionSummary = ReturnType<PetitionPresenter['summaryOf']>;

/** A visit as the API answers it. */
export function presentVisit(visit: PetitionVisit) {
  return {
    id: visit.id,
    agentId: visit.agentId,
    visitedAt: visit.visitedAt.toISOString(),
    place: visit.place,
    metWith: visit.metWith,
    summary: visit.summary,
    demands: visit.demands,
    mood: visit.mood,
    risk: visit.risk,
    promises: visit.promises,
    nextVisitOn: visit.nextVisitOn,
    createdAt: visit.createdAt.toISOString(),
  };
}

/** One timeline entry (API.md `GET /petitions/:id/events`), with its hash chain. */
export function presentPetitionEvent(event: PetitionEventRecord) {
  return presentChainLink(event);
}

/**
 * Petitions as the API (and, through the view model, the pages) show them, in the
 * reader's language: clocks read today, the holding unit named, petitioners masked.
 */
export class PetitionPresenter {
  private readonly petitions: PetitionRepository;
  private readonly reads: Pick<PetitionService, 'allowedEvents'>;
  private readonly units: UnitRepository;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;

  constructor(deps: {
    petitions: PetitionRepository;
    reads: Pick<PetitionService, 'allowedEvents'>;
    units: UnitRepository;
    clock: Clock;
    calendar: () => WorkingCalendar;
  }) {
    this.petitions = deps.petitions;
    this.reads = deps.reads;
    this.units = deps.units;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
  }

  /** One petition's list view, its holding unit read. */
  async summary(row: Petition, locale: Locale) {
    return this.summaryOf(row, await this.units.findById(row.holdingUnitId), locale);
  }

  /** A page of the list: the holding units of all its rows read in one query. */
  async summaries(rows: Petition[], locale: Locale) {
    const byId = await this.units.mapByIds(rows.map((row) => row.holdingUnitId));
    return rows.map((row) => this.summaryOf(row, byId.get(row.holdingUnitId) ?? null, locale));
  }

  /** The list view of a petition, its holding unit given. */
  summaryOf(row: Petition, unit: Unit | null, locale: Locale) {
    const today = todayInShanghai(this.clock.now());
    const current = currentPetitionClock(row.state, row.dueDates);
    const calendar = this.calendar();
    // each clock says whether it crosses a year whose holiday notice is not entered (API.md: provisional)
    const read = (clock: PetitionDueDate): PetitionDueDate & ProvisionalReading => {
      const years = yearsWithoutNotice(calendar, clock.startedOn, clock.due);
      return { ...clock, provisional: years.length > 0, yearsWithoutNotice: years };
    };
    return {
      id: row.id,
      number: row.number,
      subject: row.subject,
      state: row.state,
      /** §31: proposal, complaint or claim. */
      category: row.category,
      receivedOn: row.receivedOn,
      /** The day a recheck closed it for good (§36), or null. */
      finalOn: row.finalOn,
      holdingUnit: unit ? { id: unit.id, code: unit.code, name: unitName(unit, locale) } : null,
      agentId: row.agentId,
      groupSize: row.groupSize,
      flags: { repeat: row.flagRepeat, group: row.flagGroup, skipLevel: row.flagSkipLevel },
      dueDates: Object.fromEntries(
        Object.entries(row.dueDates).map(([name, clock]) => [name, clock && read(clock)]),
      ) as { [Name in keyof PetitionDueDates]?: NonNullable<PetitionDueDates[Name]> & ProvisionalReading },
      currentDue: current && read(current),
      overdue: isPetitionOverdue(row.state, row.dueDates, today),
      extended: row.snapshot.context.extended,
      nextVisitOn: row.nextVisitOn,
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /** One petition as the API shows it (API.md: dueDates and flags), petitioners masked. */
  async present(actor: Actor, row: Petition, locale: Locale) {
    const base = await this.summary(row, locale);
    const resource = await this.petitions.accessResource(row);
    const [petitioners, linkedCases] = await Promise.all([
      this.petitions.petitionersOf(row.id),
      this.petitions.linkedCases(row.id),
    ]);
    return {
      ...base,
      content: row.content,
      petitioners: petitioners.map((person) => {
        const { role: _role, ...shown } = presentParty(person);
        return shown;
      }),
      linkedCases,
      allowedEvents: this.reads.allowedEvents(actor, row, resource),
    };
  }
}
