import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two dates the law counts from (issue 16):
 *
 * - `received_on`: the day the mediation organisation received the application. The labour
 *   mediation period runs from it (劳动争议调解仲裁法 §14), the health bureau's acceptance
 *   period too (医疗纠纷预防和处理条例 §40). Cases registered before this column existed were
 *   registered the day they came in: their registration day (Asia/Shanghai) is taken.
 * - `knew_on`: for labour disputes, the day the worker knew or should have known of the
 *   infringement, from which the one-year arbitration limitation runs (§27). Never after the
 *   application.
 */
export class RecordWhenApplicationsAreReceivedAndClaimsKnown1764142100000 implements MigrationInterface {
  name = 'RecordWhenApplicationsAreReceivedAndClaimsKnown1764142100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE cases ADD COLUMN received_on date');
    await db.query(`UPDATE cases SET received_on = (created_at AT TIME ZONE 'Asia/Shanghai')::date`);
    await db.query('ALTER TABLE cases ALTER COLUMN received_on SET NOT NULL');
    await db.query('ALTER TABLE cases ADD COLUMN knew_on date');
    await db.query(
      'ALTER TABLE cases ADD CONSTRAINT cases_knew_before_application CHECK (knew_on IS NULL OR knew_on <= received_on)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE cases DROP CONSTRAINT cases_knew_before_application');
    await db.query('ALTER TABLE cases DROP COLUMN knew_on');
    await db.query('ALTER TABLE cases DROP COLUMN received_on');
  }
}
