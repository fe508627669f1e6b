import type { EntityManager } from 'typeorm';

/**
 * Runs SQL in the caller's transaction and answers the rows and the number of rows
 * affected, whatever the command. (`EntityManager.query` answers `[rows, count]` for
 * UPDATE and DELETE but the rows alone for INSERT and SELECT.)
 */
export async function runQuery<Row = Record<string, unknown>>(
  tx: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<{ rows: Row[]; affected: number }> {
  const runner = tx.queryRunner;
  if (!runner) throw new Error('runQuery needs a transaction (an EntityManager with a query runner)');
  const result = await runner.query(sql, parameters, true);
  const rows = (result.records ?? []) as Row[];
  return { rows, affected: result.affected ?? rows.length };
}
