import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { runPrepared } from './prepared';
import type { Statement } from './transactions';

/** A row to insert, named by its entity (so TypeORM maps its columns and values as `insert` does). */
export interface EntityInsert<T extends ObjectLiteral = ObjectLiteral> {
  into: EntityTarget<T>;
  values: Partial<T> | Array<Partial<T>>;
}

/**
 * A row to insert as a fixed text with its own `$1…` values: for the rows the hot path adds
 * with nearly every event (a logged session), which TypeORM need not build each time: its
 * query builder was ≈ 5 % of the app's busy time per `LOG_SESSION` in a CPU profile (issue 22,
 * fourth round).
 */
export interface PlainInsert {
  sql: string;
  values: unknown[];
}

/** A row an event's one statement adds. */
export type PendingInsert<T extends ObjectLiteral = ObjectLiteral> = EntityInsert<T> | PlainInsert;

/** Texts with their parameters renumbered, by text, then offset: a write path sends the same few shapes. */
const renumberedTexts = new Map<string, Map<number, string>>();

/**
 * `sql` with each `$n` moved on by `offset`: each part numbers its parameters from $1, and in
 * one statement they follow on. Kept per shape: rewriting a statement of a few kilobytes with a
 * regular expression was ≈ 1.5 % of the app's busy time per event in a CPU profile (issue 22,
 * fourth round). TypeORM's insert of several rows makes a shape per row count, so the map is
 * bounded.
 */
function renumbered(sql: string, offset: number): string {
  if (offset === 0) return sql;
  // keyed by the text itself: a fixed text (the case's update) keeps its hash, a joined key would be copied each time
  let byOffset = renumberedTexts.get(sql);
  if (byOffset === undefined) {
    if (renumberedTexts.size >= 500) renumberedTexts.clear();
    byOffset = new Map();
    renumberedTexts.set(sql, byOffset);
  }
  let text = byOffset.get(offset);
  if (text === undefined) {
    text = sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    byOffset.set(offset, text);
  }
  return text;
}

/**
 * INSERTs and UPDATEs built by TypeORM as `insert` and `update` build them, sent to
 * PostgreSQL as ONE statement — each part a data-modifying `WITH` of one `SELECT 1` —
 * in one round trip instead of one each. Found by the city-scale benchmark: on these
 * machines each round trip to PostgreSQL costs a millisecond or more of waking processes,
 * whatever the statement does, and a logged session was six of them.
 *
 * Only for writes that do not depend on one another: every part sees the database as it
 * was before the statement, none sees the rows another part writes, no two parts may
 * touch the same row, and the parts run in no set order (serial ids are not handed out
 * in the order the parts were added). A constraint checked at the end of the statement
 * (a foreign key) sees them all. Either every part is written or, on an error, none.
 * Generated values (ids, defaults) are not read back into the objects passed in.
 */
export class WriteBatch {
  private readonly parts: Array<[string, unknown[]]> = [];

  constructor(private readonly tx: EntityManager) {}

  insert<T extends ObjectLiteral>(row: PendingInsert<T>): this {
    if ('sql' in row) return this.sql(row.sql, row.values);
    this.parts.push(
      this.tx
        .createQueryBuilder()
        .insert()
        .into(row.into)
        .values(row.values as QueryDeepPartialEntity<T>)
        .getQueryAndParameters(),
    );
    return this;
  }

  /**
   * A part written as plain SQL with its own `$1…` parameters: the hot path's fixed
   * statements (an event and its case's columns), which TypeORM need not build each time.
   */
  sql(text: string, values: unknown[]): this {
    this.parts.push([text, values]);
    return this;
  }

  update<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    where: Record<string, unknown>,
    set: Partial<T>,
  ): this {
    this.parts.push(
      this.tx
        .createQueryBuilder()
        .update(entity)
        .set(set as QueryDeepPartialEntity<T>)
        .where(where)
        .getQueryAndParameters(),
    );
    return this;
  }

  /**
   * Sends what was added, as one statement in the caller's transaction: a named one
   * (`prepared.ts`), since a write path sends the same few shapes again and again.
   */
  async run(): Promise<void> {
    const statement = this.statement();
    if (statement) await runPrepared(this.tx, statement.text, statement.values);
  }

  /**
   * What was added as one statement, not sent (for `Transactions.runBracketed`'s COMMIT); null
   * when nothing was. `answer`: the statement's own select after its parts (`SELECT 1` by
   * default), which sees none of their rows — e.g. the transaction's id, which every row they
   * write carries as its `xmin`; given, a single part is sent as a `WITH` too.
   */
  statement(answer?: string): Statement | null {
    const parts = this.parts.splice(0);
    if (parts.length === 0) return null;
    if (parts.length === 1 && answer === undefined) return { text: parts[0][0], values: parts[0][1] };
    const parameters: unknown[] = [];
    const withs = parts.map(([sql, values], index) => {
      const offset = parameters.length;
      parameters.push(...values);
      return `w${index} AS (${renumbered(sql, offset)})`;
    });
    return { text: `WITH ${withs.join(', ')} ${answer ?? 'SELECT 1'}`, values: parameters };
  }
}
