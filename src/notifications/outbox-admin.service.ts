import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import type { Transactions } from '../shared/db/transactions';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { FailedRow, OutboxRepository, WithheldRow } from './outbox.repository';

const listLimit = 200;

/** The administrator's view of mail that could not be delivered: list it, send it again. */
export class OutboxAdminService {
  constructor(
    private readonly db: Transactions,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Failed rows for people in the admin's subtree, newest first, and the queue's size; and, apart
   * (not failures), the SMS not sent because their party withdrew consent (个人信息保护法 §15).
   */
  async overview(actor: Actor): Promise<{
    failed: FailedRow[];
    pending: number;
    failedCount: number;
    withheld: WithheldRow[];
    withheldCount: number;
  }> {
    if (!policy.can(actor, 'outbox.manage', { kind: 'outbox' })) throw new ForbiddenError();
    const scope = policy.managedScopeOf(actor);
    const [failed, counts, withheld, withheldCount] = await Promise.all([
      this.outbox.listFailed(scope, listLimit),
      this.outbox.counts(scope),
      this.outbox.listWithheld(scope, listLimit),
      this.outbox.countWithheld(scope),
    ]);
    return { failed, pending: counts.pending, failedCount: counts.failed, withheld, withheldCount };
  }

  /**
   * Puts a failed row back in the queue with a fresh set of attempts, audited in the
   * same transaction. A row that is no longer failed (retried meanwhile) is left alone.
   */
  async retry(actor: Actor, ip: string | null, id: string): Promise<'requeued' | 'not_failed'> {
    if (!policy.can(actor, 'outbox.manage', { kind: 'outbox' })) throw new ForbiddenError();
    return this.db.run(async (tx) => {
      const row = await this.outbox.lockInScope(tx, id, policy.managedScopeOf(actor));
      if (!row) throw new NotFoundError();
      if (!row.failedAt) return 'not_failed';
      await this.outbox.requeue(tx, id);
      await this.audit.record(
        { actor: { id: actor.id, username: actor.username }, ip },
        {
          action: 'outbox.retried',
          target: { type: 'outbox', id },
          details: { kind: row.kind, attempts: row.attempts, lastError: row.lastError },
        },
        tx,
      );
      return 'requeued';
    });
  }
}
