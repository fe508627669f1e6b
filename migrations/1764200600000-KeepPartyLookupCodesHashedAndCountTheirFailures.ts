import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The parties' progress lookup (issue 20, src/tracking):
 *
 * - `lookup_codes`: one row per case or petition that has a 查询码 — the code only as a keyed
 *   hash (HMAC-SHA-256 under a key derived from DATA_KEY, never in clear), when and by whom it
 *   was issued, and whether the lookup is on (a lookup turned off before any code was issued
 *   has a row with no hash). A new code overwrites the hash: the old one ends.
 *   No foreign key to the subject (cases and petitions are two tables); a subject is never
 *   deleted.
 * - `lookup_failures`: failed lookups counted per address (an IPv6 /64) and per number typed,
 *   in a window, so that several instances throttle alike (src/tracking/lookup-throttle.ts).
 */
export class KeepPartyLookupCodesHashedAndCountTheirFailures1764200600000 implements MigrationInterface {
  name = 'KeepPartyLookupCodesHashedAndCountTheirFailures1764200600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE lookup_codes (
        subject_type varchar(16) NOT NULL CHECK (subject_type IN ('case', 'petition')),
        subject_id uuid NOT NULL,
        code_hash char(64),
        issued_at timestamptz,
        issued_by uuid REFERENCES users(id),
        lookup_enabled boolean NOT NULL DEFAULT true,
        enabled_changed_at timestamptz,
        PRIMARY KEY (subject_type, subject_id)
      )`);
    await db.query(`
      CREATE TABLE lookup_failures (
        scope varchar(16) NOT NULL CHECK (scope IN ('address', 'number')),
        key varchar(64) NOT NULL,
        failures integer NOT NULL CHECK (failures > 0),
        window_started_at timestamptz NOT NULL,
        last_failed_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      )`);
    await db.query('CREATE INDEX lookup_failures_last_failed_at_idx ON lookup_failures (last_failed_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE lookup_failures');
    await db.query('DROP TABLE lookup_codes');
  }
}
