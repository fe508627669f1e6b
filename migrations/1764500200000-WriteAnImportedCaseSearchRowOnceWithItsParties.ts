import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (the historic import): a case's search row (`case_search`, migration 1764400210000)
 * was written twice — by the cases' statement trigger, without the parties' names, then again by
 * the parties' statement trigger, with them: twice the text and its grams built, and a second GIN
 * entry set for every imported case. A write path that inserts the parties right after the cases
 * now says so (`grand_mediation.parties_follow` = on, for those statements only, see
 * `CaseImportRepository.insertCasesWithParties`): the cases' trigger leaves the row to the
 * parties' trigger, and the path writes the rows of any case that had no party itself.
 */
export class WriteAnImportedCaseSearchRowOnceWithItsParties1764500200000 implements MigrationInterface {
  name = 'WriteAnImportedCaseSearchRowOnceWithItsParties1764500200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION cases_refresh_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('grand_mediation.parties_follow', true) IS DISTINCT FROM 'on' THEN
          PERFORM refresh_case_search(ARRAY(SELECT id FROM added));
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION cases_refresh_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_case_search(ARRAY(SELECT id FROM added));
        RETURN NULL;
      END $$`);
  }
}
