import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22: the case search moves off the case row, takes one-character terms and the
 * caller's scope into its index.
 *
 * - Off the row: `cases.search_bigrams` was a stored generated column with a GIN index, and
 *   `cases_search_trgm` a trigram GIN index over the same text. Every event updates its case
 *   (a non-HOT update: `updated_at` is indexed), so each one recomputed the bigrams and wrote
 *   both GIN entry sets anew though the text had not changed. `case_search` holds the searched
 *   text, lower-cased (number, title, facts, then each party's name after a U+001F separator,
 *   which no term contains, so no match spans two of them) and its grams; lower-cased once
 *   here, the search's exact test is `body LIKE lower(pattern)`, which is what ILIKE computes
 *   on every row it tests; triggers write it only when
 *   one of those changes (cases: UPDATE OF number, title, description; parties: insert,
 *   delete, UPDATE OF name or case_id). Neither index on `cases` is read any more: dropped.
 * - One character: `text_grams` is the characters and the pairs of adjacent characters
 *   (lower-cased), so 张 is one GIN key instead of a probe of every case's text and parties.
 * - The scope: `scopes` is every unit that held the case and its ancestors below the
 *   district, in the same GIN index, so a sub-centre's or a workstation's search intersects
 *   its term with its scope in the index instead of testing a whole scope's or a whole
 *   term's cases. It is rewritten when `held_unit_ids` changes (a hand-off), which events
 *   that hand nothing on never do.
 *
 * Measured at 1,000,000 cases (the benchmark's held database, the search run directly, the
 * machine shared, load 7–11): the street sub-centre's q=张 2,680 → 24 ms (p50), q=工资
 * 139 → 34 ms, the workstation's q=工资 12 → 7 ms, the district's q=拖欠工资 66 → 41 ms; an
 * event-like UPDATE of a case (snapshot, version, updated_at) 0.55 → 0.37 ms. The backfill
 * took 178 s and the index 191 s there (maintenance_work_mem 512MB). A per-scope ordered
 * table (unit, created_at, number, case) kept by a trigger was tried for the sub-centre's
 * list and dropped: its walk (nested loop into cases, planned in parallel) was slower than
 * walking `cases_created_at_idx` (a page of track=people&type=family 19–40 ms against 13–16 ms).
 */
export class SearchCasesFromASideTableWithSingleCharacters1764400210000 implements MigrationInterface {
  name = 'SearchCasesFromASideTableWithSingleCharacters1764400210000';

  async up(db: QueryRunner): Promise<void> {
    // the characters, then the pairs (as text_bigrams, migration PairCharactersInOneLoop)
    await db.query(`
      CREATE FUNCTION text_grams(body text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        chars text[] := string_to_array(lower(body), NULL);
        grams text[] := chars;
      BEGIN
        FOR i IN 1 .. cardinality(chars) - 1 LOOP
          grams := grams || (chars[i] || chars[i + 1]);
        END LOOP;
        RETURN grams;
      END $$`);
    // what a term must find among a text's grams: its pairs, or the character itself alone
    // (its single characters too would only add long posting lists to intersect)
    await db.query(`
      CREATE FUNCTION term_grams(term text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN CASE WHEN char_length(term) = 1 THEN ARRAY[lower(term)] ELSE text_bigrams(term) END`);
    await db.query(`
      CREATE TABLE case_search (
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        body text NOT NULL,
        grams text[] NOT NULL,
        scopes uuid[] NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION refresh_case_search(case_ids uuid[]) RETURNS void
      LANGUAGE sql VOLATILE AS $$
        INSERT INTO case_search (case_id, body, grams, scopes)
        SELECT c.id, t.body, text_grams(t.body), ARRAY(SELECT DISTINCT a.id FROM units hu JOIN units a ON a.path @> hu.path AND nlevel(a.path) >= 2
                     WHERE hu.id = ANY(c.held_unit_ids) ORDER BY a.id)
        FROM cases c
        CROSS JOIN LATERAL (SELECT lower(c.number || ' ' || c.title || ' ' || c.description
          || coalesce((SELECT string_agg(chr(31) || p.name, '' ORDER BY p.position, p.id)
                       FROM parties p WHERE p.case_id = c.id), '')) AS body) t
        WHERE c.id = ANY(case_ids)
        ON CONFLICT (case_id) DO UPDATE SET body = EXCLUDED.body, grams = EXCLUDED.grams, scopes = EXCLUDED.scopes
          WHERE (case_search.body, case_search.scopes) IS DISTINCT FROM (EXCLUDED.body, EXCLUDED.scopes)
      $$`);
    await db.query(`
      CREATE FUNCTION cases_refresh_search() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_case_search(ARRAY[NEW.id]);
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION parties_refresh_case_search() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM refresh_case_search(ARRAY(SELECT DISTINCT case_id FROM added WHERE case_id IS NOT NULL));
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM refresh_case_search(ARRAY(SELECT DISTINCT case_id FROM removed WHERE case_id IS NOT NULL));
        ELSE
          PERFORM refresh_case_search(ARRAY[OLD.case_id, NEW.case_id]);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION units_refresh_case_search() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- every case held anywhere in the moved unit's subtree: a sub-centre moved with its workstations
        -- changes their cases' ancestors too, and only this unit's own trigger (the last to fire, after
        -- its descendants' paths were rewritten) sees the finished tree
        PERFORM refresh_case_search(ARRAY(
          SELECT c.id FROM cases c
          WHERE c.held_unit_ids && ARRAY(SELECT u.id FROM units u WHERE u.path <@ NEW.path)));
        RETURN NULL;
      END $$`);

    // the backfill builds one GIN index over every case's 300–600 keys
    await db.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    await db.query(fillCaseSearchSql);
    await db.query('ALTER TABLE case_search ADD PRIMARY KEY (case_id)');
    await db.query(createCaseSearchIndexSql);

    // new cases once per statement: a historic import inserts 500 a statement, and a row trigger
    // ran the search row's INSERT once per case (the 19,796-row import of the benchmark: 7.8 → 16.8 s)
    await db.query(`
      CREATE FUNCTION cases_refresh_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_case_search(ARRAY(SELECT id FROM added));
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER cases_insert_search AFTER INSERT ON cases
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION cases_refresh_search_added()`);
    await db.query(`
      CREATE TRIGGER cases_update_search AFTER UPDATE OF number, title, description, held_unit_ids ON cases
      FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.title IS DISTINCT FROM NEW.title
        OR OLD.description IS DISTINCT FROM NEW.description OR OLD.held_unit_ids IS DISTINCT FROM NEW.held_unit_ids)
      EXECUTE FUNCTION cases_refresh_search()`);
    await db.query(`
      CREATE TRIGGER parties_insert_case_search AFTER INSERT ON parties
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION parties_refresh_case_search()`);
    await db.query(`
      CREATE TRIGGER parties_delete_case_search AFTER DELETE ON parties
      REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION parties_refresh_case_search()`);
    await db.query(`
      CREATE TRIGGER parties_update_case_search AFTER UPDATE OF name, case_id ON parties
      FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.case_id IS DISTINCT FROM NEW.case_id)
      EXECUTE FUNCTION parties_refresh_case_search()`);
    // parent_id too: the path a BEFORE trigger (units_set_path) sets is not a column the UPDATE names
    await db.query(`
      CREATE TRIGGER units_move_case_search AFTER UPDATE OF parent_id, path ON units
      FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
      EXECUTE FUNCTION units_refresh_case_search()`);

    await db.query('DROP INDEX cases_search_trgm');
    await db.query('DROP INDEX cases_search_bigrams');
    await db.query('ALTER TABLE cases DROP COLUMN search_bigrams');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE cases ADD COLUMN search_bigrams text[]
       GENERATED ALWAYS AS (text_bigrams(number || ' ' || title || ' ' || description)) STORED`,
    );
    await db.query('CREATE INDEX cases_search_bigrams ON cases USING gin (search_bigrams)');
    await db.query(
      `CREATE INDEX cases_search_trgm ON cases USING gin ((number || ' ' || title || ' ' || description) gin_trgm_ops)`,
    );
    for (const [trigger, table] of [
      ['units_move_case_search', 'units'],
      ['parties_update_case_search', 'parties'],
      ['parties_delete_case_search', 'parties'],
      ['parties_insert_case_search', 'parties'],
      ['cases_update_search', 'cases'],
      ['cases_insert_search', 'cases'],
    ])
      await db.query(`DROP TRIGGER ${trigger} ON ${table}`);
    await db.query('DROP FUNCTION units_refresh_case_search()');
    await db.query('DROP FUNCTION parties_refresh_case_search()');
    await db.query('DROP FUNCTION cases_refresh_search()');
    await db.query('DROP FUNCTION cases_refresh_search_added()');
    await db.query('DROP FUNCTION refresh_case_search(uuid[])');
    await db.query('DROP TABLE case_search');
    await db.query('DROP FUNCTION term_grams(text)');
    await db.query('DROP FUNCTION text_grams(text)');
  }
}

/**
 * Every case's search row at once (the backfill; the benchmark's loader, which loads with
 * triggers off): names and scopes aggregated in one pass each, the scopes from the few
 * (held unit → ancestor) pairs, hashed once.
 */
export const fillCaseSearchSql = `
  INSERT INTO case_search (case_id, body, grams, scopes)
  SELECT c.id, t.body, text_grams(t.body), coalesce(s.scopes, '{}')
  FROM cases c
  LEFT JOIN (SELECT p.case_id, string_agg(chr(31) || p.name, '' ORDER BY p.position, p.id) AS names
             FROM parties p WHERE p.case_id IS NOT NULL GROUP BY p.case_id) n ON n.case_id = c.id
  LEFT JOIN (SELECT h.id AS case_id, array_agg(DISTINCT up.ancestor_id ORDER BY up.ancestor_id) AS scopes
             FROM cases h CROSS JOIN LATERAL unnest(h.held_unit_ids) AS held(id)
             JOIN (SELECT hu.id AS unit_id, a.id AS ancestor_id
                   FROM units hu JOIN units a ON a.path @> hu.path AND nlevel(a.path) >= 2) up ON up.unit_id = held.id
             GROUP BY h.id) s ON s.case_id = c.id
  CROSS JOIN LATERAL (SELECT lower(c.number || ' ' || c.title || ' ' || c.description || coalesce(n.names, '')) AS body) t`;

export const createCaseSearchIndexSql =
  'CREATE INDEX case_search_gin ON case_search USING gin (grams, scopes)';
