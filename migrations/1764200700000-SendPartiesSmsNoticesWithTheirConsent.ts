import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notices to parties by SMS (issue 20): a party's consent to hear by SMS and when it was
 * given (个人信息保护法 §14), the language its messages are written in, and a second channel
 * of the outbox — an SMS row names the party it is for and carries that party's phone,
 * encrypted as the party's own is. A party with no phone cannot consent (the check).
 */
export class SendPartiesSmsNoticesWithTheirConsent1764200700000 implements MigrationInterface {
  name = 'SendPartiesSmsNoticesWithTheirConsent1764200700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE parties
        ADD COLUMN sms_consent boolean NOT NULL DEFAULT false,
        ADD COLUMN sms_consent_at timestamptz,
        ADD COLUMN language varchar(8) NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en')),
        ADD CONSTRAINT parties_sms_consent_needs_phone
          CHECK (NOT sms_consent OR (phone_encrypted IS NOT NULL AND sms_consent_at IS NOT NULL))`);
    await db.query(`
      ALTER TABLE outbox
        ADD COLUMN channel varchar(8) NOT NULL DEFAULT 'mail' CHECK (channel IN ('mail', 'sms')),
        ADD COLUMN party_id uuid REFERENCES parties(id) ON DELETE SET NULL,
        ADD COLUMN phone_encrypted text,
        ADD CONSTRAINT outbox_sms_has_phone CHECK (channel <> 'sms' OR phone_encrypted IS NOT NULL)`);
    await db.query('ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_delivery_check');
    await db.query(
      `ALTER TABLE outbox ADD CONSTRAINT outbox_delivery_check
         CHECK (delivery IN ('fanout', 'mail', 'digest', 'none', 'sms'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM outbox WHERE channel = 'sms'`);
    await db.query('ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_delivery_check');
    await db.query(
      `ALTER TABLE outbox ADD CONSTRAINT outbox_delivery_check
         CHECK (delivery IN ('fanout', 'mail', 'digest', 'none'))`,
    );
    await db.query(`
      ALTER TABLE outbox DROP CONSTRAINT outbox_sms_has_phone,
        DROP COLUMN phone_encrypted, DROP COLUMN party_id, DROP COLUMN channel`);
    await db.query(`
      ALTER TABLE parties DROP CONSTRAINT parties_sms_consent_needs_phone,
        DROP COLUMN language, DROP COLUMN sms_consent_at, DROP COLUMN sms_consent`);
  }
}
