import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found by the city-scale benchmark (test/bench): two of the three statistics queries
 * (`StatsRepository.handOffFigures`, `agreementCounts`) need of the selected cases only
 * their ids and the units that held them, yet read them from the index that covers every
 * figure (`cases_registered_unit_created_idx`, fourteen included columns), deforming each
 * wide entry — three such reads of a district-year's ≈ 90,000 cases per request at
 * 1,000,000 cases. This narrow index serves those reads index-only: the statistics for a
 * district-year at 1M, p50 168 → 143 ms, p95 ≈ 200 → 170–183 ms on the benchmark's host.
 * It costs ≈ 100 MB at 1M cases and one more entry per case write.
 */
export class IndexCaseSelectionForHandOffFigures1764141800000 implements MigrationInterface {
  name = 'IndexCaseSelectionForHandOffFigures1764141800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE INDEX cases_registered_unit_created_ids_idx ON cases (registered_unit_id, created_at) INCLUDE (id, held_unit_ids)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX cases_registered_unit_created_ids_idx');
  }
}
