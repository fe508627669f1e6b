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
 *   delivered on its day).
 * - a petition under review or after it stayed, before, at the unit that replied, whose
 *   supervisors then decided its own review. It now moves where §35/§36 send it: the unit
 *   that held it is recorded as the one that replied, the review goes to its parent and a
 *   recheck to the parent's parent (each only if active), which now hold the petition. Where
 *   there is no active unit above, the petition stays, but the unit whose opinion is reviewed
 *   is still recorded, so its supervisors cannot decide the review (policy).
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
    await this.sendReviewsUp(db);
    await db.query(
      `UPDATE petitions SET machine_version = 2, snapshot = jsonb_set(snapshot, '{context}',
         (snapshot -> 'context') || jsonb_build_object(
           'category', 'claim',
           'conclusionDueOn', due_dates #> '{conclusion,due}',
           'opinionGivenOn', COALESCE(due_dates #> '{recheckRequest,startedOn}', due_dates #> '{reviewRequest,startedOn}'),
           'deliveredOn', COALESCE(due_dates #> '{recheckRequest,startedOn}', due_dates #> '{reviewRequest,startedOn}'),
           'deliveryRecorded', false,
           'repliedByUnitId', snapshot #> '{context,repliedByUnitId}',
           'reviewUnitId', snapshot #> '{context,reviewUnitId}',
           'recheckUnitId', snapshot #> '{context,recheckUnitId}',
           'final', final_on IS NOT NULL))
       WHERE machine_version = 1`,
    );
    await db.query('CREATE INDEX petitions_final_idx ON petitions (district_id) WHERE final_on IS NOT NULL');
  }

  /** §35, §36: the review levels of the petitions under (or after) review, still of version 1. */
  private async sendReviewsUp(db: QueryRunner): Promise<void> {
    await db.query(
      `WITH levels AS (
         SELECT p.id, p.state, p.holding_unit_id AS replied,
                CASE WHEN up1.active THEN up1.id END AS review_unit,
                CASE WHEN up1.active AND up2.active THEN up2.id END AS recheck_unit
           FROM petitions p
           JOIN units u ON u.id = p.holding_unit_id
           LEFT JOIN units up1 ON up1.id = u.parent_id
           LEFT JOIN units up2 ON up2.id = up1.parent_id
          WHERE p.machine_version = 1
            AND p.state IN ('accepted.review', 'accepted.reviewed', 'accepted.recheck', 'accepted.recheckHearing')
       ), moved AS (
         SELECT id, replied, review_unit,
                CASE WHEN state IN ('accepted.recheck', 'accepted.recheckHearing') THEN recheck_unit END AS recheck_unit,
                CASE WHEN state IN ('accepted.recheck', 'accepted.recheckHearing')
                     THEN COALESCE(recheck_unit, review_unit, replied)
                     ELSE COALESCE(review_unit, replied) END AS holding
           FROM levels
       )
       UPDATE petitions p SET
         holding_unit_id = m.holding,
         held_unit_ids = p.held_unit_ids
           || ARRAY(SELECT x FROM unnest(ARRAY[m.review_unit, m.recheck_unit]) AS x
                     WHERE x IS NOT NULL AND x <> ALL (p.held_unit_ids)),
         snapshot = jsonb_set(p.snapshot, '{context}', (p.snapshot -> 'context') || jsonb_build_object(
           'holdingUnitId', m.holding,
           'repliedByUnitId', m.replied,
           'reviewUnitId', m.review_unit,
           'recheckUnitId', m.recheck_unit))
       FROM moved m WHERE p.id = m.id`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX petitions_final_idx');
    // version 1 kept a petition under review at the unit that replied
    await db.query(
      `UPDATE petitions SET holding_unit_id = (snapshot #>> '{context,repliedByUnitId}')::uuid,
         snapshot = jsonb_set(snapshot, '{context,holdingUnitId}', snapshot #> '{context,repliedByUnitId}')
       WHERE state IN ('accepted.review', 'accepted.reviewed', 'accepted.recheck', 'accepted.recheckHearing')
         AND snapshot #>> '{context,repliedByUnitId}' IS NOT NULL`,
    );
    await db.query(
      `UPDATE petitions SET machine_version = 1, snapshot = jsonb_set(snapshot, '{context}',
         (snapshot -> 'context') - 'category' - 'conclusionDueOn' - 'opinionGivenOn' - 'deliveredOn'
           - 'deliveryRecorded' - 'repliedByUnitId' - 'reviewUnitId' - 'recheckUnitId' - 'final')`,
    );
    await db.query('ALTER TABLE petitions DROP COLUMN final_on');
    await db.query('ALTER TABLE petitions DROP COLUMN category');
  }
}
