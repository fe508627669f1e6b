import type { EntityManager } from 'typeorm';

/**
 * Each case's search row (`case_search`: its number, title, facts and parties' names) is kept
 * by triggers (migration 1764400210000). A path that inserts new cases and then their parties
 * writes each row once, with the names, by telling the cases' trigger that the parties follow
 * (migration 1764500200000): the parties' trigger writes the rows, and `writeMissingSearchRows`
 * those of the cases that got no party. The registration and the historic import do so.
 */
export async function insertingCasesBeforeTheirParties<T>(
  tx: Pick<EntityManager, 'query'>,
  insertCases: () => Promise<T>,
): Promise<T> {
  await tx.query(`SELECT set_config('grand_mediation.parties_follow', 'on', true)`);
  // no finally: the setting is the transaction's own, so a failed insert ends it with the
  // transaction (a query here would only fail again, 25P02, and hide the insert's own error)
  const inserted = await insertCases();
  await tx.query(`SELECT set_config('grand_mediation.parties_follow', 'off', true)`);
  return inserted;
}

/** The search rows of the new cases `caseIds` that none of their parties' inserts wrote. */
export async function writeMissingSearchRows(
  tx: Pick<EntityManager, 'query'>,
  caseIds: string[],
): Promise<void> {
  await tx.query(
    `SELECT refresh_case_search(ARRAY(
       SELECT id FROM unnest($1::uuid[]) AS id WHERE NOT EXISTS (SELECT 1 FROM case_search s WHERE s.case_id = id)))`,
    [caseIds],
  );
}
