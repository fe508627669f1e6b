import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (the historic import): a case's search row computed its scopes — every unit that held
 * the case and their ancestors below the district — with the same ltree join over `units` that
 * `cases.scope_ids` (migration 1764400220000, a BEFORE trigger) had just computed for the same
 * case: ≈ 0.14 ms a case on the city's 2,000 units, twice. The search row now copies the case's
 * `scope_ids`. They stay equal: `scope_ids` is set before any row of `cases` is written, and when
 * a unit moves, its trigger that rewrites `scope_ids` (units_move_case_scope_ids) fires before the
 * one that refreshes the search rows (units_move_case_search: triggers of one event fire in name
 * order).
 */
export class TakeEachSearchRowsScopesFromItsCase1764500210000 implements MigrationInterface {
  name = 'TakeEachSearchRowsScopesFromItsCase1764500210000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(refreshCaseSearch('c.scope_ids'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      refreshCaseSearch(`ARRAY(SELECT DISTINCT a.id FROM units hu JOIN units a ON a.path @> hu.path AND nlevel(a.path) >= 2
                     WHERE hu.id = ANY(c.held_unit_ids) ORDER BY a.id)`),
    );
  }
}

/** `refresh_case_search` with `scopes` as the expression of the row's scopes (over `c`, the case). */
function refreshCaseSearch(scopes: string): string {
  return `
    CREATE OR REPLACE FUNCTION refresh_case_search(case_ids uuid[]) RETURNS void
    LANGUAGE sql VOLATILE AS $$
      INSERT INTO case_search (case_id, body, grams, scopes)
      SELECT c.id, t.body, text_grams(t.body), ${scopes}
      FROM cases c
      CROSS JOIN LATERAL (SELECT lower(c.number || ' ' || c.title || ' ' || c.description
        || coalesce((SELECT string_agg(chr(31) || p.name, '' ORDER BY p.position, p.id)
                     FROM parties p WHERE p.case_id = c.id), '')) AS body) t
      WHERE c.id = ANY(case_ids)
      ON CONFLICT (case_id) DO UPDATE SET body = EXCLUDED.body, grams = EXCLUDED.grams, scopes = EXCLUDED.scopes
        WHERE (case_search.body, case_search.scopes) IS DISTINCT FROM (EXCLUDED.body, EXCLUDED.scopes)
    $$`;
}
