import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keyed audit chains (issue 17):
 *
 * - `digest` on both event logs: the public SHA-256 chain — what the hash was before it
 *   was keyed — that a signed checkpoint records (the keyed hash stays in `hash`). Filled,
 *   and every stored hash re-keyed, by the app at its next start (`ChainKeyingService`):
 *   the key lives in the app's configuration, never in the database, so SQL cannot do it;
 * - `audit_chain_keyings`: the record that the chains were re-keyed (when, how many,
 *   which chains were already broken, the key's fingerprint), so that it happens once and
 *   a start with another key is refused. Append-only, like the logs it vouches for.
 */
export class AddChainDigestsAndKeyingRecord1764142200000 implements MigrationInterface {
  name = 'AddChainDigestsAndKeyingRecord1764142200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE case_events ADD COLUMN digest char(64)');
    await db.query('ALTER TABLE petition_events ADD COLUMN digest char(64)');

    await db.query(`
      CREATE TABLE audit_chain_keyings (
        id serial PRIMARY KEY,
        keyed_at timestamptz NOT NULL DEFAULT now(),
        method varchar(40) NOT NULL,
        key_fingerprint char(16) NOT NULL,
        case_chains integer NOT NULL,
        petition_chains integer NOT NULL,
        events bigint NOT NULL,
        broken jsonb NOT NULL DEFAULT '[]'
      )`);
    await db.query(`
      CREATE TRIGGER audit_chain_keyings_append_only BEFORE UPDATE OR DELETE ON audit_chain_keyings
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_chain_keyings');
    // the digests are the unkeyed chain the code before this migration checks: they become the hashes again
    for (const [table, owner] of [
      ['case_events', 'case_id'],
      ['petition_events', 'petition_id'],
    ]) {
      await db.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
      await db.query(`
        UPDATE ${table} e
           SET hash = e.digest,
               prev_hash = coalesce((SELECT p.digest FROM ${table} p WHERE p.${owner} = e.${owner} AND p.seq = e.seq - 1),
                                    repeat('0', 64))
         WHERE e.digest IS NOT NULL`);
      await db.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN digest`);
    }
  }
}
