import type { Actor } from '../access/actor';
import type { CaseResource } from '../access/policy';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import type { Locale } from '../shared/i18n/i18n';
import type { Unit } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import type { UnitRepository } from '../units/unit.repository';
import type { User } from '../users/user.entity';
import type { UserRepository } from '../users/user.repository';
import { rulesFor } from '../workflows/rules';
import type { CaseEventRecord } from '../workflows/workflow-event.entity';
import { presentChainLink } from '../workflows/workflow-event.presenter';
import { readLimitation } from './arbitration-limitation';
import type { Case } from './case.entity';
import { type CaseRepository, type CaseView, decidingCourtOf, type GroupMark } from './case.repository';
import type { CaseService } from './case.service';
import { presentDeadline } from './case-deadline';
import type { Party } from './party.entity';
import type { RevealedParty } from './party-reveal.service';

/** What a case body shows of a party (ID and phone only as stored masked). */
export type ShownParty = Pick<
  Party,
  'id' | 'role' | 'kind' | 'name' | 'idNumberMasked' | 'phoneMasked' | 'address' | 'representative'
>;

/** A party as every list and case body shows it: ID and phone masked. */
export function presentParty(party: ShownParty) {
  return {
    id: party.id,
    role: party.role,
    kind: party.kind,
    name: party.name,
    idNumber: party.idNumberMasked,
    phone: party.phoneMasked,
    address: party.address,
    representative: party.representative,
  };
}

export interface CaseViewDeps {
  units: Map<string, Pick<Unit, 'code' | 'nameZh' | 'nameEn' | 'kind'>>;
  users: Map<string, Pick<User, 'displayName'>>;
  calendar: WorkingCalendar;
  now: Date;
  locale: Locale;
  /** The listed cases' group marks (群体性纠纷, issue 21); absent: none shown. */
  groups?: Map<string, GroupMark>;
}

function unitRef(id: string | null, deps: CaseViewDeps) {
  if (!id) return null;
  const unit = deps.units.get(id);
  return unit
    ? { id, code: unit.code, name: unitName(unit, deps.locale), kind: unit.kind }
    : { id, code: null, name: null, kind: null };
}

/** A listed case's place in a group dispute: `master` with its member count, or `member` of its master; null in none. */
function groupOf(id: string, groups: Map<string, GroupMark>) {
  const mark = groups.get(id);
  if (!mark) return null;
  return mark.masterCaseId
    ? { role: 'member' as const, masterCaseId: mark.masterCaseId, masterNumber: mark.masterNumber }
    : { role: 'master' as const, memberCount: mark.memberCount };
}

/** The API's view of a case (API.md `GET /cases/:id`). */
export function presentCase(
  row: Case,
  deps: CaseViewDeps,
  extra: { allowedEvents?: string[]; parties?: ShownParty[] } = {},
) {
  const today = todayInShanghai(deps.now);
  const deadline = row.deadline ? presentDeadline(row.deadline, today, deps.calendar) : null;
  const limitation = presentLimitation(row, today, deps.calendar);
  const mediator = row.mediatorId ? deps.users.get(row.mediatorId) : undefined;
  return {
    id: row.id,
    number: row.number,
    type: row.type,
    title: row.title,
    description: row.description,
    source: row.source,
    state: row.state,
    outcome: row.outcome,
    track: row.track,
    level: row.level,
    holdingUnit: unitRef(row.holdingUnitId, deps),
    registeredUnit: unitRef(row.registeredUnitId, deps),
    mediator: row.mediatorId ? { id: row.mediatorId, displayName: mediator?.displayName ?? null } : null,
    deadline,
    overdue: deadline?.overdue ?? false,
    confirmationWindowEndsOn: row.snapshot.context.confirmationWindowEndsOn,
    judiciallyConfirmed: row.snapshot.context.judiciallyConfirmed,
    gridId: row.gridId,
    occurredOn: row.occurredOn,
    receivedOn: row.receivedOn,
    knewOn: row.knewOn,
    arbitrationLimitation: limitation,
    amountInDispute: row.amountInDispute === null ? null : Number(row.amountInDispute),
    groupSize: row.groupSize,
    masterCaseId: row.masterCaseId,
    riskGrade: row.riskGrade,
    ...(deps.groups ? { group: groupOf(row.id, deps.groups) } : {}),
    imported: row.imported,
    version: row.version,
    ...(extra.allowedEvents ? { allowedEvents: extra.allowedEvents } : {}),
    ...(extra.parties ? { parties: extra.parties.map(presentParty) } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * A labour dispute's arbitration limitation (劳动争议调解仲裁法 §27) as the API shows it:
 * `interrupted` while the case is under way, `running` from the day mediation ended
 * without settling it, `lapsed`, or `lapsed_before_application`; null where no limitation
 * is kept (another type, `knewOn` not recorded, the dispute settled).
 */
function presentLimitation(row: Case, today: string, calendar: WorkingCalendar) {
  const rule = rulesFor(row.type, row.rulesVersion).arbitrationLimitation;
  const reading = rule ? readLimitation(row, rule, today, calendar) : null;
  if (!rule || !reading) return null;
  const { clock: _clock, ...shown } = reading;
  return { ...shown, source: rule.source };
}

/** One timeline entry (API.md `GET /cases/:id/events`). */
export function presentCaseEvent(event: CaseEventRecord, deps: Pick<CaseViewDeps, 'units' | 'locale'>) {
  const unit = event.unitId ? deps.units.get(event.unitId) : undefined;
  const { unitId: _unitId, ...link } = presentChainLink(event);
  return {
    ...link,
    unit: event.unitId ? { id: event.unitId, name: unit ? unitName(unit, deps.locale) : null } : null,
  };
}

/** A revealed party as the API answers it: the masked view with the numbers in full. */
export function presentRevealedParty(revealed: RevealedParty) {
  return { ...presentParty(revealed.party), idNumber: revealed.idNumber, phone: revealed.phone };
}

/**
 * Cases as the API and the pages show them, in the reader's language: it reads what
 * presenting needs (units, mediators, the access data, the calendar and today) so that
 * the services that read cases never take a locale.
 */
export class CasePresenter {
  private readonly cases: Pick<CaseService, 'allowedEvents'>;
  private readonly caseRepository: CaseRepository;
  private readonly units: UnitRepository;
  private readonly users: UserRepository;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;
  /** What `presentJson` made, by case row, actor and language, with the day and calendar it was made for. */
  private readonly madeJson = new WeakMap<
    Case,
    WeakMap<Actor, Map<Locale, { today: string; calendar: WorkingCalendar; json: Buffer }>>
  >();

  constructor(deps: {
    cases: Pick<CaseService, 'allowedEvents'>;
    caseRepository: CaseRepository;
    units: UnitRepository;
    users: UserRepository;
    clock: Clock;
    calendar: () => WorkingCalendar;
  }) {
    this.cases = deps.cases;
    this.caseRepository = deps.caseRepository;
    this.units = deps.units;
    this.users = deps.users;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
  }

  /** What presenting these cases needs (units, mediators, calendar, now), for the web's view models. */
  async viewDepsFor(rows: Case[], locale: Locale): Promise<CaseViewDeps> {
    const [units, users, groups] = await Promise.all([
      this.units.mapByIds(rows.flatMap((row) => [row.holdingUnitId, row.registeredUnitId])),
      this.users.findByIds([...new Set(rows.flatMap((row) => (row.mediatorId ? [row.mediatorId] : [])))]),
      this.caseRepository.groupMarksOf(rows.map((row) => row.id)),
    ]);
    return { ...this.depsWith(units, new Map(users.map((user) => [user.id, user])), locale), groups };
  }

  private depsWith(units: CaseViewDeps['units'], users: CaseViewDeps['users'], locale: Locale): CaseViewDeps {
    return { units, users, calendar: this.calendar(), now: this.clock.now(), locale };
  }

  /**
   * One case as the API shows it to this actor: masked parties and the events they may
   * send now. `known` is the case's access data as the route's guard read it: still
   * right unless the case has changed hands since (then it is read again). The court
   * deciding on its agreement is taken from the row as it is now: on the judicial track
   * the court holds the case before, during and after its ruling (民事诉讼法 §205(1)).
   */
  async present(actor: Actor, row: Case, locale: Locale, known?: CaseResource, shown?: CaseView) {
    const resource =
      known && sameMembers(known.heldUnitIds, row.heldUnitIds) && known.holdingUnitId === row.holdingUnitId
        ? { ...known, decidingCourtId: decidingCourtOf(row) }
        : await this.caseRepository.accessResource(row);
    const view = shown ?? (await this.caseRepository.viewOf(row));
    const units = new Map(view.units.map((unit) => [unit.id, unit]));
    const users = new Map(view.mediator ? [[view.mediator.id, view.mediator]] : []);
    return presentCase(row, this.depsWith(units, users, locale), {
      allowedEvents: this.cases.allowedEvents(actor, row, resource),
      parties: view.parties,
    });
  }

  /**
   * `present` as the JSON answered (`GET /api/v1/cases/:id`), UTF-8 bytes ready to send (half
   * the memory of a JavaScript string of Chinese text, and no encoding per answer). For a case row and an actor
   * that are kept and answer many requests (frozen: `CaseRepository.findForView`, `ActorCache`),
   * the text is made once and answered again while the day and the calendar are the same: it
   * is a function of those alone (the allowed events, the deadline's reading and the limitation
   * count in days). A case page asked again then costs its app no presenting and no serialising
   * (≈ 15 % of its CPU, issue 22).
   */
  async presentJson(
    actor: Actor,
    row: Case,
    locale: Locale,
    known?: CaseResource,
    shown?: CaseView,
  ): Promise<Buffer> {
    const made = () =>
      this.present(actor, row, locale, known, shown).then((body) => bytesOf(JSON.stringify(body)));
    if (!known || !shown || !Object.isFrozen(row) || !Object.isFrozen(actor)) return made();
    const today = todayInShanghai(this.clock.now());
    const calendar = this.calendar();
    let byActor = this.madeJson.get(row);
    if (!byActor) {
      byActor = new WeakMap();
      this.madeJson.set(row, byActor);
    }
    let byLocale = byActor.get(actor);
    if (!byLocale) {
      byLocale = new Map();
      byActor.set(actor, byLocale);
    }
    const kept = byLocale.get(locale);
    if (kept && kept.today === today && kept.calendar === calendar) return kept.json;
    const json = await made();
    byLocale.set(locale, { today, calendar, json });
    return json;
  }

  async presentList(rows: Case[], locale: Locale) {
    const deps = await this.viewDepsFor(rows, locale);
    return rows.map((row) => presentCase(row, deps));
  }

  /** The timeline as the API answers it (API.md `GET /cases/:id/events`), units named. */
  async presentTimeline(events: CaseEventRecord[], locale: Locale) {
    const units = await this.units.mapByIds(events.flatMap((event) => (event.unitId ? [event.unitId] : [])));
    return events.map((event) => presentCaseEvent(event, { units, locale }));
  }
}

/**
 * A text's UTF-8 bytes in a buffer of their own: `Buffer.from` cuts a short one out of an 8 KB
 * slab shared with whatever else was allocated meanwhile, which a kept buffer would hold alive.
 */
function bytesOf(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
