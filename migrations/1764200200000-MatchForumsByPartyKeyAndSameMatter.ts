import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One forum per dispute (DOMAIN.md), checked on every path that opens or accepts a case:
 *
 * - `parties_case_party_key_idx`: the forum check looks case parties up by their party key
 *   (`partyKeySql`, src/cases/party-key.ts: the ID-number hash, else `name:` and the name
 *   hash), whatever their role; an expression index on exactly that expression, for the
 *   parties of cases (petitioners are matched elsewhere).
 * - `cases.same_matter_case_id`: the case a user confirmed this dispute is the same matter
 *   as (a link across types: the matter matches by type, or by this link), indexed for the
 *   reverse look-up (the cases that name the one being accepted).
 */
export class MatchForumsByPartyKeyAndSameMatter1764200200000 implements MigrationInterface {
  name = 'MatchForumsByPartyKeyAndSameMatter1764200200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX parties_case_party_key_idx ON parties ((COALESCE(id_number_hash, 'name:' || name_hash)), case_id)
       WHERE case_id IS NOT NULL`,
    );
    await db.query('ALTER TABLE cases ADD COLUMN same_matter_case_id uuid REFERENCES cases (id)');
    await db.query(
      'CREATE INDEX cases_same_matter_idx ON cases (same_matter_case_id) WHERE same_matter_case_id IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX cases_same_matter_idx');
    await db.query('ALTER TABLE cases DROP COLUMN same_matter_case_id');
    await db.query('DROP INDEX parties_case_party_key_idx');
  }
}
