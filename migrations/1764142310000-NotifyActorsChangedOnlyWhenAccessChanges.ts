import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the actor cache keeps of a user (src/auth/actor-loader.ts): a change to any of it is news. */
const userColumnsKept = [
  'username',
  'display_name',
  'role',
  'unit_id',
  'locale',
  'active',
  'password_hash',
  'must_change_password',
  'password_changed_at',
];
/** What makes a token work or not. */
const tokenColumnsKept = ['user_id', 'token_hash', 'expires_at', 'revoked_at'];

const changed = (columns: string[]) =>
  columns.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(' OR ');

/**
 * `actors_changed` (migration 1764141500000) fired after any UPDATE of `users` or
 * `api_tokens`, whatever it changed; now an update says so only when it changes what the
 * cache holds: who the user is, their role, unit, language, whether they are active,
 * their password (and must-change flag); a token's owner, expiry or revocation. A row
 * trigger with a WHEN clause, so an update that changes none of these (an e-mail
 * address, `updated_at`, a token's `last_used_at`) says nothing; PostgreSQL delivers one
 * notice per transaction however many rows changed (identical payloads are folded).
 * Deletes and truncates still always notify; `units` is unchanged (any change to a unit
 * may change what its users see).
 */
export class NotifyActorsChangedOnlyWhenAccessChanges1764142310000 implements MigrationInterface {
  name = 'NotifyActorsChangedOnlyWhenAccessChanges1764142310000';

  async up(db: QueryRunner): Promise<void> {
    for (const [table, columns] of [
      ['users', userColumnsKept],
      ['api_tokens', tokenColumnsKept],
    ] as const) {
      await db.query(`DROP TRIGGER ${table}_notify_actors_changed ON ${table}`);
      await db.query(
        `CREATE TRIGGER ${table}_update_notify_actors_changed AFTER UPDATE ON ${table}
         FOR EACH ROW WHEN (${changed(columns)}) EXECUTE FUNCTION notify_actors_changed()`,
      );
      await db.query(
        `CREATE TRIGGER ${table}_delete_notify_actors_changed AFTER DELETE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION notify_actors_changed()`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['users', 'api_tokens']) {
      await db.query(`DROP TRIGGER ${table}_delete_notify_actors_changed ON ${table}`);
      await db.query(`DROP TRIGGER ${table}_update_notify_actors_changed ON ${table}`);
      await db.query(
        `CREATE TRIGGER ${table}_notify_actors_changed AFTER UPDATE OR DELETE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION notify_actors_changed()`,
      );
    }
  }
}
