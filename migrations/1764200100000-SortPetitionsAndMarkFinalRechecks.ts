import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Petitions by the 2022 regulations (信访工作条例), issue 19:
 *
 * - `category`: what the petition asks for (§31): 建议意见类 `suggestion`, 检举控告类
 *   `complaint`, 申诉求决类 `claim`. Only claims are concluded within 60 days (§34). The
 *   petitions registered before were all counted as claims, so they stay claims.
 * - `final_on`: the day a recheck (复核) decided the petition; the decision is final and the
 *   same matter is not accepted again (§36). Found again from the chain for those closed so.
 * - the statechart (version 2) keeps, in its snapshot, the category, the conclusion date,
 *   the day each opinion was given and delivered, and the units of the review levels; the
 *   dates are taken from the clocks the petition already has (a reply was taken as
 *   delivered on its day), the review units stay unknown (the petition stayed where it was).
 */
export class SortPetitionsAndMarkFinalRechecks1764200100000 implements MigrationInterface {
  name = 'SortPetitionsAndMarkFinalRechecks1764200100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE petitions ADD COLUMN category varchar(16) NOT NULL DEFAULT 'claim'
         CHECK (category IN ('suggestion', 'complaint', 'claim'))`,
    );
    await db.query('ALTER TABLE petitions ADD COLUMN final_on date');
    await db.query(
      `UPDATE petitions p SET final_on = (
         SELECT (e.at AT TIME ZONE 'Asia/Shanghai')::date FROM petition_events e
         WHERE e.petition_id = p.id AND e.type = 'RECHECK_DECIDED' ORDER BY e.seq DESC LIMIT 1)
       WHERE p.state = 'closed'`,
    );
    await db.query(
      `UPDATE petitions SET machine_version = 2, snapshot = jsonb_set(snapshot, '{context}',
         (snapshot -> 'context') || jsonb_build_object(
           'category', 'claim',
           'conclusionDueOn', due_dates #> '{conclusion,due}',
           'opinionGivenOn', COALESCE(due_dates #> '{recheckRequest,startedOn}', due_dates #> '{reviewRequest,startedOn}'),
           'deliveredOn', COALESCE(due_dates #> '{recheckRequest,startedOn}', due_dates #> '{reviewRequest,startedOn}'),
           'repliedByUnitId', NULL,
           'reviewUnitId', NULL,
           'recheckUnitId', NULL,
           'final', final_on IS NOT NULL))
       WHERE machine_version = 1`,
    );
    await db.query('CREATE INDEX petitions_final_idx ON petitions (district_id) WHERE final_on IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX petitions_final_idx');
    await db.query(
      `UPDATE petitions SET machine_version = 1, snapshot = jsonb_set(snapshot, '{context}',
         (snapshot -> 'context') - 'category' - 'conclusionDueOn' - 'opinionGivenOn' - 'deliveredOn'
           - 'repliedByUnitId' - 'reviewUnitId' - 'recheckUnitId' - 'final')`,
    );
    await db.query('ALTER TABLE petitions DROP COLUMN final_on');
    await db.query('ALTER TABLE petitions DROP COLUMN category');
  }
}
