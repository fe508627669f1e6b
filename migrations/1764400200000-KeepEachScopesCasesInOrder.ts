import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22: a street sub-centre supervisor sees the cases any unit of the sub-centre's
 * subtree ever held. The list found them by walking the whole district's cases
 * newest-first (`cases_created_at_idx`) and testing `held_unit_ids && <the subtree's ids>`
 * on each: a sub-centre holds one case in thirteen, so a page of a narrow filter read
 * thousands of other sub-centres' rows (test/bench/README.md, "Scopes").
 *
 * `case_scopes` holds one row per (unit, case) for every unit that held the case and every
 * ancestor of it below the district (the district's own list names `district_id`), with the
 * list's sort key (created_at, number): a subtree's cases, in the list's order, are one
 * range of `case_scopes_order_idx`. A trigger keeps it, firing only when `held_unit_ids`
 * (or the immutable sort key) changes — so a session logged, a deadline moved or any other
 * event that does not hand the case on writes nothing here — and when a unit moves in the
 * tree (its cases' ancestors change). Being a trigger, it is right for the import, the demo
 * seeding and the benchmark's loader without their knowing.
 *
 * Only created_at (newest/oldest) is kept: `sort=updated` and `sort=due` change with most
 * events, and would rewrite every scope row of the case on each (see the README for what
 * they measure without it).
 */
export class KeepEachScopesCasesInOrder1764400200000 implements MigrationInterface {
  name = 'KeepEachScopesCasesInOrder1764400200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE case_scopes (
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        unit_id uuid NOT NULL REFERENCES units(id),
        created_at timestamptz NOT NULL,
        number varchar(48) NOT NULL
      )`);
    // the rows of some cases: what they should be now, from held_unit_ids and the unit tree
    await db.query(`
      CREATE FUNCTION refresh_case_scopes(case_ids uuid[]) RETURNS void
      LANGUAGE sql VOLATILE AS $$
        WITH wanted AS (
          SELECT DISTINCT c.id AS case_id, a.id AS unit_id, c.created_at, c.number
          FROM cases c
          CROSS JOIN LATERAL unnest(c.held_unit_ids) AS held(id)
          JOIN units hu ON hu.id = held.id
          JOIN units a ON a.path @> hu.path AND nlevel(a.path) >= 2
          WHERE c.id = ANY(case_ids)),
        gone AS (
          DELETE FROM case_scopes s WHERE s.case_id = ANY(case_ids)
            AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.case_id = s.case_id AND w.unit_id = s.unit_id))
        INSERT INTO case_scopes (case_id, unit_id, created_at, number)
        SELECT case_id, unit_id, created_at, number FROM wanted
        ON CONFLICT (case_id, unit_id) DO UPDATE SET created_at = EXCLUDED.created_at, number = EXCLUDED.number
          WHERE (case_scopes.created_at, case_scopes.number) IS DISTINCT FROM (EXCLUDED.created_at, EXCLUDED.number)
      $$`);
    await db.query(`
      CREATE FUNCTION cases_refresh_scopes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_case_scopes(ARRAY[NEW.id]);
        RETURN NULL;
      END $$`);
    // a unit moved (its path and its descendants' change): the cases its subtree held get new ancestors
    await db.query(`
      CREATE FUNCTION units_refresh_case_scopes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_case_scopes(ARRAY(SELECT c.id FROM cases c WHERE c.held_unit_ids @> ARRAY[NEW.id]));
        RETURN NULL;
      END $$`);

    // the backfill, set-based, before the indexes (one sort each instead of row by row)
    await db.query(fillCaseScopesSql);
    await db.query('ALTER TABLE case_scopes ADD PRIMARY KEY (case_id, unit_id)');
    await db.query(createCaseScopesOrderIndexSql);

    await db.query(`
      CREATE TRIGGER cases_insert_scopes AFTER INSERT ON cases
      FOR EACH ROW EXECUTE FUNCTION cases_refresh_scopes()`);
    await db.query(`
      CREATE TRIGGER cases_update_scopes AFTER UPDATE OF held_unit_ids, created_at, number ON cases
      FOR EACH ROW WHEN (OLD.held_unit_ids IS DISTINCT FROM NEW.held_unit_ids
        OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.number IS DISTINCT FROM NEW.number)
      EXECUTE FUNCTION cases_refresh_scopes()`);
    // parent_id too: the path a BEFORE trigger (units_set_path) sets is not a column the UPDATE names
    await db.query(`
      CREATE TRIGGER units_move_case_scopes AFTER UPDATE OF parent_id, path ON units
      FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
      EXECUTE FUNCTION units_refresh_case_scopes()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER units_move_case_scopes ON units');
    await db.query('DROP TRIGGER cases_update_scopes ON cases');
    await db.query('DROP TRIGGER cases_insert_scopes ON cases');
    await db.query('DROP FUNCTION units_refresh_case_scopes()');
    await db.query('DROP FUNCTION cases_refresh_scopes()');
    await db.query('DROP FUNCTION refresh_case_scopes(uuid[])');
    await db.query('DROP TABLE case_scopes');
  }
}

/**
 * Every case's scope rows at once (the migration's backfill; the benchmark's loader, which
 * loads with triggers off): the (held unit → ancestor) pairs are few, hashed once.
 */
export const fillCaseScopesSql = `
  INSERT INTO case_scopes (case_id, unit_id, created_at, number)
  SELECT DISTINCT c.id, up.ancestor_id, c.created_at, c.number
  FROM cases c
  CROSS JOIN LATERAL unnest(c.held_unit_ids) AS held(id)
  JOIN (SELECT hu.id AS unit_id, a.id AS ancestor_id
        FROM units hu JOIN units a ON a.path @> hu.path AND nlevel(a.path) >= 2) up ON up.unit_id = held.id`;

/** A subtree's cases in the list's order (newest first; read backwards, oldest first). */
export const createCaseScopesOrderIndexSql =
  'CREATE INDEX case_scopes_order_idx ON case_scopes (unit_id, created_at DESC, number DESC) INCLUDE (case_id)';
