import { parse } from 'csv-parse/sync';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import { type CaseDeadline } from '../cases/case.entity';
import {
  acceptancePeriodAt,
  startAcceptanceClock,
  startMediationClock,
  withReading,
} from '../cases/case-deadline';
import { countedDaysOf, dueDate } from '../deadlines/period';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { AppError, ForbiddenError } from '../shared/errors';
import { mediationLevelOf, type Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import {
  type CaseContext,
  type CaseOutcome,
  caseMachine,
  caseMachineVersion,
  caseRulesExcerpt,
} from '../workflows/case.machine';
import type { EventLog } from '../workflows/event-log';
import { startMachine } from '../workflows/machine-runner';
import { rulesFor } from '../workflows/rules';
import { type DayBasis } from '../workflows/rules/dispute-rules.types';
import {
  type ImportRow,
  type ImportRowError,
  importColumns,
  requiredColumns,
  rowSchema,
} from './case-import.rows';

/** What one import computes once and reuses across its rows. */
interface RowMemo {
  initialContext: Map<string, CaseContext>;
  dueDates: Map<string, string>;
  /** The clocks of open rows, by type, track (or acceptance) and start day. */
  clocks: Map<string, CaseDeadline | null>;
}

/** 422 with one line per bad cell: nothing was imported. */
export class ImportRejectedError extends AppError {
  constructor(details: ImportRowError[]) {
    super('import_rejected', 422, details.slice(0, 1000), { count: details.length });
  }
}

const atShanghaiMidnight = (day: string) => new Date(`${day}T00:00:00+08:00`);

/**
 * Historic cases from an older system (API.md): all rows or none, a per-row error
 * report, each case marked `imported` with one chained `IMPORTED` event, counted in
 * the figures like any other case. Rows are validated first, then written in bulk.
 */
/** Rows built and written per statement. */
const importBatchSize = 500;

export class CaseImportService {
  constructor(
    private readonly db: DataSource,
    private readonly units: UnitRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly calendar: () => WorkingCalendar,
    /** Links each imported case's first event, as it links every event. */
    private readonly log: EventLog,
  ) {}

  async importCsv(actor: Actor, ip: string | null, csv: string): Promise<{ imported: number }> {
    if (!policy.can(actor, 'import.cases')) throw new ForbiddenError();
    const { rows, errors } = this.parse(csv);
    const today = todayInShanghai(this.clock.now());
    const unitsByCode = new Map(
      (await this.units.findSubtree(actor.unitId)).map((unit) => [unit.code, unit]),
    );
    const existing = await this.existingNumbers(
      rows.flatMap((row) => (row.data?.number ? [row.data.number] : [])),
    );
    const seen = new Set<string>();
    for (const { line, data } of rows) {
      if (!data) continue;
      const unit = unitsByCode.get(data.unitCode.toUpperCase());
      if (!unit?.active || !policy.canImportInto(actor, unit.path))
        errors.push({ row: line, column: 'unitCode', message: 'validation.unit_not_assignable' });
      if (data.registeredOn > today)
        errors.push({ row: line, column: 'registeredOn', message: 'validation.date_in_future' });
      if (data.closedOn && data.closedOn > today)
        errors.push({ row: line, column: 'closedOn', message: 'validation.date_in_future' });
      if (data.number && (existing.has(data.number) || seen.has(data.number)))
        errors.push({ row: line, column: 'number', message: 'validation.code_taken' });
      if (data.number) seen.add(data.number);
    }
    if (errors.length > 0) throw new ImportRejectedError(errors.sort((a, b) => a.row - b.row));

    const valid = rows.map((row) => ({
      line: row.line,
      data: row.data as ImportRow,
      unit: unitsByCode.get((row.data as ImportRow).unitCode.toUpperCase()) as Unit,
    }));
    await this.db.transaction(async (tx) => {
      const districts = new Map<string, Unit>();
      for (const { unit } of valid) {
        const district = unit.path.split('.')[0];
        if (!districts.has(district))
          districts.set(district, (await this.units.findDistrictOf(unit.id, tx)) as Unit);
      }
      const numbers = await this.allocateNumbers(tx, valid, districts);
      const now = this.clock.now();
      const calendar = this.calendar();
      const memo: RowMemo = { initialContext: new Map(), dueDates: new Map(), clocks: new Map() };
      const today = todayInShanghai(now);
      // the rows and their chained events are built and written 500 at a time, so that a
      // big file's derived rows (snapshots, payloads) are never all in memory at once
      for (let from = 0; from < valid.length; from += importBatchSize) {
        const batch = valid.slice(from, from + importBatchSize);
        const caseRows = batch.map(({ data, unit }, index) =>
          this.caseRow(
            data,
            unit,
            districts.get(unit.path.split('.')[0]) as Unit,
            numbers[from + index],
            calendar,
            now,
            today,
            memo,
          ),
        );
        await tx.query(
          `INSERT INTO cases (id, number, district_id, type, title, description, source, registered_unit_id, registered_by,
             holding_unit_id, held_unit_ids, state, outcome, track, level, registered_level, resolved_level, rules_version,
             machine_version, snapshot, version, imported, screened_at, accepted_at, closed_at, closed_on_time, created_at, updated_at,
             received_on, deadline, deadline_due, overdue)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, number varchar, district_id uuid, type varchar, title varchar,
             description text, source varchar, registered_unit_id uuid, registered_by uuid, holding_unit_id uuid, held_unit_ids uuid[],
             state varchar, outcome varchar, track varchar, level varchar, registered_level varchar, resolved_level varchar,
             rules_version int, machine_version int, snapshot jsonb, version int, imported boolean, screened_at timestamptz,
             accepted_at timestamptz, closed_at timestamptz, closed_on_time boolean, created_at timestamptz, updated_at timestamptz,
             received_on date, deadline jsonb, deadline_due date, overdue boolean)`,
          [JSON.stringify(caseRows.map((row) => ({ ...row, registered_by: actor.id })))],
        );
        // each case is new: its chain starts here (no lock, no head to read)
        const events = caseRows.map((row, index) =>
          this.log.link(
            'case',
            row.id,
            {
              type: 'IMPORTED',
              actorId: actor.id,
              actorName: actor.displayName,
              unitId: actor.unitId,
              at: now,
              payload: { ...batch[index].data, number: row.number },
              fromState: null,
              toState: row.state,
            },
            null,
          ),
        );
        await tx.query(
          `INSERT INTO case_events (case_id, seq, type, actor_id, actor_name, unit_id, at, payload, from_state, to_state, prev_hash, hash, digest)
           SELECT r.case_id, r.seq, r.type, r.actor_id, $2, r.unit_id, r.at, r.payload, r.from_state, r.to_state, r.prev_hash, r.hash, r.digest
           FROM jsonb_to_recordset($1::jsonb) AS r(case_id uuid, seq int, type varchar, actor_id uuid, unit_id uuid, at timestamptz,
             payload jsonb, from_state varchar, to_state varchar, prev_hash char(64), hash char(64), digest char(64))`,
          [
            JSON.stringify(
              events.map((event) => ({
                case_id: event.caseId,
                seq: event.seq,
                type: event.type,
                actor_id: event.actorId,
                unit_id: event.unitId,
                at: event.at.toISOString(),
                payload: event.payload,
                from_state: event.fromState,
                to_state: event.toState,
                prev_hash: event.prevHash,
                hash: event.hash,
                digest: event.digest,
              })),
            ),
            actor.displayName,
          ],
        );
      }
      await this.audit.record(
        { actor: { id: actor.id, username: actor.username }, ip },
        { action: 'cases.imported', details: { rows: valid.length } },
        tx,
      );
    });
    return { imported: valid.length };
  }

  /** Parses and validates every row; unknown or missing columns are reported on the header row (1). */
  private parse(csv: string): { rows: Array<{ line: number; data?: ImportRow }>; errors: ImportRowError[] } {
    const errors: ImportRowError[] = [];
    if (csv.includes('\u0000'))
      throw new ImportRejectedError([{ row: 1, column: '', message: 'validation.nul_character' }]);
    // each record is checked as it is parsed (on_record), so the file's cells are never all
    // held twice over — as strings and as rows — in a big import (memory, test/bench)
    let line = 1;
    let rows: Array<{ line: number; data?: ImportRow }>;
    let headerIsWrong = false;
    try {
      rows = parse<{ line: number; data?: ImportRow }, Record<string, string>>(csv, {
        bom: true,
        skip_empty_lines: true,
        relax_column_count: false,
        trim: true,
        columns: (header: string[]) => {
          for (const column of header) {
            if (!(importColumns as readonly string[]).includes(column))
              errors.push({ row: 1, column, message: 'validation.unknown_column' });
          }
          for (const column of requiredColumns) {
            if (!header.includes(column))
              errors.push({ row: 1, column, message: 'validation.missing_column' });
          }
          headerIsWrong = errors.length > 0;
          return header;
        },
        on_record: (record) => {
          line += 1;
          if (headerIsWrong) return null; // rows under a wrong header mean nothing
          const parsed = rowSchema.safeParse(record);
          if (parsed.success) return { line, data: parsed.data };
          for (const issue of parsed.error.issues) {
            errors.push({
              row: line,
              column: String(issue.path[0] ?? ''),
              message: issue.message.startsWith('validation.') ? issue.message : `validation.${issue.code}`,
            });
          }
          return { line };
        },
      });
    } catch (error) {
      throw new ImportRejectedError([
        { row: (error as { lines?: number }).lines ?? 1, column: '', message: 'validation.csv_malformed' },
      ]);
    }
    if (headerIsWrong) throw new ImportRejectedError(errors);
    if (rows.length === 0)
      throw new ImportRejectedError([{ row: 1, column: '', message: 'validation.import_empty' }]);
    return { rows, errors };
  }

  private async existingNumbers(numbers: string[]): Promise<Set<string>> {
    if (numbers.length === 0) return new Set();
    const rows: Array<{ number: string }> = await this.db.query(
      'SELECT number FROM cases WHERE number = ANY($1::text[])',
      [numbers],
    );
    return new Set(rows.map((row) => row.number));
  }

  /** Numbers for rows without one: a block per district and year, from the same gap-free counter. */
  private async allocateNumbers(
    tx: EntityManager,
    rows: Array<{ data: ImportRow; unit: Unit }>,
    districts: Map<string, Unit>,
  ): Promise<string[]> {
    const wanted = new Map<string, { district: Unit; year: number; count: number }>();
    for (const { data, unit } of rows) {
      if (data.number) continue;
      const district = districts.get(unit.path.split('.')[0]) as Unit;
      const year = Number(data.registeredOn.slice(0, 4));
      const key = `${district.id}:${year}`;
      const entry = wanted.get(key) ?? { district, year, count: 0 };
      entry.count += 1;
      wanted.set(key, entry);
    }
    const next = new Map<string, number>();
    for (const [key, { district, year, count }] of wanted) {
      const [{ last_seq: last }] = await tx.query(
        `INSERT INTO record_numbers (series, district_id, year, last_seq) VALUES ('case', $1, $2, $3)
         ON CONFLICT (series, district_id, year) DO UPDATE SET last_seq = record_numbers.last_seq + $3 RETURNING last_seq`,
        [district.id, year, count],
      );
      next.set(key, last - count + 1);
    }
    return rows.map(({ data, unit }) => {
      if (data.number) return data.number;
      const district = districts.get(unit.path.split('.')[0]) as Unit;
      const year = Number(data.registeredOn.slice(0, 4));
      const key = `${district.id}:${year}`;
      const seq = next.get(key) as number;
      next.set(key, seq + 1);
      return `${district.code}-${year}-${String(seq).padStart(6, '0')}`;
    });
  }

  /** The stored case: snapshot and columns as the workflow would have left them. */
  private caseRow(
    data: ImportRow,
    unit: Unit,
    district: Unit,
    number: string,
    calendar: WorkingCalendar,
    now: Date,
    today: string,
    memo: RowMemo,
  ) {
    const rules = rulesFor(data.type);
    // the statechart's initial context differs per type only (and the unit, set below): start it once per type
    let initialContext = memo.initialContext.get(data.type);
    if (!initialContext) {
      initialContext = startMachine(caseMachine, {
        type: data.type,
        rules: caseRulesExcerpt(rules),
        holdingUnitId: unit.id,
      }).context;
      memo.initialContext.set(data.type, initialContext);
    }
    const initial = { context: { ...initialContext, holdingUnitId: unit.id } };
    const stageDue = (from: string, days: number, basis: DayBasis) => {
      const key = `${from}|${days}|${basis}`;
      let due = memo.dueDates.get(key);
      if (due === undefined) {
        due = dueDate(from, days, basis, calendar);
        memo.dueDates.set(key, due);
      }
      return due;
    };
    const accepted = data.screening === 'accepted';
    const closedOn =
      data.closedOn ?? (data.screening && !accepted ? (data.screenedOn ?? data.registeredOn) : undefined);
    const outcome: CaseOutcome | null =
      (data.outcome as CaseOutcome | undefined) ??
      (data.screening === 'declined'
        ? 'not_accepted'
        : data.screening === 'referred_out'
          ? 'referred_out'
          : null);
    const state = closedOn ? 'closed' : accepted ? 'mediation.awaitingMediator' : 'screening';
    const track = accepted ? (data.track ?? null) : null;
    const level = track === 'people' ? (data.level ?? null) : null;
    const stage = track ? rules.deadlines[track] : null;
    // the stage began on acceptance — or, for a period counted from the application (劳动 §14), on receipt
    const stageStart = (from: NonNullable<typeof stage>) =>
      from.countsFrom === 'application_received' ? data.registeredOn : (data.screenedOn ?? data.registeredOn);
    const onTime =
      state === 'closed' && stage && closedOn
        ? closedOn <= stageDue(stageStart(stage), countedDaysOf(stage, stageStart(stage)), stage.basis)
        : state === 'closed'
          ? true
          : null;
    // an open case gets the clock the workflow would have started, read today: the sweep then
    // gives it a timer, warns and flags it overdue like any other (a historic case often is)
    const clockKey = `${data.type}|${state}|${track}|${unit.departmentKey}|${data.registeredOn}|${data.screenedOn}`;
    let deadline: CaseDeadline | null = memo.clocks.get(clockKey) ?? null;
    if (!memo.clocks.has(clockKey)) {
      const acceptance = acceptancePeriodAt(rules, unit);
      deadline =
        state === 'mediation.awaitingMediator' && track
          ? startMediationClock(
              rules,
              track,
              { today: data.screenedOn ?? data.registeredOn, receivedOn: data.registeredOn, current: null },
              calendar,
            )
          : state === 'screening' && acceptance
            ? startAcceptanceClock(acceptance, data.registeredOn, data.registeredOn, calendar)
            : null;
      if (deadline) deadline = withReading(deadline, today, calendar);
      memo.clocks.set(clockKey, deadline);
    }
    return {
      id: crypto.randomUUID(),
      number,
      district_id: district.id,
      type: data.type,
      title: data.title,
      description: data.title,
      source: data.source,
      registered_unit_id: unit.id,
      holding_unit_id: unit.id,
      held_unit_ids: [unit.id],
      state,
      outcome: state === 'closed' ? outcome : null,
      track,
      level,
      registered_level: mediationLevelOf(unit.kind),
      resolved_level: state === 'closed' && outcome === 'resolved' ? level : null,
      rules_version: rules.version,
      machine_version: caseMachineVersion,
      snapshot: {
        value: state === 'mediation.awaitingMediator' ? { mediation: 'awaitingMediator' } : state,
        context: { ...initial.context, track, level, outcome: state === 'closed' ? outcome : null },
      },
      version: 0,
      imported: true,
      screened_at: data.screening
        ? atShanghaiMidnight(data.screenedOn ?? data.registeredOn).toISOString()
        : null,
      accepted_at: accepted ? atShanghaiMidnight(data.screenedOn ?? data.registeredOn).toISOString() : null,
      closed_at: closedOn ? atShanghaiMidnight(closedOn).toISOString() : null,
      closed_on_time: onTime,
      created_at: atShanghaiMidnight(data.registeredOn).toISOString(),
      updated_at: now.toISOString(),
      // the older system registered an application the day it came in
      received_on: data.registeredOn,
      deadline,
      deadline_due: deadline?.due ?? null,
      overdue: deadline ? deadline.due < today : false,
    };
  }
}
