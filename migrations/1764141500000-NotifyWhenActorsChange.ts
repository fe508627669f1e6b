import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The app keeps who is behind a token or a session in memory between requests
 * (src/auth/actor-cache.ts). What it keeps is read from `users`, `api_tokens` and `units`;
 * after any statement that changes, deletes or truncates rows there (a token revoked, a
 * user deactivated, a role, a password flag or a unit changed), these triggers say NOTIFY
 * `actors_changed`, delivered at commit to every app process listening, which then
 * forgets all it holds. New rows need no notice (nothing was kept about them).
 */
export class NotifyWhenActorsChange1764141500000 implements MigrationInterface {
  name = 'NotifyWhenActorsChange1764141500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE FUNCTION notify_actors_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('actors_changed', TG_TABLE_NAME);
         RETURN NULL;
       END $$`,
    );
    for (const table of ['users', 'api_tokens', 'units']) {
      await db.query(
        `CREATE TRIGGER ${table}_notify_actors_changed AFTER UPDATE OR DELETE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION notify_actors_changed()`,
      );
      await db.query(
        `CREATE TRIGGER ${table}_truncate_notify_actors_changed AFTER TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION notify_actors_changed()`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['users', 'api_tokens', 'units']) {
      await db.query(`DROP TRIGGER ${table}_truncate_notify_actors_changed ON ${table}`);
      await db.query(`DROP TRIGGER ${table}_notify_actors_changed ON ${table}`);
    }
    await db.query('DROP FUNCTION notify_actors_changed()');
  }
}
