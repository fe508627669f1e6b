import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who hears what, and how the outbox is delivered:
 *
 * - `notification_preferences`: per user and kind, immediately / daily digest / off
 *   (a missing row means the kind's default; an overdue notice can never be off);
 * - `notification_digests`: at most one digest mail per user and day, itself sent as
 *   an outbox row; the items it lists point at it;
 * - on `outbox`: a row addressed to a unit is expanded at send time into one row per
 *   person (`parent_id`); `delivery` says what became of a row, `message_id` is the
 *   one Message-ID its mail carries, `next_attempt_at` spaces out retries.
 */
export class CreateNotificationPreferencesAndDigests1764140400000 implements MigrationInterface {
  name = 'CreateNotificationPreferencesAndDigests1764140400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notification_preferences (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind varchar(40) NOT NULL,
        delivery varchar(12) NOT NULL CHECK (delivery IN ('immediate', 'digest', 'off')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, kind),
        -- 期限: an overdue case must reach its holder and supervisor, whatever they chose
        CONSTRAINT notification_preferences_overdue_not_off CHECK (NOT (kind = 'deadline.overdue' AND delivery = 'off'))
      )`);

    await db.query(`
      CREATE TABLE notification_digests (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        digest_date date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, digest_date)
      )`);

    await db.query(`
      ALTER TABLE outbox
        ADD COLUMN unit_audience varchar(12) CHECK (unit_audience IN ('members', 'supervisors')),
        ADD COLUMN parent_id bigint REFERENCES outbox(id),
        ADD COLUMN delivery varchar(12) CHECK (delivery IN ('fanout', 'mail', 'digest', 'none')),
        ADD COLUMN digest_id bigint REFERENCES notification_digests(id),
        ADD COLUMN message_id varchar(200),
        ADD COLUMN sent_to varchar(254),
        ADD COLUMN next_attempt_at timestamptz`);
    await db.query(
      `CREATE INDEX outbox_digest_items_idx ON outbox (recipient_user_id)
       WHERE delivery = 'digest' AND digest_id IS NULL`,
    );
    await db.query('CREATE INDEX outbox_digest_idx ON outbox (digest_id) WHERE digest_id IS NOT NULL');
    await db.query('CREATE INDEX outbox_failed_idx ON outbox (failed_at) WHERE failed_at IS NOT NULL');
    await db.query('CREATE INDEX outbox_parent_idx ON outbox (parent_id) WHERE parent_id IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX outbox_parent_idx');
    await db.query('DROP INDEX outbox_failed_idx');
    await db.query('DROP INDEX outbox_digest_idx');
    await db.query('DROP INDEX outbox_digest_items_idx');
    await db.query(`
      ALTER TABLE outbox
        DROP COLUMN next_attempt_at,
        DROP COLUMN sent_to,
        DROP COLUMN message_id,
        DROP COLUMN digest_id,
        DROP COLUMN delivery,
        DROP COLUMN parent_id,
        DROP COLUMN unit_audience`);
    await db.query('DROP TABLE notification_digests');
    await db.query('DROP TABLE notification_preferences');
  }
}
