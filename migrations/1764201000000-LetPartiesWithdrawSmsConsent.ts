import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A party's consent to SMS can be withdrawn (个人信息保护法 §15), and given again later: when it
 * was last withdrawn is kept beside when it was given (a withdrawal does not undo what was sent
 * before it). An SMS waiting in the outbox for a party who no longer consents is not sent: the
 * worker marks it `no_consent` (done, not a failure).
 */
export class LetPartiesWithdrawSmsConsent1764201000000 implements MigrationInterface {
  name = 'LetPartiesWithdrawSmsConsent1764201000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE parties
        ADD COLUMN sms_consent_withdrawn_at timestamptz,
        ADD CONSTRAINT parties_sms_consent_withdrawn_not_consenting
          CHECK (NOT (sms_consent AND sms_consent_withdrawn_at IS NOT NULL))`);
    await db.query('ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_delivery_check');
    await db.query(
      `ALTER TABLE outbox ADD CONSTRAINT outbox_delivery_check
         CHECK (delivery IN ('fanout', 'mail', 'digest', 'none', 'sms', 'no_consent'))`,
    );
    // /admin/outbox lists and counts them; the outbox keeps every row sent, so they are few among many
    await db.query(
      `CREATE INDEX outbox_sms_no_consent ON outbox (sent_at DESC, id DESC) WHERE delivery = 'no_consent'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS outbox_sms_no_consent');
    // an SMS withheld for want of consent was never sent: down, it reads as "nothing to send"
    await db.query(`UPDATE outbox SET delivery = 'none' WHERE delivery = 'no_consent'`);
    await db.query('ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_delivery_check');
    await db.query(
      `ALTER TABLE outbox ADD CONSTRAINT outbox_delivery_check
         CHECK (delivery IN ('fanout', 'mail', 'digest', 'none', 'sms'))`,
    );
    await db.query(`
      ALTER TABLE parties DROP CONSTRAINT parties_sms_consent_withdrawn_not_consenting,
        DROP COLUMN sms_consent_withdrawn_at`);
  }
}
