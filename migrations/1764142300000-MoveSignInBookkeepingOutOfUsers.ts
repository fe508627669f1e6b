import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in bookkeeping leaves `users` (issue 17): every sign-in wrote its user row, which
 * fired the `actors_changed` notice and emptied every process's cache of who is calling.
 *
 * - `user_sign_ins`: when each account last signed in (was `users.last_login_at`).
 * - `sign_in_failures`: failed sign-ins counted per (name typed, address) and per address,
 *   for throttling (src/auth/sign-in-throttle.ts); it replaces the per-account lock
 *   (`failed_login_count`, `failed_login_window_started_at`, `locked_until`), which anyone
 *   could use to keep an owner out. The name is kept as a SHA-256 of its lower-case form
 *   (people sometimes type their password in the name field); a per-address row has ''.
 */
export class MoveSignInBookkeepingOutOfUsers1764142300000 implements MigrationInterface {
  name = 'MoveSignInBookkeepingOutOfUsers1764142300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE user_sign_ins (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        last_signed_in_at timestamptz NOT NULL
      )`);
    await db.query(`
      INSERT INTO user_sign_ins (user_id, last_signed_in_at)
      SELECT id, last_login_at FROM users WHERE last_login_at IS NOT NULL`);
    await db.query(`
      CREATE TABLE sign_in_failures (
        account_key varchar(64) NOT NULL,
        address varchar(64) NOT NULL,
        failures integer NOT NULL CHECK (failures > 0),
        window_started_at timestamptz NOT NULL,
        last_failed_at timestamptz NOT NULL,
        refused_until timestamptz,
        PRIMARY KEY (address, account_key)
      )`);
    // old rows are pruned by when they last failed
    await db.query('CREATE INDEX sign_in_failures_last_failed_at_idx ON sign_in_failures (last_failed_at)');
    await db.query(`
      ALTER TABLE users
        DROP COLUMN failed_login_count,
        DROP COLUMN failed_login_window_started_at,
        DROP COLUMN locked_until,
        DROP COLUMN last_login_at`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE users
        ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0,
        ADD COLUMN failed_login_window_started_at timestamptz,
        ADD COLUMN locked_until timestamptz,
        ADD COLUMN last_login_at timestamptz`);
    await db.query(`
      UPDATE users SET last_login_at = s.last_signed_in_at FROM user_sign_ins s WHERE s.user_id = users.id`);
    // the throttle's counters have no equivalent in the old lock: they are dropped
    await db.query('DROP TABLE sign_in_failures');
    await db.query('DROP TABLE user_sign_ins');
  }
}
