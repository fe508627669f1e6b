import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case statechart reads three more rules from the excerpt each case carries in its
 * snapshot (`context.rules`, copied at registration), and counts agreed extensions:
 *
 * - `extendableTracks`: medical people's mediation may be extended by agreement
 *   (医疗纠纷预防和处理条例 §38) — `["people"]` for medical cases;
 * - `arbitrationOnceExpiredTracks`: once the labour period has run out a party may go to
 *   arbitration (劳动争议调解仲裁法 §14) — `["people", "administrative"]` for labour;
 * - `departmentDecidesAcceptance`: the health bureau decides whether it accepts a medical
 *   case transferred to it (§40) — true for medical;
 * - `extensionsAgreed`: 0.
 *
 * Written here as the version-1 rules tables say them, once, for cases registered before;
 * new cases get them from `caseRulesExcerpt(rules)`.
 */
export class GiveCaseSnapshotsTheRulesTheirStatechartNowReads1764142120000 implements MigrationInterface {
  name = 'GiveCaseSnapshotsTheRulesTheirStatechartNowReads1764142120000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE cases SET snapshot = jsonb_set(
         jsonb_set(snapshot, '{context,extensionsAgreed}', '0'::jsonb),
         '{context,rules}',
         (snapshot #> '{context,rules}') || jsonb_build_object(
           'extendableTracks', CASE WHEN type = 'medical' THEN '["people"]'::jsonb ELSE '[]'::jsonb END,
           'arbitrationOnceExpiredTracks',
             CASE WHEN type = 'labour' THEN '["people", "administrative"]'::jsonb ELSE '[]'::jsonb END,
           'departmentDecidesAcceptance', type = 'medical'))
       WHERE NOT (snapshot #> '{context,rules}') ? 'extendableTracks'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE cases SET snapshot = snapshot #- '{context,extensionsAgreed}'
         #- '{context,rules,extendableTracks}' #- '{context,rules,arbitrationOnceExpiredTracks}'
         #- '{context,rules,departmentDecidesAcceptance}'`,
    );
  }
}
