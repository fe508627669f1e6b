import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22: the outbox is claimed in batches and sent concurrently, outside any transaction. A row
 * is leased to one worker (`claimed_by`) until `claimed_until` (the database's clock, shared by every
 * process); a worker that dies mid-send leaves a lease that expires, and another worker takes the row
 * over. The due query (`OutboxRepository.claimBatch`) walks `outbox_due_idx` in id order: it leaves
 * out the rows waiting for a digest, which the old `outbox_pending_idx` held and every claim read past.
 * The admin page's pending count uses the same predicate, so the old index has no reader left.
 */
export class LeaseOutboxRowsToTheWorkerSendingThem1764400300000 implements MigrationInterface {
  name = 'LeaseOutboxRowsToTheWorkerSendingThem1764400300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'ALTER TABLE outbox ADD COLUMN claimed_by varchar(100), ADD COLUMN claimed_until timestamptz',
    );
    await db.query(
      `CREATE INDEX outbox_due_idx ON outbox (id)
       WHERE sent_at IS NULL AND failed_at IS NULL AND (delivery IS NULL OR delivery <> 'digest')`,
    );
    await db.query('DROP INDEX outbox_pending_idx');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE INDEX outbox_pending_idx ON outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL',
    );
    await db.query('DROP INDEX outbox_due_idx');
    await db.query('ALTER TABLE outbox DROP COLUMN claimed_until, DROP COLUMN claimed_by');
  }
}
