import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (a mediator's search): each search row (`case_search`) also keeps the units that held
 * its case (`held_unit_ids`) and the case list's order (`created_at`, `number`), and its `scopes`
 * hold every unit that held the case, the district's own centre included.
 *
 * - A bug: `scopes` was the case's `scope_ids`, which leave the district out (every case is in
 *   it, and a scope that wide is narrowed by `district_id`). A mediator of the district's centre
 *   searched their cases through `scopes @>` their unit, and found none, whatever the term. The
 *   scopes are now `scope_ids` with the units that held the case: the district is in them only
 *   for the cases its centre held.
 * - A mediator's search with no other filter is answered from the search rows alone, as a
 *   sub-centre's is (migration 1764500210000): `scopes` narrow it in the GIN index, `held_unit_ids`
 *   keeps exactly the cases the mediator's unit held (not those of the units below it). The count
 *   and the page's ids come from one read of the matching rows, so that only the page's 20 cases
 *   are read from `cases`, not every match: a workstation's search for 工资 at 1,000,000 cases
 *   read its 276 matches' case rows to sort them (test/bench/README).
 *
 * The triggers' writer of a search row, `refresh_case_search`, writes the new columns, as do this
 * backfill and the benchmark's load (`fillCaseSearchSql`); the cases' trigger also fires when
 * `created_at` changes (no path does today). A search row's scopes are no longer equal to its case's
 * `scope_ids` (as migration 1764500210000 had them): they hold its holders too.
 */
export class KeepEachSearchRowsHoldersAndOrder1764700100000 implements MigrationInterface {
  name = 'KeepEachSearchRowsHoldersAndOrder1764700100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE case_search ADD COLUMN held_unit_ids uuid[], ADD COLUMN created_at timestamptz,
      ADD COLUMN number text`);
    // every row rewritten: the GIN index is built again once rather than updated row by row
    await db.query('DROP INDEX case_search_gin');
    await db.query(`
      UPDATE case_search s SET held_unit_ids = c.held_unit_ids, created_at = c.created_at, number = c.number,
        scopes = ${searchScopesOf('c')}
      FROM cases c WHERE c.id = s.case_id`);
    await db.query(`ALTER TABLE case_search ALTER COLUMN held_unit_ids SET NOT NULL,
      ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN number SET NOT NULL`);
    await db.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await db.query('CREATE INDEX case_search_gin ON case_search USING gin (grams, scopes)');
    await db.query(`
      CREATE OR REPLACE FUNCTION refresh_case_search(case_ids uuid[]) RETURNS void
      LANGUAGE sql VOLATILE AS $$
        INSERT INTO case_search (case_id, body, grams, scopes, held_unit_ids, created_at, number)
        SELECT c.id, t.body, text_grams(t.body), ${searchScopesOf('c')}, c.held_unit_ids, c.created_at, c.number
        FROM cases c
        CROSS JOIN LATERAL (SELECT lower(c.number || ' ' || c.title || ' ' || c.description
          || coalesce((SELECT string_agg(chr(31) || p.name, '' ORDER BY p.position, p.id)
                       FROM parties p WHERE p.case_id = c.id), '')) AS body) t
        WHERE c.id = ANY(case_ids)
        ON CONFLICT (case_id) DO UPDATE SET body = EXCLUDED.body, grams = EXCLUDED.grams, scopes = EXCLUDED.scopes,
            held_unit_ids = EXCLUDED.held_unit_ids, created_at = EXCLUDED.created_at, number = EXCLUDED.number
          WHERE (case_search.body, case_search.scopes, case_search.held_unit_ids, case_search.created_at, case_search.number)
            IS DISTINCT FROM (EXCLUDED.body, EXCLUDED.scopes, EXCLUDED.held_unit_ids, EXCLUDED.created_at, EXCLUDED.number)
      $$`);
    await db.query('DROP TRIGGER cases_update_search ON cases');
    await db.query(`
      CREATE TRIGGER cases_update_search AFTER UPDATE OF number, title, description, held_unit_ids, created_at ON cases
      FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.title IS DISTINCT FROM NEW.title
        OR OLD.description IS DISTINCT FROM NEW.description OR OLD.held_unit_ids IS DISTINCT FROM NEW.held_unit_ids
        OR OLD.created_at IS DISTINCT FROM NEW.created_at)
      EXECUTE FUNCTION cases_refresh_search()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER cases_update_search ON cases');
    await db.query(`
      CREATE TRIGGER cases_update_search AFTER UPDATE OF number, title, description, held_unit_ids ON cases
      FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.title IS DISTINCT FROM NEW.title
        OR OLD.description IS DISTINCT FROM NEW.description OR OLD.held_unit_ids IS DISTINCT FROM NEW.held_unit_ids)
      EXECUTE FUNCTION cases_refresh_search()`);
    await db.query(`
      CREATE OR REPLACE FUNCTION refresh_case_search(case_ids uuid[]) RETURNS void
      LANGUAGE sql VOLATILE AS $$
        INSERT INTO case_search (case_id, body, grams, scopes)
        SELECT c.id, t.body, text_grams(t.body), c.scope_ids
        FROM cases c
        CROSS JOIN LATERAL (SELECT lower(c.number || ' ' || c.title || ' ' || c.description
          || coalesce((SELECT string_agg(chr(31) || p.name, '' ORDER BY p.position, p.id)
                       FROM parties p WHERE p.case_id = c.id), '')) AS body) t
        WHERE c.id = ANY(case_ids)
        ON CONFLICT (case_id) DO UPDATE SET body = EXCLUDED.body, grams = EXCLUDED.grams, scopes = EXCLUDED.scopes
          WHERE (case_search.body, case_search.scopes) IS DISTINCT FROM (EXCLUDED.body, EXCLUDED.scopes)
      $$`);
    // only the rows of cases a district's centre held differ
    await db.query(`UPDATE case_search s SET scopes = c.scope_ids FROM cases c
      WHERE c.id = s.case_id AND s.scopes IS DISTINCT FROM c.scope_ids`);
    await db.query(
      'ALTER TABLE case_search DROP COLUMN held_unit_ids, DROP COLUMN created_at, DROP COLUMN number',
    );
  }
}

/**
 * A search row's scopes, from its case `c`: the case's `scope_ids` (the units that held it and
 * their ancestors below the district) with the units that held it (the district's centre too).
 */
function searchScopesOf(c: string): string {
  return `ARRAY(SELECT DISTINCT u FROM unnest(${c}.scope_ids || ${c}.held_unit_ids) AS u ORDER BY u)`;
}

/**
 * The search rows of every case, set-based (the benchmark's load, after its cases and parties):
 * as `refresh_case_search` writes one, with the parties' names aggregated in one pass.
 */
export const fillCaseSearchSql = `
  INSERT INTO case_search (case_id, body, grams, scopes, held_unit_ids, created_at, number)
  SELECT c.id, t.body, text_grams(t.body), ${searchScopesOf('c')}, c.held_unit_ids, c.created_at, c.number
  FROM cases c
  LEFT JOIN (SELECT p.case_id, string_agg(chr(31) || p.name, '' ORDER BY p.position, p.id) AS names
             FROM parties p WHERE p.case_id IS NOT NULL GROUP BY p.case_id) n ON n.case_id = c.id
  CROSS JOIN LATERAL (SELECT lower(c.number || ' ' || c.title || ' ' || c.description || coalesce(n.names, '')) AS body) t`;
