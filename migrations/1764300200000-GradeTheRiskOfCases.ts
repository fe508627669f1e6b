import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case's risk grade (风险等级), 1 (low) to 4 (highest), the scale conflict screening grades
 * its items by; optional at intake, changed by SET_RISK_GRADE. Null: not graded. Lists filter
 * by it (`?riskGrade=`), within a district: the partial index holds only graded cases.
 */
export class GradeTheRiskOfCases1764300200000 implements MigrationInterface {
  name = 'GradeTheRiskOfCases1764300200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'ALTER TABLE cases ADD COLUMN risk_grade smallint CONSTRAINT cases_risk_grade_range CHECK (risk_grade BETWEEN 1 AND 4)',
    );
    await db.query(
      'CREATE INDEX cases_district_risk_grade_idx ON cases (district_id, risk_grade) WHERE risk_grade IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX cases_district_risk_grade_idx');
    await db.query('ALTER TABLE cases DROP COLUMN risk_grade');
  }
}
