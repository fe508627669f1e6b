import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (the historic import): `cases.scope_ids` was set on every new row (and on every
 * hand-off) by calling `unit_scopes()`, an SQL function over an ltree join (`a.path @> hu.path`):
 * ≈ 0.25 ms a call (a PL/pgSQL copy of the same query 0.12 ms), measured as
 * 2.7–3.0 s against 1.4–1.6 s without the trigger for an INSERT of 5,000 cases (PostgreSQL 15,
 * the benchmark's city) — about half of the cases' INSERT in the 19,796-row import. The trigger
 * now walks up from each held unit by `parent_id` (a primary-key lookup a level, plans kept by
 * PL/pgSQL): 1.7 s for the same INSERT, and the same arrays for all 5,000 cases.
 *
 * It is the same set: a unit's path is its parent's path and its own label (units_set_path), so
 * the ancestors whose path contains a unit's are its parents up the tree, and `nlevel >= 2`
 * (below the root) is where the walk stops. `unit_scopes()` stays the definition: the refresh
 * after a unit moves still uses it, and the tests compare each case's `scope_ids` with it.
 */
export class WalkUpTheUnitTreeForANewCasesScopes1764500310000 implements MigrationInterface {
  name = 'WalkUpTheUnitTreeForANewCasesScopes1764500310000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION cases_set_scope_ids() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        held uuid;
        at uuid;
        up uuid;
        depth int;
        steps int;
        scopes uuid[] := '{}';
      BEGIN
        FOREACH held IN ARRAY coalesce(NEW.held_unit_ids, '{}') LOOP
          at := held;
          steps := 0;
          -- a tree is a few levels deep; the bound only stops a corrupt parent_id cycle
          WHILE at IS NOT NULL AND steps < 64 LOOP
            SELECT u.parent_id, nlevel(u.path) INTO up, depth FROM units u WHERE u.id = at;
            EXIT WHEN NOT FOUND OR depth < 2;
            scopes := scopes || at;
            at := up;
            steps := steps + 1;
          END LOOP;
        END LOOP;
        NEW.scope_ids := ARRAY(SELECT DISTINCT s FROM unnest(scopes) AS s ORDER BY s);
        RETURN NEW;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION cases_set_scope_ids() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.scope_ids := coalesce(unit_scopes(NEW.held_unit_ids), '{}');
        RETURN NEW;
      END $$`);
  }
}
