import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments (附件): evidence and documents on a case. The file itself lives under
 * `$DATA_DIR/uploads`; this table holds what it is, who added it and its SHA-256, and
 * points at the case event (ATTACHMENT_ADDED) that put it on the timeline.
 */
export class CreateCaseAttachments1764140300000 implements MigrationInterface {
  name = 'CreateCaseAttachments1764140300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE case_attachments (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES cases(id),
        event_seq integer NOT NULL,
        file_name varchar(255) NOT NULL,
        content_type varchar(100) NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        sha256 char(64) NOT NULL,
        storage_key varchar(200) NOT NULL,
        description text,
        uploaded_by uuid REFERENCES users(id),
        uploaded_at timestamptz NOT NULL
      )`);
    await db.query('CREATE INDEX case_attachments_case_idx ON case_attachments (case_id, uploaded_at)');
    await db.query('CREATE UNIQUE INDEX case_attachments_event_key ON case_attachments (case_id, event_seq)');
  }

  async down(db: QueryRunner): Promise<void> {
    // the files under $DATA_DIR/uploads stay: removing evidence is not a schema change
    await db.query('DROP TABLE case_attachments');
  }
}
