import type { DataSource } from 'typeorm';
import type { Case } from '../cases/case.entity';
import { insertingCasesBeforeTheirParties, writeMissingSearchRows } from '../cases/case-search.repository';
import { Party } from '../cases/party.entity';
import { partyKeySql } from '../cases/party-key';
import type { JsonRows } from '../shared/db/json-rows';
import type { Tx } from '../shared/db/transactions';

/** The columns an imported case is written with, in the order of its INSERT, and their SQL types. */
const importedColumns = [
  ['id', 'uuid'],
  ['number', 'varchar'],
  ['districtId', 'uuid'],
  ['type', 'varchar'],
  ['title', 'varchar'],
  ['description', 'text'],
  ['source', 'varchar'],
  ['registeredUnitId', 'uuid'],
  ['registeredBy', 'uuid'],
  ['holdingUnitId', 'uuid'],
  ['heldUnitIds', 'uuid[]'],
  ['state', 'varchar'],
  ['outcome', 'varchar'],
  ['track', 'varchar'],
  ['level', 'varchar'],
  ['registeredLevel', 'varchar'],
  ['resolvedLevel', 'varchar'],
  ['rulesVersion', 'int'],
  ['machineVersion', 'int'],
  ['snapshot', 'jsonb'],
  ['version', 'int'],
  ['imported', 'boolean'],
  ['screenedAt', 'timestamptz'],
  ['acceptedAt', 'timestamptz'],
  ['closedAt', 'timestamptz'],
  ['closedOnTime', 'boolean'],
  ['createdAt', 'timestamptz'],
  ['updatedAt', 'timestamptz'],
  ['receivedOn', 'date'],
  ['deadline', 'jsonb'],
  ['deadlineDue', 'date'],
  ['overdue', 'boolean'],
] as const;

/** A historic case as the import stores it: every column it sets. */
export type ImportedCase = Pick<Case, (typeof importedColumns)[number][0]>;

/** `registeredUnitId` → `registered_unit_id`: the entity's property as its column is named. */
const columnOf = (property: string) => property.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const columnNames = importedColumns.map(([property]) => columnOf(property));
const insertImportedSql = `INSERT INTO cases (${columnNames.join(', ')})
  SELECT * FROM jsonb_to_recordset($1::text::jsonb)
    AS r(${importedColumns.map(([property, type]) => `${columnOf(property)} ${type}`).join(', ')})`;

/** What the historic import reads and writes about cases besides their chains. */
export class CaseImportRepository {
  constructor(private readonly db: DataSource) {}

  /** Which of these case numbers are taken already. */
  async existingNumbers(numbers: string[], tx?: Tx): Promise<Set<string>> {
    if (numbers.length === 0) return new Set();
    const rows: Array<{ number: string }> = await (tx ?? this.db.manager).query(
      'SELECT number FROM cases WHERE number = ANY($1::text[])',
      [numbers],
    );
    return new Set(rows.map((row) => row.number));
  }

  /**
   * Which of these party keys (`partyKey`) a stored case's party has: one look-up in the
   * party-key index (migration 1764200200000) for the whole file, before the forum check.
   */
  async storedPartyKeys(keys: string[], tx: Tx): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const key = partyKeySql('p');
    const rows: Array<{ key: string }> = await tx.query(
      `SELECT DISTINCT ${key} AS key FROM parties p WHERE p.case_id IS NOT NULL AND ${key} = ANY($1::text[])`,
      [keys],
    );
    return new Set(rows.map((row) => row.key));
  }

  /**
   * Adds an imported case to `json`, the batch being made of them, as its row of the INSERT
   * (`insertCasesWithParties`): written at once, so that no batch of case objects is held
   * until it is sent.
   */
  addCase(json: JsonRows, row: ImportedCase): void {
    const record: Record<string, unknown> = {};
    for (let index = 0; index < importedColumns.length; index++)
      record[columnNames[index]] = row[importedColumns[index][0]];
    json.add(record);
  }

  /**
   * Writes a batch of imported cases in one statement, then their parties (sealed as
   * registration seals them) in one more. The rows go as one JSON value (`addCase`, then
   * `JsonRows.end`), which PostgreSQL unpacks (`jsonb_to_recordset`), instead of a parameter
   * per cell. Each case's search row is written once, with its parties' names
   * (`case-search.repository.ts`).
   */
  async insertCasesWithParties(
    tx: Tx,
    batch: { cases: Buffer; caseIds: string[]; parties: Array<Partial<Party>> },
  ): Promise<void> {
    if (batch.caseIds.length === 0) return;
    await insertingCasesBeforeTheirParties(tx, () => tx.query(insertImportedSql, [batch.cases]));
    if (batch.parties.length > 0) await tx.insert(Party, batch.parties);
    await writeMissingSearchRows(tx, batch.caseIds);
  }
}
