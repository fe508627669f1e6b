import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The parties' columns a case's body shows (`viewPeopleSql` in src/cases/case-row.ts) and who owns the row. */
const partyColumnsShown = [
  'case_id',
  'role',
  'kind',
  'name',
  'id_number_masked',
  'phone_masked',
  'address',
  'representative',
  'position',
];

const changed = (columns: string[]) =>
  columns.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(' OR ');

/**
 * The app keeps the cases it last showed in memory (src/cases/case-view-cache.ts): the case
 * row, its parties, its linked petitions' agents and its mediator's name, as the case read of
 * `GET /api/v1/cases/:id` answers them. After any write that may change one of those, these
 * triggers say NOTIFY `case_views_changed` with the case's id (delivered at commit to every
 * app process listening, which forgets that case), or `*` when the change may touch any case
 * (a mediator renamed, a table truncated): every case is forgotten.
 *
 * - `cases`: any update or delete (an event, a sweep, a correction by hand alike);
 * - `parties`: a case's party added, removed, or changed in what the body shows (not its SMS
 *   consent or lookup code);
 * - `petition_case_links`: a petition linked or unlinked (its agent may see the case);
 * - `petitions`: its agent changed (the linked cases' access);
 * - `users`: a display name changed (the body names its mediator).
 *
 * A new case needs no notice: nothing was kept about it. PostgreSQL folds identical payloads
 * within a transaction, so several statements on one case make one notice.
 *
 * A workflow event's transaction says its case's notice itself, in a transaction of its own
 * after its commit (`Transactions.runBracketed`): NOTIFY inside it would serialise every
 * event's commit with its WAL flush. It tells the `cases` trigger so by setting
 * `gm.case_view_notice_after_commit` to the case's id for the transaction; an update of any
 * other case in that transaction is still told here.
 */
export class NotifyWhenCaseViewsChange1764600100000 implements MigrationInterface {
  name = 'NotifyWhenCaseViewsChange1764600100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE FUNCTION notify_case_view_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         -- TG_ARGV[0]: the column naming the case (of OLD for a delete, of NEW else and of OLD too if it moved)
         IF TG_OP = 'TRUNCATE' OR TG_ARGV[0] = '*' THEN
           PERFORM pg_notify('case_views_changed', '*');
         ELSIF TG_TABLE_NAME = 'cases' THEN
           -- an event's transaction says this notice itself, after its commit (src/cases/case-view-cache.ts)
           IF current_setting('gm.case_view_notice_after_commit', true) IS DISTINCT FROM OLD.id::text THEN
             PERFORM pg_notify('case_views_changed', OLD.id::text);
           END IF;
         ELSIF TG_TABLE_NAME = 'petitions' THEN
           PERFORM pg_notify('case_views_changed', l.case_id::text)
             FROM petition_case_links l WHERE l.petition_id = NEW.id;
         ELSE
           IF TG_OP <> 'INSERT' AND OLD.case_id IS NOT NULL THEN
             PERFORM pg_notify('case_views_changed', OLD.case_id::text);
           END IF;
           IF TG_OP <> 'DELETE' AND NEW.case_id IS NOT NULL THEN
             PERFORM pg_notify('case_views_changed', NEW.case_id::text);
           END IF;
         END IF;
         RETURN NULL;
       END $$`,
    );
    await db.query(
      `CREATE TRIGGER cases_notify_case_view_changed AFTER UPDATE OR DELETE ON cases
       FOR EACH ROW EXECUTE FUNCTION notify_case_view_changed('id')`,
    );
    await db.query(
      `CREATE TRIGGER parties_change_notify_case_view_changed AFTER INSERT OR DELETE ON parties
       FOR EACH ROW EXECUTE FUNCTION notify_case_view_changed('case_id')`,
    );
    await db.query(
      `CREATE TRIGGER parties_update_notify_case_view_changed AFTER UPDATE ON parties
       FOR EACH ROW WHEN (${changed(partyColumnsShown)}) EXECUTE FUNCTION notify_case_view_changed('case_id')`,
    );
    await db.query(
      `CREATE TRIGGER petition_case_links_notify_case_view_changed AFTER INSERT OR UPDATE OR DELETE ON petition_case_links
       FOR EACH ROW EXECUTE FUNCTION notify_case_view_changed('case_id')`,
    );
    await db.query(
      `CREATE TRIGGER petitions_notify_case_view_changed AFTER UPDATE ON petitions
       FOR EACH ROW WHEN (OLD.agent_id IS DISTINCT FROM NEW.agent_id) EXECUTE FUNCTION notify_case_view_changed('id')`,
    );
    await db.query(
      `CREATE TRIGGER users_notify_case_view_changed AFTER UPDATE ON users
       FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name) EXECUTE FUNCTION notify_case_view_changed('*')`,
    );
    for (const table of ['cases', 'parties', 'petition_case_links', 'petitions', 'users'])
      await db.query(
        `CREATE TRIGGER ${table}_truncate_notify_case_view_changed AFTER TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION notify_case_view_changed('*')`,
      );
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['cases', 'parties', 'petition_case_links', 'petitions', 'users'])
      await db.query(`DROP TRIGGER ${table}_truncate_notify_case_view_changed ON ${table}`);
    await db.query('DROP TRIGGER users_notify_case_view_changed ON users');
    await db.query('DROP TRIGGER petitions_notify_case_view_changed ON petitions');
    await db.query('DROP TRIGGER petition_case_links_notify_case_view_changed ON petition_case_links');
    await db.query('DROP TRIGGER parties_update_notify_case_view_changed ON parties');
    await db.query('DROP TRIGGER parties_change_notify_case_view_changed ON parties');
    await db.query('DROP TRIGGER cases_notify_case_view_changed ON cases');
    await db.query('DROP FUNCTION notify_case_view_changed()');
  }
}
