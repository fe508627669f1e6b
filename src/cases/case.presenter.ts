import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Locale } from '../shared/i18n/i18n';
import type { Unit } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import type { User } from '../users/user.entity';
import { rulesFor } from '../workflows/rules';
import type { CaseEventRecord } from '../workflows/workflow-event.entity';
import { readLimitation } from './arbitration-limitation';
import type { Case } from './case.entity';
import { presentDeadline } from './case-deadline';
import type { Party } from './party.entity';

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
}

function unitRef(id: string | null, deps: CaseViewDeps) {
  if (!id) return null;
  const unit = deps.units.get(id);
  return unit
    ? { id, code: unit.code, name: unitName(unit, deps.locale), kind: unit.kind }
    : { id, code: null, name: null, kind: null };
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
  return {
    seq: event.seq,
    type: event.type,
    actor: event.actorId ? { id: event.actorId, displayName: event.actorName } : null,
    unit: event.unitId ? { id: event.unitId, name: unit ? unitName(unit, deps.locale) : null } : null,
    at: event.at.toISOString(),
    payload: event.payload,
    fromState: event.fromState,
    toState: event.toState,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}
