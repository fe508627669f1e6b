import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit chains (issue 17):
 *
 * - `audit_checkpoints`: every checkpoint the app signed — its signed text, signature and
 *   public key, why it was made and who asked — also appended to
 *   `$DATA_DIR/audit/checkpoints.jsonl` and mailed to the districts' supervisors.
 *   Append-only;
 * - `audit_checkpoint_heads`: each chain's head as the last checkpoint signed it, so that
 *   the next one lists only the chains that moved. A working copy, not evidence: a
 *   checkpoint made from a tampered copy fails the outside auditor's replay.
 */
export class RecordSignedAuditCheckpoints1764142210000 implements MigrationInterface {
  name = 'RecordSignedAuditCheckpoints1764142210000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_checkpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number bigint NOT NULL UNIQUE,
        signed_at timestamptz NOT NULL,
        reason varchar(12) NOT NULL CHECK (reason IN ('scheduled', 'requested')),
        requested_by uuid REFERENCES users(id),
        chains integer NOT NULL,
        events bigint NOT NULL,
        root char(64) NOT NULL,
        body text NOT NULL,
        signature text NOT NULL,
        public_key text NOT NULL
      )`);
    await db.query(`
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    await db.query(`
      CREATE TABLE audit_checkpoint_heads (
        kind varchar(8) NOT NULL CHECK (kind IN ('case', 'petition')),
        owner_id uuid NOT NULL,
        seq integer NOT NULL,
        digest char(64) NOT NULL,
        checkpoint_number bigint NOT NULL REFERENCES audit_checkpoints(number),
        PRIMARY KEY (kind, owner_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_checkpoint_heads');
    await db.query('DROP TABLE audit_checkpoints');
  }
}
