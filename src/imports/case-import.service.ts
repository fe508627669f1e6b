import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import type { PartyInput } from '../cases/case.schemas';
import type { OneForum } from '../cases/one-forum';
import type { Party } from '../cases/party.entity';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { JsonRows } from '../shared/db/json-rows';
import { formatRecordNumber, reserveRecordNumbers } from '../shared/db/record-numbers';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ForbiddenError } from '../shared/errors';
import type { Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import { type EventLog, eventBy } from '../workflows/event-log.repository';
import type { CaseImportRepository } from './case-import.repository';
import {
  ImportRejectedError,
  type ImportRow,
  type ImportRowError,
  parseImportCsv,
  partiesOf,
} from './case-import.rows';
import { ImportForumCheck } from './import-forum';
import { routingErrorsOf } from './import-routing';
import { type ImportRun, importedCase, newRowMemo, type RowPlace } from './imported-case';

/** Rows built and written per statement. */
const importBatchSize = 500;
/**
 * Rows built between two turns of the event loop while the batch before is written (≈ 1 ms of the
 * app's CPU here): at most the wait before that batch's next statement is sent.
 */
const buildSliceRows = 50;

/**
 * The buffers a batch is written into as it is built: its cases' rows and their first links,
 * as JSON (`JsonRows`). Two take turns, one built while the other's batch is written.
 */
interface BatchBuffers {
  cases: JsonRows;
  links: JsonRows;
}

/** A batch as built, before it is written: its rows already as JSON, its cases' ids, their parties. */
interface BuiltBatch {
  cases: Buffer;
  links: Buffer;
  caseIds: string[];
  parties: Array<Partial<Party>>;
}

/** A valid row with the unit it goes to. */
interface PlacedRow {
  line: number;
  data: ImportRow;
  unit: Unit;
}

/** 422 with every row's errors, by row: nothing is written. */
const rejected = (errors: ImportRowError[]) => new ImportRejectedError(errors.sort((a, b) => a.row - b.row));

/** The district a unit lies in is the root of its path. */
const districtKeyOf = (unit: Unit) => unit.path.split('.')[0];

/**
 * Historic cases from an older system (API.md): all rows or none, a per-row error
 * report, each case marked `imported` with one chained `IMPORTED` event, counted in
 * the figures like any other case. Rows are validated first, then written in bulk.
 */
export class CaseImportService {
  private readonly transactions: Transactions;
  private readonly imports: CaseImportRepository;
  private readonly units: UnitRepository;
  private readonly audit: AuditService;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;
  private readonly log: EventLog;
  private readonly forum: ImportForumCheck;
  private readonly sealParties: (parties: PartyInput[]) => Array<Partial<Party>>;

  constructor(deps: {
    transactions: Transactions;
    imports: CaseImportRepository;
    units: UnitRepository;
    audit: AuditService;
    clock: Clock;
    calendar: () => WorkingCalendar;
    /** Links each imported case's first event, as it links every event. */
    log: EventLog;
    /** One forum per dispute: an open row whose matter another forum holds is refused by row (`ImportForumCheck`). */
    oneForum: OneForum;
    /** Party rows as registration stores them: personal numbers encrypted, hashed and masked. */
    sealParties: (parties: PartyInput[]) => Array<Partial<Party>>;
  }) {
    this.transactions = deps.transactions;
    this.imports = deps.imports;
    this.units = deps.units;
    this.audit = deps.audit;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
    this.log = deps.log;
    this.forum = new ImportForumCheck({
      oneForum: deps.oneForum,
      imports: deps.imports,
      sealParties: deps.sealParties,
    });
    this.sealParties = deps.sealParties;
  }

  /** `csv`: the file's text, or its bytes in UTF-8. */
  async importCsv(actor: Actor, ip: string | null, csv: string | Buffer): Promise<{ imported: number }> {
    if (!policy.can(actor, 'import.cases')) throw new ForbiddenError();
    const { rows, errors } = parseImportCsv(csv);
    const unitsByCode = new Map(
      (await this.units.findSubtree(actor.unitId)).map((unit) => [unit.code, unit]),
    );
    errors.push(...(await this.placeErrors(actor, rows, unitsByCode)));
    if (errors.length > 0) throw rejected(errors);

    const valid = rows.map((row) => ({
      line: row.line,
      data: row.data as ImportRow,
      unit: unitsByCode.get((row.data as ImportRow).unitCode.toUpperCase()) as Unit,
    }));
    // where open accepted rows sit, and the file's rows against each other: no query
    errors.push(...valid.flatMap(({ line, data, unit }) => routingErrorsOf(line, data, unit)));
    const sided = this.forum.sidedRows(valid);
    errors.push(...this.forum.inFileErrors(sided));
    await this.transactions.run(async (tx) => {
      // the stored forums are read in the transaction that writes the rows
      errors.push(...(await this.forum.storedErrors(tx, actor, sided)));
      if (errors.length > 0) throw rejected(errors);
      await this.write(tx, actor, valid);
      await this.audit.record(
        { actor: { id: actor.id, username: actor.username }, ip },
        { action: 'cases.imported', details: { rows: valid.length } },
        tx,
      );
    });
    return { imported: valid.length };
  }

  /** What is wrong with where the rows go: a unit the actor may not import into, a date to come, a number taken. */
  private async placeErrors(
    actor: Actor,
    rows: Array<{ line: number; data?: ImportRow }>,
    unitsByCode: Map<string, Unit>,
  ): Promise<ImportRowError[]> {
    const errors: ImportRowError[] = [];
    const today = todayInShanghai(this.clock.now());
    const existing = await this.imports.existingNumbers(
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
    return errors;
  }

  /** The valid rows written as cases, each with the first link of its chain. */
  private async write(tx: Tx, actor: Actor, valid: PlacedRow[]): Promise<void> {
    const districts = new Map<string, Unit>();
    for (const { unit } of valid) {
      const district = districtKeyOf(unit);
      if (!districts.has(district))
        districts.set(district, (await this.units.findDistrictOf(unit.id, tx)) as Unit);
    }
    const numbers = await this.allocateNumbers(tx, valid, districts);
    await this.assertNumbersFree(tx, valid, numbers);
    const now = this.clock.now();
    const run: ImportRun = {
      registeredBy: actor.id,
      calendar: this.calendar(),
      now,
      today: todayInShanghai(now),
      memo: newRowMemo(),
    };
    // two sets of buffers, one for the batch being built and one for the batch being written:
    // a batch's rows are JSON from the moment they are made, not objects held until it is sent
    const buffers: BatchBuffers[] = [0, 1].map(() => ({ cases: new JsonRows(), links: new JsonRows() }));
    const place = (unit: Unit, index: number): RowPlace => ({
      unit,
      district: districts.get(districtKeyOf(unit)) as Unit,
      number: numbers[index],
    });
    // the rows and their chained events are built and written 500 at a time, so that a big file's
    // derived rows (snapshots, payloads) are never all in memory at once; and each batch is built
    // while PostgreSQL writes the one before (`BuiltBatch`): two batches at most are held, as JSON
    const failed = { write: false };
    let writing: Promise<void> = Promise.resolve();
    try {
      for (let from = 0; from < valid.length; from += importBatchSize) {
        const batch = valid.slice(from, from + importBatchSize);
        // the buffers of the batch two before, whose write has ended (awaited on the turn before)
        const into = buffers[(from / importBatchSize) % 2];
        // the batch is built while the one before is written, both awaited together (no promise is
        // ever left without a handler); a failed write ends the build at its next row
        const [built] = await Promise.all([
          this.build(actor, batch, from, place, run, failed, into),
          writing,
        ]);
        writing = this.writeBatch(tx, built).catch((error: unknown) => {
          failed.write = true;
          throw error;
        });
      }
      await writing;
    } catch (error) {
      // nothing of this transaction may still be in flight when it rolls back
      await writing.catch(() => undefined);
      throw error;
    }
  }

  /**
   * One batch's rows as the app makes them: the cases, their parties sealed, each case's first link,
   * each case and link written as JSON into `into` as it is made, so that the batch is held as two
   * buffers and its cases' ids until it is sent, not as objects. Built in slices with a turn of the
   * event loop between them, so that each statement of the batch before, which PostgreSQL is
   * writing meanwhile, is sent at most a slice after the last one was answered: the app's CPU and
   * PostgreSQL's overlap (issue 22, thirteenth round). Stops early, with what it has, once a write
   * has failed (`failed`): the import is lost anyway.
   */
  private async build(
    actor: Actor,
    batch: PlacedRow[],
    from: number,
    place: (unit: Unit, index: number) => RowPlace,
    run: ImportRun,
    failed: { write: boolean },
    into: BatchBuffers,
  ): Promise<BuiltBatch> {
    const caseIds: string[] = [];
    const parties: Array<Partial<Party>> = [];
    for (let at = 0; at < batch.length && !failed.write; at++) {
      // a turn of the event loop a slice: answers that came in are handled, and the next statements sent
      if (at > 0 && at % buildSliceRows === 0) await nextTurn();
      const { data, unit } = batch[at];
      const row = importedCase(data, place(unit, from + at), run);
      this.imports.addCase(into.cases, row);
      caseIds.push(row.id);
      for (const party of this.sealParties(partiesOf(data))) parties.push({ ...party, caseId: row.id });
      // each case is new: its chain starts here (no lock, no head to read), with its `IMPORTED` event
      this.log.addFirstLink(
        into.links,
        row.id,
        eventBy(actor, run.now, {
          type: 'IMPORTED',
          payload: eventPayloadOf(data, row.number),
          fromState: null,
          toState: row.state,
        }),
      );
    }
    return { cases: into.cases.end(), links: into.links.end(), caseIds, parties };
  }

  /** One batch's statements, one after the other on the import's transaction. */
  private async writeBatch(tx: Tx, built: BuiltBatch): Promise<void> {
    await this.imports.insertCasesWithParties(tx, built);
    await this.log.writeFirstLinks(tx, 'case', built.links);
  }

  /** Numbers for rows without one: a block per district and year, from the same gap-free counter. */
  private async allocateNumbers(
    tx: Tx,
    rows: Array<{ data: ImportRow; unit: Unit }>,
    districts: Map<string, Unit>,
  ): Promise<string[]> {
    // the counter's block a row draws from: its district and the year it was registered
    const blockOf = ({ data, unit }: { data: ImportRow; unit: Unit }) => {
      const district = districts.get(districtKeyOf(unit)) as Unit;
      const year = Number(data.registeredOn.slice(0, 4));
      return { key: `${district.id}:${year}`, district, year };
    };
    const wanted = new Map<string, { district: Unit; year: number; count: number }>();
    for (const row of rows) {
      if (row.data.number) continue;
      const block = blockOf(row);
      const entry = wanted.get(block.key) ?? { ...block, count: 0 };
      entry.count += 1;
      wanted.set(block.key, entry);
    }
    const next = new Map<string, number>();
    for (const [key, { district, year, count }] of wanted)
      next.set(key, await reserveRecordNumbers(tx, 'case', { districtId: district.id, year, count }));
    return rows.map((row) => {
      if (row.data.number) return row.data.number;
      const { key, district, year } = blockOf(row);
      const seq = next.get(key) as number;
      next.set(key, seq + 1);
      return formatRecordNumber(district.code, year, seq);
    });
  }

  /**
   * A number the counter hands out may already be taken: a row of this file, or a case
   * imported earlier, states it. Such a row is refused by line (the file is corrected and sent
   * again) instead of failing the whole import on the unique key, which would say "try again".
   */
  private async assertNumbersFree(tx: Tx, rows: PlacedRow[], numbers: string[]): Promise<void> {
    const stated = new Set(rows.flatMap(({ data }) => (data.number ? [data.number] : [])));
    const counted = numbers.filter((_number, index) => !rows[index].data.number);
    const taken = await this.imports.existingNumbers(counted, tx);
    const errors = rows.flatMap(({ line, data }, index) =>
      !data.number && (stated.has(numbers[index]) || taken.has(numbers[index]))
        ? [{ row: line, column: 'number', message: 'validation.import_number_taken' }]
        : [],
    );
    if (errors.length > 0) throw new ImportRejectedError(errors);
  }
}

/**
 * The IMPORTED event's payload: the row as stated, but for the sides' ID numbers, which
 * are kept only sealed with the parties (the chain keeps its events for good).
 */
function eventPayloadOf(data: ImportRow, number: string): Record<string, unknown> {
  const { applicantIdNumber: _applicant, respondentIdNumber: _respondent, ...stated } = data;
  return { ...stated, number };
}
