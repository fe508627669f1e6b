import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 信访工作条例 §31's 建议意见类 is `proposal` in the API contract (API.md, Additions); issue 19
 * shipped it as `suggestion`. The column and the petitions' snapshots take the contract's
 * name. Their events stay as written (they are hash-chained); the timeline reads the old name.
 */
export class NamePetitionProposalsAsTheContractDoes1764200400000 implements MigrationInterface {
  name = 'NamePetitionProposalsAsTheContractDoes1764200400000';

  async up(db: QueryRunner): Promise<void> {
    await this.rename(db, 'suggestion', 'proposal');
  }

  async down(db: QueryRunner): Promise<void> {
    await this.rename(db, 'proposal', 'suggestion');
  }

  private async rename(db: QueryRunner, from: string, to: string): Promise<void> {
    await db.query('ALTER TABLE petitions DROP CONSTRAINT IF EXISTS petitions_category_check');
    await db.query(
      `UPDATE petitions SET category = $2::text,
         snapshot = jsonb_set(snapshot, '{context,category}', to_jsonb($2::text))
       WHERE category = $1::text`,
      [from, to],
    );
    await db.query(
      `ALTER TABLE petitions ADD CONSTRAINT petitions_category_check
         CHECK (category IN ('${to}', 'complaint', 'claim'))`,
    );
  }
}
