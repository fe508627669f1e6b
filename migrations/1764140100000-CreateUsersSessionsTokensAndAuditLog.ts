import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity and access: users (argon2id hashes, lockout counters), browser sessions
 * (the connect-pg-simple table), hashed API tokens, and the append-only audit log.
 */
export class CreateUsersSessionsTokensAndAuditLog1764140100000 implements MigrationInterface {
  name = 'CreateUsersSessionsTokensAndAuditLog1764140100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(64) NOT NULL,
        display_name varchar(100) NOT NULL,
        email varchar(254),
        role varchar(20) NOT NULL CHECK (role IN ('admin', 'supervisor', 'mediator', 'petition_agent')),
        unit_id uuid NOT NULL REFERENCES units(id),
        locale varchar(8) NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        active boolean NOT NULL DEFAULT true,
        password_hash text NOT NULL,
        must_change_password boolean NOT NULL DEFAULT false,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        failed_login_count integer NOT NULL DEFAULT 0,
        failed_login_window_started_at timestamptz,
        locked_until timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE UNIQUE INDEX users_username_key ON users (lower(username))');
    await db.query('CREATE INDEX users_unit_id_idx ON users (unit_id)');

    // the table connect-pg-simple expects (its table.sql), under our own name
    await db.query(`
      CREATE TABLE user_sessions (
        sid varchar NOT NULL PRIMARY KEY,
        sess json NOT NULL,
        expire timestamp(6) NOT NULL
      )`);
    await db.query('CREATE INDEX user_sessions_expire_idx ON user_sessions (expire)');

    await db.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        token_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await db.query('CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash)');
    await db.query('CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id)');

    await db.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid REFERENCES users(id),
        actor_username varchar(64),
        ip varchar(64),
        action varchar(64) NOT NULL,
        target_type varchar(32),
        target_id varchar(64),
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query('CREATE INDEX audit_log_at_idx ON audit_log (at DESC)');
    await db.query('CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC)');
    await db.query('CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at DESC)');
    // the audit log is append-only: history cannot be edited, even by the app's own role
    await db.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_log');
    await db.query('DROP FUNCTION audit_log_is_append_only()');
    await db.query('DROP TABLE api_tokens');
    await db.query('DROP TABLE user_sessions');
    await db.query('DROP TABLE users');
  }
}
