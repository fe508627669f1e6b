import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found by the city-scale benchmark (test/bench): the figures for a district-year read
 * every case registered in the period (≈ 90,000 of 1,000,000) three times over, each
 * time from the heap, and probed the escalations of each case one by one.
 *
 * - `cases_registered_unit_created_idx` (registered unit, registration time) becomes a
 *   covering index: it also carries every column the figures count, so that they are
 *   read by an index-only scan instead of fetching each case row. Same key as before, so
 *   it serves every query the old one did; keyed by unit first (not by time) so that it
 *   does not tempt the planner into walking the whole table newest-first for a list.
 * - `escalations_escalated_case_idx`: the cases that were ever escalated (上报), for
 *   the escalation rate, without reading the escalation rows.
 */
export class IndexCaseFiguresByRegistrationPeriod1764140900000 implements MigrationInterface {
  name = 'IndexCaseFiguresByRegistrationPeriod1764140900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX cases_registered_unit_created_idx');
    await db.query(
      `CREATE INDEX cases_registered_unit_created_idx ON cases (registered_unit_id, created_at)
       INCLUDE (id, held_unit_ids, state, outcome, screened_at, accepted_at, closed_at, closed_on_time,
                registered_level, resolved_level, overdue, type, level, track)`,
    );
    await db.query(
      `CREATE INDEX escalations_escalated_case_idx ON escalations (case_id) WHERE kind = 'ESCALATE'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX escalations_escalated_case_idx');
    await db.query('DROP INDEX cases_registered_unit_created_idx');
    await db.query(
      'CREATE INDEX cases_registered_unit_created_idx ON cases (registered_unit_id, created_at)',
    );
  }
}
