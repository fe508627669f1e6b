import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Client } from 'pg';
import { fillCaseSearchSql } from '../../migrations/1764700100000-KeepEachSearchRowsHoldersAndOrder';
import type { CaseDeadline } from '../../src/cases/case.entity';
import { startMediationClock, withReading } from '../../src/cases/case-deadline';
import { addDays } from '../../src/deadlines/plain-date';
import { officialCalendar } from '../../src/deadlines/working-calendar';
import { maskIdNumber, maskPhone, type PersonalDataCipher } from '../../src/shared/crypto/personal-data';
import { caseMachineVersion } from '../../src/workflows/case.machine';
import { type ChainHead, linkAfter } from '../../src/workflows/event-chain';
import { rulesFor } from '../../src/workflows/rules';
import { type DisputeType, disputeTypes } from '../../src/workflows/rules/dispute-rules.types';
import { residentId } from '../support/identifiers';
import type { City, CityUnit, Person } from './city';
import { chineseName } from './city';
import {
  buildTemplates,
  type ClockOp,
  inProgressTemplateName,
  sentinelPattern,
  type TemplateRun,
  templateBase,
  templateDatePattern,
  type Var,
  vars,
} from './histories';
import { copyLine, copyRows } from './postgres';
import type { Rng } from './random';
import { caseText, organisationName } from './texts';

/** How common each type is among the cases received (a district's usual mix). */
const typeWeights: Record<DisputeType, number> = {
  neighbourhood: 22,
  family: 12,
  labour: 18,
  property_management: 10,
  consumer: 6,
  medical: 5,
  demolition_relocation: 5,
  land_requisition: 3,
  environmental: 4,
  other: 15,
};
const sourceWeights: Array<[string, number]> = [
  ['walk_in', 35],
  ['hotline_12345', 25],
  ['grid_patrol', 20],
  ['petition', 5],
  ['police_110', 8],
  ['court_referral', 3],
  ['other', 4],
];

/** The first day of generated history; the figures' "district-year" is a year inside it. */
export const historyStarts = '2016-01-01';

const dayMs = 86_400_000;
const shanghaiMidnight = (day: string) => Date.parse(`${day}T00:00:00+08:00`);
const dayOfMs = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

const caseColumns = [
  'id',
  'number',
  'district_id',
  'type',
  'title',
  'description',
  'source',
  'registered_unit_id',
  'registered_by',
  'holding_unit_id',
  'held_unit_ids',
  'grid_id',
  'occurred_on',
  'amount_in_dispute',
  'group_size',
  'state',
  'outcome',
  'track',
  'level',
  'registered_level',
  'resolved_level',
  'mediator_id',
  'rules_version',
  'machine_version',
  'snapshot',
  'version',
  'deadline',
  'deadline_due',
  'overdue',
  'imported',
  'screened_at',
  'accepted_at',
  'closed_at',
  'closed_on_time',
  'created_at',
  'updated_at',
  'received_on',
  'scope_ids',
] as const;
const partyColumns = [
  'id',
  'case_id',
  'position',
  'role',
  'kind',
  'name',
  'id_number_encrypted',
  'id_number_hash',
  'id_number_masked',
  'phone_encrypted',
  'phone_hash',
  'phone_masked',
  'address',
  'representative',
  'name_hash',
  'created_at',
] as const;
const eventColumns = [
  'case_id',
  'seq',
  'type',
  'actor_id',
  'actor_name',
  'unit_id',
  'at',
  'payload',
  'from_state',
  'to_state',
  'prev_hash',
  'hash',
  'digest',
] as const;
const sessionColumns = [
  'case_id',
  'event_seq',
  'kind',
  'held_at',
  'place',
  'minutes',
  'recorded_by',
  'created_at',
] as const;
const agreementColumns = [
  'case_id',
  'event_seq',
  'form',
  'terms',
  'perform_by',
  'reached_on',
  'confirmation_window_ends_on',
  'status',
  'judicially_confirmed',
  'ruling_no',
  'created_at',
] as const;
const escalationColumns = [
  'case_id',
  'event_seq',
  'kind',
  'from_unit_id',
  'to_unit_id',
  'from_level',
  'to_level',
  'from_track',
  'to_track',
  'reason_code',
  'reason',
  'sessions_held',
  'days_held',
  'by_user_id',
  'status',
  'reviewer_id',
  'review_comment',
  'reviewed_at',
  'created_at',
] as const;

/**
 * Tables the generator fills; their secondary indexes are dropped for the load and rebuilt after.
 * case_search is kept by triggers, off during the load: `fillSearch`.
 */
export const loadedTables = [
  'cases',
  'parties',
  'case_events',
  'mediation_sessions',
  'agreements',
  'escalations',
  'case_search',
];

/**
 * The triggers that keep case_search (migration SearchCasesFromASideTableWithSingleCharacters),
 * and cases.scope_ids' (migration KeepEachCaseScopesOnItsRow), which the loader writes itself
 * (`scopeIdsOf`): a SQL function per row would join the units for each of the million cases.
 */
const searchTriggerNames: Record<string, string[]> = {
  cases: ['cases_insert_search', 'cases_update_search', 'cases_insert_scope_ids'],
  parties: ['parties_insert_case_search', 'parties_delete_case_search', 'parties_update_case_search'],
};

export async function searchTriggers(client: Client, action: 'ENABLE' | 'DISABLE'): Promise<void> {
  for (const [table, triggers] of Object.entries(searchTriggerNames))
    await client.query(
      `ALTER TABLE ${table} ${triggers.map((name) => `${action} TRIGGER ${name}`).join(', ')}`,
    );
}

/**
 * Fills case_search set-based (`fillCaseSearchSql`, as `refresh_case_search` writes a row), its grams (a PL/pgSQL loop per
 * case, most of the fill's time) in two halves of the cases at once, on a second connection,
 * as the machine has two cores.
 */
export async function fillSearch(client: Client, url: string): Promise<void> {
  const second = new Client({ connectionString: url, application_name: 'bench-loader' });
  await second.connect();
  try {
    const half = `'80000000-0000-0000-0000-000000000000'::uuid`;
    await Promise.all([
      client.query(`${fillCaseSearchSql} WHERE c.id < ${half}`),
      second.query(`${fillCaseSearchSql} WHERE c.id >= ${half}`),
    ]);
  } finally {
    await second.end();
  }
}

/**
 * Fills `case_last_changes` (the list by last change, migration OrderCasesByLastChangeBesideTheirRows)
 * set-based after the load, as the trigger that keeps it does not fire while the loader writes as a replica.
 */
export async function fillLastChanges(client: Client): Promise<void> {
  await client.query(
    `INSERT INTO case_last_changes (case_id, district_id, updated_at) SELECT id, district_id, updated_at FROM cases
     ON CONFLICT (case_id) DO NOTHING`, // written already if the server refused the replica role (triggers on)
  );
}

/** The tables filled after the load from the loaded ones (their secondary indexes rebuilt after it too). */
export const filledTables = ['case_last_changes'];

export interface LoadSummary {
  cases: number;
  events: number;
  parties: number;
  sessions: number;
  agreements: number;
  escalations: number;
  openCases: number;
  benchCaseIds: string[];
  generateSeconds: number;
  indexSeconds: number;
}

interface Plan {
  template: TemplateRun;
  createdMs: number;
  community: CityUnit;
  bench: boolean;
}

/** A unit's id from its path's label (units_set_path: the id without its hyphens). */
const unitIdOfLabel = (label: string): string =>
  `${label.slice(0, 8)}-${label.slice(8, 12)}-${label.slice(12, 16)}-${label.slice(16, 20)}-${label.slice(20)}`;

/**
 * cases.scope_ids for the units that held a case: each of them and their ancestors below the
 * district (nlevel(path) >= 2), sorted as the migration's `unit_scopes` sorts them, read off the
 * units' paths instead of computed by a trigger per row at load time.
 */
function scopeIdsOf(held: CityUnit[]): string[] {
  const ids = new Set<string>();
  for (const unit of held) for (const label of unit.path.split('.').slice(1)) ids.add(unitIdOfLabel(label));
  return [...ids].sort();
}

/** Template day offsets → their sentinel date text, so that a date in a template is shifted by lookup. */
const templateOffsetOf = new Map<string, number>(
  Array.from({ length: 366 }, (_, offset) => [addDays(templateBase, offset), offset]),
);

class Instantiator {
  private readonly clockMemo = new Map<string, CaseDeadline>();
  private readonly today: string;

  constructor(
    private readonly city: City,
    private readonly cipher: PersonalDataCipher,
    private readonly rng: Rng,
    private readonly nowMs: number,
    /** The audit chain key the app is started with (AUDIT_KEY): the chains are keyed as the app keys them. */
    private readonly chainKey: Buffer,
  ) {
    this.today = dayOfMs(nowMs);
  }

  private deadlineFor(type: DisputeType, ops: ClockOp[], createdDay: string, readOn: string): CaseDeadline {
    const key = `${type}|${createdDay}|${readOn}|${ops.map((op) => `${op.op}${op.day}`).join(',')}`;
    let deadline = this.clockMemo.get(key);
    if (!deadline) {
      const rules = rulesFor(type);
      const [start, ...rest] = ops;
      if (start.op !== 'start') throw new Error('a clock starts with start');
      // the generated applications are registered the day they come in: a labour period counts from then
      deadline = startMediationClock(
        rules,
        start.track,
        { today: addDays(createdDay, start.day), receivedOn: createdDay, current: null },
        officialCalendar,
      );
      for (const op of rest) {
        const on = addDays(createdDay, op.day);
        const pauses: CaseDeadline['pauses'] =
          op.op === 'pause'
            ? [...deadline.pauses, { from: on }]
            : deadline.pauses.map((pause) => (pause.to ? pause : { from: pause.from, to: on }));
        deadline = { ...deadline, pauses };
      }
      deadline = withReading(deadline, readOn, officialCalendar);
      if (this.clockMemo.size > 200_000) this.clockMemo.clear();
      this.clockMemo.set(key, deadline);
    }
    return deadline;
  }

  /** Appends one case's rows to the batch's COPY texts. */
  instantiate(plan: Plan, number: string, out: Record<(typeof loadedTables)[number], string[]>): number {
    const { template, community, createdMs } = plan;
    const rng = this.rng;
    const city = this.city;
    const type = template.type;
    const rules = rulesFor(type);
    const caseId = randomUUID();
    const createdDay = dayOfMs(createdMs);
    const street = city.streetOf.get(community.id) as CityUnit;
    const department = city.departments[type as keyof City['departments']] ?? city.departments.labour;
    const units: Record<string, CityUnit> = {
      C: community,
      S: street,
      D: city.district,
      DEPT: department,
      COURT: city.court,
    };
    const mediator = (unit: CityUnit): Person => rng.pick(city.mediatorsOf.get(unit.id) as Person[]);
    const people: Record<string, Person> = {
      mC: plan.bench ? city.benchMediator : mediator(community),
      mS: mediator(street),
      mD: mediator(city.district),
      mDEPT: mediator(department),
      mCOURT: mediator(city.court),
      SUP: city.supervisor,
    };
    const idOf = (name: Var): string => (units[name] ?? people[name]).id;
    const values = vars.map((name) => idOf(name));
    const substitute = (json: string) =>
      json
        .replace(sentinelPattern, (_, hex: string) => values[Number.parseInt(hex, 16) - 0xa0])
        .replace(templateDatePattern, (text) => addDays(createdDay, templateOffsetOf.get(text) ?? 0));

    // parties
    const { title, description } = caseText(type, rng);
    const registeredUnit = template.registerAt === 'street' ? street : community;
    const partyRows: Array<{ role: string; kind: string; name: string }> = [];
    const person = (role: string) => {
      const name = chineseName(rng);
      // region, birth date, a 3-digit sequence and the GB 11643 check character: a number the app accepts
      const idNumber = rng.chance(0.6)
        ? residentId(
            `310112${1950 + rng.int(50)}${String(1 + rng.int(12)).padStart(2, '0')}${String(1 + rng.int(28)).padStart(2, '0')}${String(rng.int(1000)).padStart(3, '0')}`,
          )
        : null;
      const phone = rng.chance(0.7) ? `13${rng.int(10)}${String(rng.int(1e8)).padStart(8, '0')}` : null;
      partyRows.push({ role, kind: 'person', name });
      out.parties.push(
        copyLine([
          randomUUID(),
          caseId,
          partyRows.length - 1,
          role,
          'person',
          name,
          idNumber ? this.cipher.encrypt(idNumber) : null,
          idNumber ? this.cipher.hash('id', idNumber) : null,
          idNumber ? maskIdNumber(idNumber) : null,
          phone ? this.cipher.encrypt(phone) : null,
          phone ? this.cipher.hash('phone', phone) : null,
          phone ? maskPhone(phone) : null,
          rng.chance(0.5)
            ? `闵行区${street.code === 'MH' ? '' : ''}某路${1 + rng.int(999)}弄${1 + rng.int(99)}号`
            : null,
          false,
          this.cipher.hash('name', name),
          new Date(createdMs).toISOString(),
        ]),
      );
    };
    person('applicant');
    const organisation = organisationName(type, rng);
    if (organisation) {
      partyRows.push({ role: 'respondent', kind: 'organisation', name: organisation });
      out.parties.push(
        copyLine([
          randomUUID(),
          caseId,
          partyRows.length - 1,
          'respondent',
          'organisation',
          organisation,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          false,
          this.cipher.hash('name', organisation),
          new Date(createdMs).toISOString(),
        ]),
      );
    } else person('respondent');
    if (rng.chance(0.08)) person('third_party');
    const source = rng.weighted(sourceWeights, ([, weight]) => weight)[0];

    // events: the chain, from registration on
    let head: ChainHead | null = null;
    const eventTimes: number[] = [];
    let lastMs = createdMs;
    template.events.forEach((event, index) => {
      const seq = index + 1;
      let atMs = createdMs + event.day * dayMs + (index === 0 ? 0 : 3600_000 + rng.int(6 * 3600_000));
      if (atMs <= lastMs) atMs = lastMs + 60_000 + rng.int(3600_000);
      if (atMs > this.nowMs - 60_000)
        atMs = Math.max(lastMs + 1000, this.nowMs - 60_000 - (template.events.length - index) * 1000);
      lastMs = atMs;
      eventTimes.push(atMs);
      const payloadJson =
        index === 0
          ? JSON.stringify({
              type,
              title,
              source,
              unitId: registeredUnit.id,
              parties: partyRows,
              rulesVersion: rules.version,
            })
          : substitute(event.payloadJson);
      const payload = JSON.parse(payloadJson);
      const actor = people[event.actor];
      const unitId = units[event.unit].id;
      const at = new Date(atMs);
      const links = linkAfter(
        this.chainKey,
        {
          ownerId: caseId,
          type: event.type,
          actorId: actor.id,
          actorName: actor.name,
          unitId,
          at,
          payload,
          fromState: event.from,
          toState: event.to,
        },
        head,
      );
      out.case_events.push(
        copyLine([
          caseId,
          seq,
          event.type,
          actor.id,
          actor.name,
          unitId,
          at.toISOString(),
          payloadJson,
          event.from,
          event.to,
          links.prevHash,
          links.hash,
          links.digest,
        ]),
      );
      head = { seq, hash: links.hash, digest: links.digest };
    });
    const dayAt = (seq: number | null) => (seq === null ? null : new Date(eventTimes[seq - 1]));
    const eventAt = (seq: number) => new Date(eventTimes[seq - 1]);

    for (const session of template.sessions) {
      out.mediation_sessions.push(
        copyLine([
          caseId,
          session.seq,
          session.kind,
          `${addDays(createdDay, session.day)}T10:00:00+08:00`,
          session.place,
          session.minutes,
          people[session.by].id,
          eventAt(session.seq).toISOString(),
        ]),
      );
    }
    for (const agreement of template.agreements) {
      out.agreements.push(
        copyLine([
          caseId,
          agreement.seq,
          agreement.form,
          agreement.terms,
          agreement.performByDay === null ? null : addDays(createdDay, agreement.performByDay),
          addDays(createdDay, agreement.reachedDay),
          agreement.windowEndsOn ? substitute(agreement.windowEndsOn) : null,
          agreement.status,
          agreement.confirmed,
          agreement.rulingNo,
          eventAt(agreement.seq).toISOString(),
        ]),
      );
    }
    for (const escalation of template.escalations) {
      const createdAt = eventAt(escalation.seq);
      const recent = this.nowMs - createdAt.getTime() < 14 * dayMs;
      const status = recent && rng.chance(0.6) ? 'pending' : rng.chance(0.12) ? 'questioned' : 'endorsed';
      const reviewedAt =
        status === 'pending'
          ? null
          : new Date(Math.min(this.nowMs - 1000, createdAt.getTime() + (1 + rng.int(4)) * dayMs));
      out.escalations.push(
        copyLine([
          caseId,
          escalation.seq,
          escalation.kind,
          idOf(escalation.from),
          idOf(escalation.to),
          escalation.fromLevel,
          escalation.toLevel,
          escalation.fromTrack,
          escalation.toTrack,
          escalation.reasonCode,
          escalation.reason,
          escalation.sessionsHeld,
          escalation.daysHeld,
          people[escalation.by].id,
          status,
          status === 'pending' ? null : city.supervisor.id,
          status === 'questioned' ? '本级未充分调解即上报，存在矛盾上交倾向。' : null,
          reviewedAt?.toISOString() ?? null,
          createdAt.toISOString(),
        ]),
      );
    }

    // the case row: columns as CaseWorkflowService.columnsAfter leaves them
    const closed = template.state === 'closed';
    let deadline: CaseDeadline | null = null;
    let closedOnTime: boolean | null = null;
    if (template.state.startsWith('mediation.') && template.clock)
      deadline = this.deadlineFor(type, template.clock, createdDay, this.today);
    if (closed) {
      closedOnTime = true;
      if (template.clock) {
        const closeDay = dayOfMs((dayAt(template.closedSeq) as Date).getTime());
        closedOnTime = this.deadlineFor(type, template.clock, createdDay, closeDay).due >= closeDay;
      }
    }
    const grid =
      template.registerAt === 'community' && rng.chance(0.7)
        ? rng.pick(city.gridsOf.get(community.id) ?? [null])
        : null;
    const amount =
      type === 'labour' ||
      type === 'medical' ||
      type === 'consumer' ||
      type === 'demolition_relocation' ||
      type === 'other'
        ? (1000 + rng.int(300_000)).toFixed(2)
        : null;
    const group =
      (type === 'labour' && rng.chance(0.05)) || (type === 'land_requisition' && rng.chance(0.3))
        ? 5 + rng.int(60)
        : null;
    out.cases.push(
      copyLine([
        caseId,
        number,
        city.district.id,
        type,
        title,
        description,
        source,
        registeredUnit.id,
        people[template.registerAt === 'street' ? 'mS' : 'mC'].id,
        idOf(template.holding),
        `{${template.held.map(idOf).join(',')}}`,
        grid,
        addDays(createdDay, -rng.int(20)),
        amount,
        group,
        template.state,
        template.outcome,
        template.track,
        template.level,
        template.registeredLevel,
        template.resolvedLevel,
        template.mediator ? idOf(template.mediator) : null,
        rules.version,
        caseMachineVersion,
        substitute(template.snapshotJson),
        template.events.length - 1,
        deadline ? JSON.stringify(deadline) : null,
        deadline?.due ?? null,
        deadline ? deadline.due < this.today : false,
        false,
        dayAt(template.screenedSeq)?.toISOString() ?? null,
        dayAt(template.acceptedSeq)?.toISOString() ?? null,
        closed ? (dayAt(template.closedSeq) as Date).toISOString() : null,
        closedOnTime,
        new Date(createdMs).toISOString(),
        new Date(lastMs).toISOString(),
        dayOfMs(createdMs), // applications are registered the day they come in
        `{${scopeIdsOf(template.held.map((name) => units[name] as CityUnit)).join(',')}}`,
      ]),
    );
    if (plan.bench) this.benchIds.push(caseId);
    return template.events.length;
  }

  readonly benchIds: string[] = [];
}

/**
 * Generates `count` cases with their whole histories and bulk-loads them (COPY) in
 * chronological order, so that numbers run per year and the table is laid out as a
 * real one that grew day by day. `benchCases` of them are in mediation.inProgress at
 * the bench mediator's workstation, assigned to her: the event benchmark's working set.
 */
export async function loadCases(
  client: Client,
  city: City,
  cipher: PersonalDataCipher,
  rng: Rng,
  options: {
    count: number;
    benchCases: number;
    nowMs: number;
    chainKey: Buffer;
    log: (line: string) => void;
  },
): Promise<LoadSummary> {
  const started = Date.now();
  const templates = buildTemplates(disputeTypes);
  const { count, nowMs } = options;
  const startMs = shanghaiMidnight(historyStarts);
  const openWindowDays = 120;

  // 1. plan every case (cheap), then sort by registration time
  const plans: Plan[] = new Array(count);
  const benchCases = Math.min(options.benchCases, count);
  const typeList = [...disputeTypes];
  const communities = city.communities;
  for (let index = 0; index < count - benchCases; index++) {
    const type = rng.weighted(typeList, (item) => typeWeights[item]);
    let createdMs = startMs + rng.next() * (nowMs - startMs - dayMs);
    const ageDays = (nowMs - createdMs) / dayMs;
    const openChance = ageDays < 30 ? 0.75 : ageDays < 90 ? 0.4 : ageDays < openWindowDays ? 0.15 : 0;
    let template = rng.chance(openChance)
      ? rng.weighted(templates.open.get(type) as TemplateRun[], (run) => run.weight)
      : rng.weighted(templates.closed.get(type) as TemplateRun[], (run) => run.weight);
    if (createdMs + (template.span + 1) * dayMs > nowMs) {
      // too young for this whole story: it is still open
      template = rng.weighted(
        (templates.open.get(type) as TemplateRun[]).filter(
          (run) => createdMs + (run.span + 1) * dayMs <= nowMs,
        ),
        (run) => run.weight,
      );
      if (!template) createdMs = nowMs - 20 * dayMs;
      template ??= templates.open.get(type)?.[0] as TemplateRun;
    }
    plans[index] = { template, createdMs, community: rng.pick(communities), bench: false };
  }
  const inProgress = templates.open.get('neighbourhood')?.find((run) => run.name === inProgressTemplateName);
  if (!inProgress) throw new Error('no in-progress template');
  for (let index = count - benchCases; index < count; index++) {
    plans[index] = {
      template: inProgress,
      createdMs: nowMs - (10 + rng.int(10)) * dayMs - rng.int(8 * 3600_000),
      community: city.benchUnit,
      bench: true,
    };
  }
  plans.sort((a, b) => a.createdMs - b.createdMs);

  // 2. numbers per district and year, in registration order
  const lastSeq = new Map<number, number>();
  const numberOf = (createdMs: number) => {
    const year = Number(dayOfMs(createdMs).slice(0, 4));
    const seq = (lastSeq.get(year) ?? 0) + 1;
    lastSeq.set(year, seq);
    return `${city.district.code}-${year}-${String(seq).padStart(6, '0')}`;
  };

  // 3. generate in batches; each batch's COPY runs while the next one is generated
  const instantiator = new Instantiator(city, cipher, rng, nowMs, options.chainKey);
  const summary = { cases: 0, events: 0, parties: 0, sessions: 0, agreements: 0, escalations: 0 };
  const batchSize = 5000;
  let inFlight: Promise<void> = Promise.resolve();
  let lastReport = Date.now();
  for (let from = 0; from < count; from += batchSize) {
    const out = Object.fromEntries(loadedTables.map((table) => [table, [] as string[]])) as Record<
      string,
      string[]
    >;
    for (let index = from; index < Math.min(count, from + batchSize); index++) {
      summary.events += instantiator.instantiate(plans[index], numberOf(plans[index].createdMs), out);
      if (index % 500 === 499) await yieldToLoop(); // let the previous batch's COPY go out meanwhile
    }
    await inFlight;
    inFlight = (async () => {
      const texts = Object.fromEntries(loadedTables.map((table) => [table, out[table].join('')]));
      summary.cases += await copyRows(client, 'cases', caseColumns, texts.cases);
      summary.parties += await copyRows(client, 'parties', partyColumns, texts.parties);
      await copyRows(client, 'case_events', eventColumns, texts.case_events);
      summary.sessions += await copyRows(
        client,
        'mediation_sessions',
        sessionColumns,
        texts.mediation_sessions,
      );
      summary.agreements += await copyRows(client, 'agreements', agreementColumns, texts.agreements);
      summary.escalations += await copyRows(client, 'escalations', escalationColumns, texts.escalations);
    })();
    if (Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      options.log(
        `  … ${Math.min(count, from + batchSize)} cases generated (${Math.round((Date.now() - started) / 1000)} s)`,
      );
    }
  }
  await inFlight;
  for (const [year, seq] of lastSeq) {
    await client.query(
      `INSERT INTO record_numbers (series, district_id, year, last_seq) VALUES ('case', $1, $2, $3)
       ON CONFLICT (series, district_id, year) DO UPDATE SET last_seq = GREATEST(record_numbers.last_seq, EXCLUDED.last_seq)`,
      [city.district.id, year, seq],
    );
  }
  const openCases = plans.filter((plan) => plan.template.open).length;
  return {
    ...summary,
    openCases,
    benchCaseIds: instantiator.benchIds,
    generateSeconds: (Date.now() - started) / 1000,
    indexSeconds: 0,
  };
}

/**
 * Drops the secondary indexes of the loaded and filled tables (primary keys stay) and returns
 * their definitions, to be rebuilt after the load in one pass each: much faster than
 * maintaining a trigram GIN index row by row.
 */
export async function dropSecondaryIndexes(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition
     FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [[...loadedTables, ...filledTables]],
  );
  for (const row of rows) await client.query(`DROP INDEX "${row.name}"`);
  return rows.map((row) => row.definition);
}

export async function rebuildIndexes(client: Client, definitions: string[]): Promise<void> {
  await client.query(`SET maintenance_work_mem = '1GB'`);
  for (const definition of definitions) await client.query(definition);
}
