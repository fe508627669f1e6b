import type { EntityManager } from 'typeorm';
import type { CaseListQuery } from './case.schemas';

/*
 * The case list's search answered from the search rows alone (`case_search`, kept by triggers:
 * migrations 1764400210000 and 1764700100000), for a scope whose rows suffice
 * (`Narrowing.searchRowsSuffice` in case-list.queries.ts).
 */

/**
 * A search term, its LIKE pattern (`containsPattern`), and the unit whose scope the gram index intersects it
 * with (`case_search.scopes`: a mediator's unit, a sub-centre; none for a district supervisor or an agent).
 */
export interface CaseSearch {
  q: string;
  like: string;
  scopeUnitId?: string;
}

/** The search rows that are a scope's (`Narrowing.searchRowsSuffice`). */
export interface SearchRows {
  scopeUnitId: string;
  heldUnitId?: string;
}

/**
 * A search row matching the term ($1 its text, $4 its LIKE pattern) in a scope ($2 the unit its
 * scopes hold; $3, if not null, the unit its case's holders include): the GIN index intersects
 * the term's grams with the scope, each row found is tested for the whole term (and its holder).
 */
const searchRowsMatch = `cs.grams @> term_grams($1) AND cs.scopes @> ARRAY[$2]::uuid[]
  AND ($3::uuid IS NULL OR cs.held_unit_ids @> ARRAY[$3]::uuid[]) AND cs.body LIKE lower($4)`;

/**
 * The ids of the cases of a scope whose text holds the term, no more than `limit` + 1, from
 * their search rows alone (`Narrowing.searchRowsSuffice`): the capped count of a sub-centre's
 * search for 工资 at 1,000,000 cases had looked up each of its 1,001 matches in `cases` to test
 * the scope and district its search row already held (78 ms cold).
 */
export async function searchMatchesUpTo(
  manager: EntityManager,
  search: CaseSearch,
  rows: SearchRows,
  limit: number,
): Promise<string[]> {
  const found: Array<{ id: string }> = await manager.query(
    `SELECT cs.case_id AS id FROM case_search cs WHERE ${searchRowsMatch} LIMIT $5`,
    [search.q, rows.scopeUnitId, rows.heldUnitId ?? null, search.like, limit + 1],
  );
  return found.map((row) => row.id);
}

/**
 * `searchMatchesUpTo`'s count, with the ids of the page asked for in the list's order by
 * creation (newest or oldest first), which the search rows keep (`created_at`, `number`):
 * one read of the matches, and only the page's cases read from `cases` after it. A
 * workstation's search for 工资 at 1,000,000 cases had read its 276 matches' case rows to
 * sort them (test/bench/README). The ids are meaningful only when `counted` ≤ `limit`.
 */
export async function searchPageUpTo(
  manager: EntityManager,
  search: CaseSearch,
  rows: SearchRows,
  limit: number,
  query: Pick<CaseListQuery, 'sort' | 'page' | 'pageSize'>,
): Promise<{ counted: number; pageIds: string[] }> {
  const order = query.sort === 'oldest' ? 'created_at ASC, number ASC' : 'created_at DESC, number DESC';
  // planned for its term each time, not a named statement (`runPrepared`): sent as one, a sub-centre's
  // search for 张 took 1.1 s (p50) at 1,000,000 cases, ≈ 30 ms before — most likely the generic plan
  // PostgreSQL switches to after five runs, which cannot see how common the term's grams are
  const answer: Array<{ counted: number; page_ids: string[] }> = await manager.query(
    `WITH matching AS (SELECT cs.case_id, cs.created_at, cs.number FROM case_search cs WHERE ${searchRowsMatch} LIMIT $5)
     SELECT (SELECT count(*)::int FROM matching) AS counted,
            ARRAY(SELECT case_id FROM matching ORDER BY ${order} OFFSET $6 LIMIT $7) AS page_ids`,
    [
      search.q,
      rows.scopeUnitId,
      rows.heldUnitId ?? null,
      search.like,
      limit + 1,
      (query.page - 1) * query.pageSize,
      query.pageSize,
    ],
  );
  const [found] = answer;
  return { counted: found?.counted ?? 0, pageIds: found?.page_ids ?? [] };
}
