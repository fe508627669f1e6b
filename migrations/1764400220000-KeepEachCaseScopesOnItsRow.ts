import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (scopes that do not scan): a sub-centre's list reads one GIN key instead of forty.
 *
 * A street sub-centre supervisor's list was `held_unit_ids && ARRAY[<the subtree's ≈ 40
 * unit ids>]`: cases_scope_state_type_gin answered it as an OR of 40 keys' posting lists
 * (77,000 cases in the subtree at 1,000,000 cases), 47 ms for the Bitmap Index Scan of
 * state=mediation's 587 rows, and the capped count the same again (80–95 ms a list).
 * `cases.scope_ids` is every unit that held the case and their ancestors below the district
 * (nlevel(path) >= 2: the same set as `case_search.scopes`, migration
 * SearchCasesFromASideTableWithSingleCharacters), so the sub-centre's scope is the one key
 * `scope_ids @> ARRAY[sub-centre]`, intersected in the same index with state and type.
 *
 * - Kept by BEFORE triggers on cases: on insert, and on an UPDATE OF held_unit_ids only WHEN
 *   the value changes (a hand-off or transfer), so an event that hands nothing on pays nothing.
 * - A unit's move (units UPDATE OF parent_id, path) recomputes the cases held anywhere in the
 *   moved unit's subtree: units_set_path moves the descendants in a nested UPDATE whose AFTER
 *   triggers fire before the moved unit's own row has its new path, so only the moved unit's
 *   own trigger (the last to fire) sees every ancestor in place.
 * - One index: cases_scope_state_type_gin becomes (held_unit_ids, scope_ids, state, type), so
 *   a case's update still writes one GIN entry set (a workstation's `held_unit_ids @>` is
 *   served by its first column as before).
 *
 * Measured at 1,000,000 cases on the benchmark's held database (the sub-centre 莘庄镇 (MH-XZ) of
 * test/bench/run.ts, its five `streetList` queries as the list runs them, page and capped
 * count, median of 5, before on `cases`, after on a full-width copy with this column and
 * index; the machine shared, load 10–12): state=mediation page 90 → 4 ms, count 53 → 3 ms;
 * type=labour&state=closed count 162 → 47 ms; type=neighbourhood&sort=updated count
 * 139 → 28 ms; track=people&type=family count 329 → 20 ms (its GIN scan 323 → 13 ms); a
 * filter by a workstation's unitId 3 → 3.5 ms. The backfill of a 100,000-case sample with
 * main's indexes on `cases`: 16 s (20.7 s with the old GIN index kept during it), so about
 * 3 minutes at 1,000,000; the index 0.9 s there, 5.5 s at 1,000,000.
 */
export class KeepEachCaseScopesOnItsRow1764400220000 implements MigrationInterface {
  name = 'KeepEachCaseScopesOnItsRow1764400220000';

  async up(db: QueryRunner): Promise<void> {
    // a constant default: no table rewrite; the backfill below writes each row once
    await db.query(`ALTER TABLE cases ADD COLUMN scope_ids uuid[] NOT NULL DEFAULT '{}'`);
    await db.query(`
      CREATE FUNCTION unit_scopes(held uuid[]) RETURNS uuid[]
      LANGUAGE sql STABLE STRICT PARALLEL SAFE
      RETURN ARRAY(SELECT DISTINCT a.id FROM units hu JOIN units a ON a.path @> hu.path AND nlevel(a.path) >= 2
                   WHERE hu.id = ANY(held) ORDER BY a.id)`);
    await db.query(`
      CREATE FUNCTION cases_set_scope_ids() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.scope_ids := coalesce(unit_scopes(NEW.held_unit_ids), '{}');
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE FUNCTION units_refresh_case_scope_ids() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE cases c SET scope_ids = coalesce(unit_scopes(c.held_unit_ids), '{}')
          WHERE c.held_unit_ids && ARRAY(SELECT u.id FROM units u WHERE u.path <@ NEW.path)
            AND c.scope_ids IS DISTINCT FROM coalesce(unit_scopes(c.held_unit_ids), '{}');
        RETURN NULL;
      END $$`);

    await db.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    // the old index dropped first: the backfill then writes no GIN entries, the new index is built once
    await db.query('DROP INDEX cases_scope_state_type_gin');
    await db.query(fillScopeIdsSql);
    await db.query(createScopeIndexSql);

    await db.query(`
      CREATE TRIGGER cases_insert_scope_ids BEFORE INSERT ON cases
      FOR EACH ROW EXECUTE FUNCTION cases_set_scope_ids()`);
    await db.query(`
      CREATE TRIGGER cases_update_scope_ids BEFORE UPDATE OF held_unit_ids ON cases
      FOR EACH ROW WHEN (OLD.held_unit_ids IS DISTINCT FROM NEW.held_unit_ids)
      EXECUTE FUNCTION cases_set_scope_ids()`);
    // parent_id too: the path a BEFORE trigger (units_set_path) sets is not a column the UPDATE names
    await db.query(`
      CREATE TRIGGER units_move_case_scope_ids AFTER UPDATE OF parent_id, path ON units
      FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
      EXECUTE FUNCTION units_refresh_case_scope_ids()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER units_move_case_scope_ids ON units');
    await db.query('DROP TRIGGER cases_update_scope_ids ON cases');
    await db.query('DROP TRIGGER cases_insert_scope_ids ON cases');
    await db.query('DROP INDEX cases_scope_state_type_gin');
    await db.query('CREATE INDEX cases_scope_state_type_gin ON cases USING gin (held_unit_ids, state, type)');
    await db.query('DROP FUNCTION units_refresh_case_scope_ids()');
    await db.query('DROP FUNCTION cases_set_scope_ids()');
    await db.query('DROP FUNCTION unit_scopes(uuid[])');
    await db.query('ALTER TABLE cases DROP COLUMN scope_ids');
  }
}

/**
 * Every case's scope_ids at once (the backfill): the few (held unit → ancestor) pairs
 * hashed once and aggregated per case in one pass, as `fillCaseSearchSql` does for
 * `case_search.scopes`, instead of a subquery per case.
 */
export const fillScopeIdsSql = `
  UPDATE cases c SET scope_ids = s.scopes
  FROM (SELECT h.id AS case_id, array_agg(DISTINCT up.ancestor_id ORDER BY up.ancestor_id) AS scopes
        FROM cases h CROSS JOIN LATERAL unnest(h.held_unit_ids) AS held(id)
        JOIN (SELECT hu.id AS unit_id, a.id AS ancestor_id
              FROM units hu JOIN units a ON a.path @> hu.path AND nlevel(a.path) >= 2) up ON up.unit_id = held.id
        GROUP BY h.id) s
  WHERE s.case_id = c.id`;

export const createScopeIndexSql =
  'CREATE INDEX cases_scope_state_type_gin ON cases USING gin (held_unit_ids, scope_ids, state, type)';
