import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found by the city-scale benchmark (test/bench): a sub-centre supervisor's list filtered
 * to few cases (`state=mediation`: 820 of the sub-centre's ≈ 75,000 at 1,000,000 cases)
 * walked the district's cases newest-first, testing each against the scope, to count its
 * matches: 0.55–0.8 s. One GIN index over the units that held the case, its state and its
 * type (btree_gin for the two scalar columns) intersects the three in the index: 8 ms
 * there, 4 ms for `state=screening`. The state filter is an `= ANY` of the statechart's
 * states for it (CaseRepository.list), which the index serves, not `LIKE 'mediation.%'`.
 *
 * It replaces `cases_held_unit_ids_gin`: a multi-column GIN index answers a condition on
 * its first column alone as fast (a workstation's list and search: the same 15–30 ms
 * through the API at 1,000,000 cases), so each case update still writes one GIN entry set.
 */
export class IndexCaseScopesByStateAndType1764141400000 implements MigrationInterface {
  name = 'IndexCaseScopesByStateAndType1764141400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS btree_gin');
    await db.query('CREATE INDEX cases_scope_state_type_gin ON cases USING gin (held_unit_ids, state, type)');
    await db.query('DROP INDEX cases_held_unit_ids_gin');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX cases_held_unit_ids_gin ON cases USING gin (held_unit_ids)');
    await db.query('DROP INDEX cases_scope_state_type_gin');
  }
}
