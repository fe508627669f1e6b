import type { KeptUnit } from '../units/unit-directory';
import { Case } from './case.entity';
import type { CaseEventColumns } from './case-event-columns';
import { caseTimersColumn } from './case-timers';
import { caseViewNoticeAfterCommitColumn } from './case-view-cache';

/**
 * A case row read with plain SQL and mapped by a plain function, for the hot reads (an
 * event's locked read, the case page, the route guard's access read): TypeORM building
 * the query and hydrating the entity was ≈ 15 % of the app's CPU per event (issue 22's
 * profile, `test/bench/README.md`). The result is what TypeORM would hydrate: dates as
 * `YYYY-MM-DD` text, timestamps as `Date`, `numeric` as text, json as objects.
 */

/**
 * Each property of `Case` and the SQL that reads it from `cases c`; `timestamp` marks the
 * `timestamptz` columns, which a row read as json (`oneJsonColumn`) has as text.
 */
const columns: ReadonlyArray<readonly [keyof Case, string, 'timestamp'?]> = [
  ['id', 'c.id'],
  ['number', 'c.number'],
  ['districtId', 'c.district_id'],
  ['type', 'c.type'],
  ['title', 'c.title'],
  ['description', 'c.description'],
  ['source', 'c.source'],
  ['registeredUnitId', 'c.registered_unit_id'],
  ['registeredBy', 'c.registered_by'],
  ['holdingUnitId', 'c.holding_unit_id'],
  ['heldUnitIds', 'c.held_unit_ids'],
  ['gridId', 'c.grid_id'],
  ['occurredOn', `to_char(c.occurred_on, 'YYYY-MM-DD')`],
  ['receivedOn', `to_char(c.received_on, 'YYYY-MM-DD')`],
  ['knewOn', `to_char(c.knew_on, 'YYYY-MM-DD')`],
  ['amountInDispute', 'c.amount_in_dispute::text'],
  ['groupSize', 'c.group_size'],
  ['masterCaseId', 'c.master_case_id'],
  ['sameMatterCaseId', 'c.same_matter_case_id'],
  ['riskGrade', 'c.risk_grade'],
  ['state', 'c.state'],
  ['outcome', 'c.outcome'],
  ['track', 'c.track'],
  ['level', 'c.level'],
  ['registeredLevel', 'c.registered_level'],
  ['resolvedLevel', 'c.resolved_level'],
  ['mediatorId', 'c.mediator_id'],
  ['rulesVersion', 'c.rules_version'],
  ['machineVersion', 'c.machine_version'],
  ['snapshot', 'c.snapshot'],
  ['version', 'c.version'],
  ['deadline', 'c.deadline'],
  ['deadlineDue', `to_char(c.deadline_due, 'YYYY-MM-DD')`],
  ['overdue', 'c.overdue'],
  ['imported', 'c.imported'],
  ['screenedAt', 'c.screened_at', 'timestamp'],
  ['acceptedAt', 'c.accepted_at', 'timestamp'],
  ['closedAt', 'c.closed_at', 'timestamp'],
  ['closedOnTime', 'c.closed_on_time'],
  ['createdAt', 'c.created_at', 'timestamp'],
  ['updatedAt', 'c.updated_at', 'timestamp'],
];

/** The select list of a whole case row from `cases c`, each column named by its property. */
export const caseColumnsSql = columns.map(([property, sql]) => `${sql} AS "${property}"`).join(', ');

/** The timestamps among a case's properties (`columns`). */
const timestampProperties = columns
  .filter(([, , kind]) => kind === 'timestamp')
  .map(([property]) => property);

/**
 * `select` answered as one json column: the hot reads (the case page, the guard's read, an
 * event's locked read) select some fifty columns, and node-postgres parsing each of them
 * (its field list, then a parser per value: timestamps, arrays, json) was ≈ 13 % of the
 * app's busy time per case page in a CPU profile (issue 22, fourth round). One `json` value
 * is one `JSON.parse`; `rowOfJson` gives back the row the driver would have answered.
 * Measured on the benchmark's 2,000 cases: ≈ 4 % less app CPU per page, PostgreSQL's time for
 * the read unchanged within 0.01 ms.
 */
export function oneJsonColumn(select: string): string {
  return `SELECT row_to_json(x) AS r FROM (${select}) x`;
}

/** The row of a `oneJsonColumn` statement as the select inside it reads: its timestamps as `Date`. */
export function rowOfJson(answer: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const row = answer?.r as Record<string, unknown> | null | undefined;
  if (!row) return undefined;
  for (const property of timestampProperties) {
    const value = row[property];
    if (typeof value === 'string') row[property] = new Date(value);
  }
  return row;
}

/** The case of a row selected with `caseColumnsSql` (other columns of the row are left out). */
export function caseFromRow(raw: Record<string, unknown>): Case {
  const row = new Case();
  const target = row as unknown as Record<string, unknown>;
  for (const [property] of columns) target[property] = raw[property];
  return row;
}

/** The unit paths (now and before) of a case, as a selected column (`access_paths`). */
const accessPathsSql = `(SELECT json_agg(json_build_object('id', u.id, 'path', u.path::text))
     FROM units u WHERE u.id = ANY(c.held_unit_ids)) AS access_paths`;

/** The linked petitions' agents, as a selected column (`access_agents`). */
const accessAgentsSql = `ARRAY(SELECT DISTINCT p.agent_id::text FROM petition_case_links l JOIN petitions p ON p.id = l.petition_id
         WHERE l.case_id = c.id AND p.agent_id IS NOT NULL) AS access_agents`;

/** The units a case's body names (holding and registering), as a selected column (`view_units`). */
const viewUnitsSql = `(SELECT json_agg(json_build_object('id', u.id, 'code', u.code, 'nameZh', u.name_zh,
                                     'nameEn', u.name_en, 'kind', u.kind))
     FROM units u WHERE u.id IN (c.holding_unit_id, c.registered_unit_id)) AS view_units`;

/** What a case's body shows besides its own row and its units: its mediator, its masked parties. */
const viewPeopleSql = `(SELECT json_build_object('id', m.id, 'displayName', m.display_name) FROM users m WHERE m.id = c.mediator_id) AS view_mediator,
  (SELECT json_agg(json_build_object('id', p.id, 'role', p.role, 'kind', p.kind, 'name', p.name,
                                     'idNumberMasked', p.id_number_masked, 'phoneMasked', p.phone_masked,
                                     'address', p.address, 'representative', p.representative)
                   ORDER BY p.position)
     FROM parties p WHERE p.case_id = c.id) AS view_parties`;

/** The unit holding the case, as an event needs it (`holding_unit`). */
const holdingUnitSql = `(SELECT json_build_object('id', hu.id, 'nameZh', hu.name_zh, 'nameEn', hu.name_en, 'kind', hu.kind,
                            'path', hu.path::text, 'parentId', hu.parent_id, 'active', hu.active)
     FROM units hu WHERE hu.id = c.holding_unit_id) AS holding_unit`;

/**
 * A hot read in two forms: `withUnits` reads the units it names from `units`; `unitsKept`
 * leaves them out, for a process that keeps the units in memory (`UnitDirectory`), which
 * `withKeptUnits` puts in the row as the other form reads them. The units' subqueries were
 * 0.08–0.15 ms of PostgreSQL's time per event, ≈ 0.05 ms per case page (issue 22).
 */
export interface HotRead {
  withUnits: string;
  unitsKept: string;
  /** Which of the units' columns it answers (what `withKeptUnits` must put in). */
  units: UnitColumns;
}

/** The units' columns of a hot read: its unit paths always, its body's units, the holding unit. */
export interface UnitColumns {
  view: boolean;
  holding: boolean;
}

function hotRead(units: UnitColumns, build: (unitColumns: string) => string): HotRead {
  const unitColumns = [
    accessPathsSql,
    ...(units.view ? [viewUnitsSql] : []),
    ...(units.holding ? [holdingUnitSql] : []),
  ];
  return {
    withUnits: oneJsonColumn(build(unitColumns.map((column) => `${column}, `).join(''))),
    unitsKept: oneJsonColumn(build('')),
    units,
  };
}

/** The case with what the policy needs (the route guard's read). */
export const withAccessRead = hotRead(
  { view: false, holding: false },
  (units) => `SELECT ${caseColumnsSql}, ${units}${accessAgentsSql} FROM cases c WHERE c.id = $1`,
);

/** The case with its access data and what its body shows (`GET /api/v1/cases/:id`). */
export const forViewRead = hotRead(
  { view: true, holding: false },
  (units) =>
    `SELECT ${caseColumnsSql}, ${units}${accessAgentsSql}, ${viewPeopleSql} FROM cases c WHERE c.id = $1`,
);

export const viewOfSql = `SELECT ${viewUnitsSql}, ${viewPeopleSql} FROM cases c WHERE c.id = $1`;

export const accessOfSql = `SELECT ${accessPathsSql}, ${accessAgentsSql} FROM cases c WHERE c.id = $1`;

/** `lockForEventRead` with `alsoSelect` among its columns. */
function lockForEventReading(alsoSelect: string): HotRead {
  return hotRead(
    { view: true, holding: true },
    (units) => `SELECT ${caseColumnsSql}, ${units}${accessAgentsSql}, ${viewPeopleSql},
  (SELECT json_build_object('seq', e.seq, 'hash', e.hash, 'digest', coalesce(e.digest, e.hash))
     FROM case_events e WHERE e.case_id = c.id ORDER BY e.seq DESC LIMIT 1) AS chain_head,
  ${caseTimersColumn} AS case_timers${alsoSelect}
FROM cases c WHERE c.id = $1 FOR UPDATE OF c`,
  );
}

/**
 * An event's read of its case, locked: the row, its access data and body, the head of its
 * chain (read on the statement's snapshot, so possibly stale once the lock is granted:
 * `EventLog.headAfterLock` decides), the unit holding it and its deadline timers.
 */
export const lockForEventRead = lockForEventReading('');

/**
 * `lockForEventRead` for a workflow event, whose transaction says its case's change notice
 * after its commit (`caseViewNoticeAfterCommitColumn`): the same read, telling the `cases`
 * trigger to keep quiet, with no statement of its own for that (issue 22, tenth round); and
 * with the digest of what it read besides the case's row (`kept_digest`), which the next
 * event on the case, decided from memory, is guarded by (`CasesKeptForEvents`).
 */
export const lockForWorkflowEventRead = lockForEventReading(
  `,\n  ${caseViewNoticeAfterCommitColumn},\n  case_event_digest(c.id, c.mediator_id) AS kept_digest`,
);

/** The ids of the units a hot read's row names: those it held, and the registering unit for its body. */
export function unitIdsOf(raw: Record<string, unknown>, units: UnitColumns): string[] {
  const ids = new Set((raw.heldUnitIds as string[] | null) ?? []);
  if (raw.holdingUnitId) ids.add(raw.holdingUnitId as string);
  if (units.view && raw.registeredUnitId) ids.add(raw.registeredUnitId as string);
  return [...ids];
}

/**
 * Puts in a row read by a `unitsKept` statement the units' columns its `withUnits` form
 * answers, from `units` (those that exist; the arrays in the order the case held them).
 */
export function withKeptUnits(
  raw: Record<string, unknown>,
  units: ReadonlyMap<string, KeptUnit>,
  columns: UnitColumns,
): void {
  const heldIds = (raw.heldUnitIds as string[] | null) ?? [];
  const held = heldIds.flatMap((id) => units.get(id) ?? []);
  raw.access_paths = held.length ? held.map((unit) => ({ id: unit.id, path: unit.path })) : null;
  if (columns.view) {
    const named = [...new Set([raw.holdingUnitId, raw.registeredUnitId])].flatMap(
      (id) => units.get(id as string) ?? [],
    );
    raw.view_units = named.length
      ? named.map((unit) => ({
          id: unit.id,
          code: unit.code,
          nameZh: unit.nameZh,
          nameEn: unit.nameEn,
          kind: unit.kind,
        }))
      : null;
  }
  if (columns.holding) {
    const holding = units.get(raw.holdingUnitId as string);
    raw.holding_unit = holding
      ? {
          id: holding.id,
          nameZh: holding.nameZh,
          nameEn: holding.nameEn,
          kind: holding.kind,
          path: holding.path,
          parentId: holding.parentId,
          active: holding.active,
        }
      : null;
  }
}

/** An event's write of its case's columns (`CaseEventColumns`), one fixed statement with `caseEventValues`. */
export const caseEventUpdateSql = `UPDATE cases SET snapshot = $2::jsonb, version = $3, state = $4, outcome = $5,
  track = $6, level = $7, holding_unit_id = $8, held_unit_ids = $9::uuid[], mediator_id = $10, risk_grade = $11,
  deadline = $12::jsonb, deadline_due = $13::date, overdue = $14, screened_at = $15, accepted_at = $16,
  closed_at = $17, closed_on_time = $18, resolved_level = $19, updated_at = $20
WHERE id = $1`;

export function caseEventValues(id: string, columns: CaseEventColumns): unknown[] {
  return [
    id,
    JSON.stringify(columns.snapshot),
    columns.version,
    columns.state,
    columns.outcome,
    columns.track,
    columns.level,
    columns.holdingUnitId,
    columns.heldUnitIds,
    columns.mediatorId,
    columns.riskGrade,
    columns.deadline === null ? null : JSON.stringify(columns.deadline),
    columns.deadlineDue,
    columns.overdue,
    columns.screenedAt,
    columns.acceptedAt,
    columns.closedAt,
    columns.closedOnTime,
    columns.resolvedLevel,
    columns.updatedAt,
  ];
}
