import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found by the city-scale benchmark (test/bench): a search for a two-character Chinese
 * term (工资, 漏水, 春晓) cannot use the trigram indexes (pg_trgm needs three characters),
 * so it matched every case in the caller's scope with ILIKE, and probed each one's
 * parties. pg_bigm is not shipped with PostgreSQL, so:
 *
 * - `text_bigrams(text)`: the distinct pairs of adjacent characters of the lower-cased
 *   text. ILIKE compares lower-cased text too, so every bigram of a term a text contains
 *   is one of the text's bigrams: `text_bigrams(text) @> text_bigrams(term)` is a
 *   necessary condition, and the ILIKE stays as the exact check.
 * - `cases.search_bigrams`: the bigrams of what the case search reads (number, title and
 *   facts: the expression of `cases_search_trgm`), stored, with a GIN index. Stored, not
 *   an index on the expression: the function costs ≈ 0.1 ms a row, and PostgreSQL
 *   evaluates an indexed expression again for every row of a bitmap page it could not
 *   keep exact (a frequent bigram such as 工资 is in one case of seven) — thousands of
 *   rows per search. Adding the column rewrites the table once (≈ 2 minutes at 1,000,000
 *   cases, the table locked meanwhile).
 * - `parties_name_bigrams`: the same over party names, an expression index (names are
 *   short, and the search reads at most a bounded number of them, see CaseRepository).
 */
export class IndexCaseSearchByCharacterBigrams1764141000000 implements MigrationInterface {
  name = 'IndexCaseSearchByCharacterBigrams1764141000000';

  async up(db: QueryRunner): Promise<void> {
    // characters split once and paired with the next one: linear in the text's length
    // (substr per position is quadratic on multibyte text)
    await db.query(`
      CREATE FUNCTION text_bigrams(body text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY(
        SELECT DISTINCT pair.ch || pair.next
        FROM (SELECT ch, lead(ch) OVER (ORDER BY position) AS next
              FROM unnest(regexp_split_to_array(lower(body), '')) WITH ORDINALITY AS chars(ch, position)) AS pair
        WHERE pair.next IS NOT NULL)`);
    await db.query(
      `ALTER TABLE cases ADD COLUMN search_bigrams text[]
       GENERATED ALWAYS AS (text_bigrams(number || ' ' || title || ' ' || description)) STORED`,
    );
    await db.query('CREATE INDEX cases_search_bigrams ON cases USING gin (search_bigrams)');
    await db.query('CREATE INDEX parties_name_bigrams ON parties USING gin (text_bigrams(name))');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX parties_name_bigrams');
    await db.query('ALTER TABLE cases DROP COLUMN search_bigrams');
    await db.query('DROP FUNCTION text_bigrams(text)');
  }
}
