import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What lets a workflow event be decided from the case as this process's last event on it
 * left it, and sent to PostgreSQL whole in one message (`CasesKeptForEvents`, issue 22):
 *
 * - `case_event_digest(case, mediator)`: the row versions (`xmin`) of what an event's locked
 *   read brings besides the case's own row — its parties, its linked petitions (whose agents
 *   may see it), its mediator's user row (the name its body shows), its deadline timers and its
 *   planned appointments. Any insert, update or delete among them changes the digest. The
 *   locked read answers it (`kept_digest`), and the guard compares it.
 * - `case_event_guard(case, xmin, version, seq, hash, digest)`: locks the case, then raises
 *   SQLSTATE `GMC01` unless the row is the version kept — its `xmin` (the id of the transaction
 *   that wrote it: any update of the case makes a new one) and its `version` —, the chain's last
 *   link is the one kept (`seq`, `hash`: a transaction id handed out again after a restore from
 *   backup must not pass for the kept one), and the digest is the one kept. Each statement in a
 *   volatile function takes its own snapshot, so the digest is read once the lock is granted:
 *   every writer of a case's timers holds that lock first (`caseTimersColumn`). It also tells
 *   the `cases` trigger that the transaction says the case's change notice after its commit, as
 *   the locked read does.
 */
export class GuardTheCaseAnEventDecidedFromMemory1765000100000 implements MigrationInterface {
  name = 'GuardTheCaseAnEventDecidedFromMemory1765000100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION case_event_digest(case_id uuid, mediator_id uuid) RETURNS text
      LANGUAGE sql STABLE AS $$
        SELECT md5(concat(
          'p:', (SELECT string_agg(p.id::text || '@' || p.xmin::text, ',' ORDER BY p.id)
                   FROM parties p WHERE p.case_id = $1),
          '|l:', (SELECT string_agg(l.petition_id::text || '@' || l.xmin::text || '@' || pe.xmin::text, ','
                                    ORDER BY l.petition_id)
                    FROM petition_case_links l JOIN petitions pe ON pe.id = l.petition_id WHERE l.case_id = $1),
          '|m:', (SELECT m.id::text || '@' || m.xmin::text FROM users m WHERE m.id = $2),
          '|t:', (SELECT string_agg(t.clock || '@' || t.xmin::text, ',' ORDER BY t.clock)
                    FROM deadline_timers t WHERE t.subject_type = 'case' AND t.subject_id = $1),
          '|a:', (SELECT string_agg(a.id::text || '@' || a.xmin::text, ',' ORDER BY a.id)
                    FROM appointments a WHERE a.subject_type = 'case' AND a.subject_id = $1 AND a.status = 'planned')))
      $$`);
    await db.query(`
      CREATE FUNCTION case_event_guard(p_case uuid, p_xmin xid, p_version int, p_seq int, p_hash text, p_digest text)
      RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        mediator uuid;
        last_seq int;
        last_hash text;
      BEGIN
        SELECT c.mediator_id INTO mediator FROM cases c
          WHERE c.id = p_case AND c.xmin = p_xmin AND c.version = p_version FOR UPDATE OF c;
        IF FOUND THEN
          SELECT e.seq, e.hash INTO last_seq, last_hash FROM case_events e
            WHERE e.case_id = p_case ORDER BY e.seq DESC LIMIT 1;
        END IF;
        IF last_seq IS DISTINCT FROM p_seq OR last_hash IS DISTINCT FROM p_hash
           OR case_event_digest(p_case, mediator) IS DISTINCT FROM p_digest THEN
          RAISE EXCEPTION 'case % is no longer as this process kept it', p_case USING ERRCODE = 'GMC01';
        END IF;
        PERFORM set_config('gm.case_view_notice_after_commit', p_case::text, true);
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION case_event_guard(uuid, xid, int, int, text, text)');
    await db.query('DROP FUNCTION case_event_digest(uuid, uuid)');
  }
}
