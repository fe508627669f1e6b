import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found by the city-scale benchmark (test/bench): the historic import spent most of its
 * time in PostgreSQL computing `cases.search_bigrams` (a stored generated column, see
 * migration IndexCaseSearchByCharacterBigrams) — `text_bigrams` split the text with a
 * regular expression, paired the characters with a window function and sorted them for
 * DISTINCT: ≈ 0.2 ms for a 220-character text, ≈ 4 s of a 19,796-row import. The same
 * pairs now come from one loop over the characters (`string_to_array(text, NULL)`):
 * ≈ 0.09 ms. Repeated pairs are no longer removed: GIN indexes a row's keys once each,
 * and every use is a containment test (`@>`), whose answer a repeat does not change —
 * so the rows and index entries made by the old function answer every query as before,
 * and nothing is rewritten.
 */
export class PairCharactersInOneLoop1764141600000 implements MigrationInterface {
  name = 'PairCharactersInOneLoop1764141600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION text_bigrams(body text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        chars text[] := string_to_array(lower(body), NULL);
        pairs text[] := '{}';
      BEGIN
        FOR i IN 1 .. cardinality(chars) - 1 LOOP
          pairs := pairs || (chars[i] || chars[i + 1]);
        END LOOP;
        RETURN pairs;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION text_bigrams(body text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY(
        SELECT DISTINCT pair.ch || pair.next
        FROM (SELECT ch, lead(ch) OVER (ORDER BY position) AS next
              FROM unnest(regexp_split_to_array(lower(body), '')) WITH ORDINALITY AS chars(ch, position)) AS pair
        WHERE pair.next IS NOT NULL)`);
  }
}
