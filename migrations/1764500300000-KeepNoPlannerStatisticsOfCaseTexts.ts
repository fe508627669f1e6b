import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (the events' latency tail): ANALYZE of `cases` — which autovacuum runs after every
 * tenth of the table has changed — read and summarised the four widest columns as well: the
 * statechart snapshot (≈ 820 bytes a row), the deadline reading (≈ 360), the description (long
 * ones are TOASTed, and read back for the sample) and the title. No query filters, joins or sorts
 * on them in a way the planner estimates from column statistics (the deadline's `->>'paused'` and
 * the title's `similarity()` are expressions: their selectivity is the planner's default either
 * way), so they are left out: at 100,000 cases ANALYZE cases took 1.34–1.38 s of a core, and 0.78–0.85 s
 * without them. That is work taken from the mediators' requests on a two-core machine while it runs.
 */
const columns = ['snapshot', 'deadline', 'description', 'title'];

export class KeepNoPlannerStatisticsOfCaseTexts1764500300000 implements MigrationInterface {
  name = 'KeepNoPlannerStatisticsOfCaseTexts1764500300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE cases ${columns.map((column) => `ALTER COLUMN ${column} SET STATISTICS 0`).join(', ')}`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    // -1: the server's default_statistics_target again
    await db.query(
      `ALTER TABLE cases ${columns.map((column) => `ALTER COLUMN ${column} SET STATISTICS -1`).join(', ')}`,
    );
  }
}
