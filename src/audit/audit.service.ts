import type { Clock } from '../shared/clock';
import type { Tx } from '../shared/db/transactions';
import type { AuditQuery, AuditRepository } from './audit.repository';
import type { AuditEntry } from './audit-entry.entity';

/** Who acted and from where: taken from the request by the edge, passed to services. */
export interface RequestOrigin {
  actor: { id: string; username: string } | null;
  ip: string | null;
}

export interface AuditRecord {
  action: string;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
}

/** The audit log: sign-ins, admin actions, unmasked personal data — appended, never edited. */
export class AuditService {
  constructor(
    private readonly entries: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry; pass the transaction of the change it records so both commit or neither. */
  async record(origin: RequestOrigin, record: AuditRecord, tx?: Tx): Promise<void> {
    await this.entries.append(
      {
        at: this.clock.now(),
        actorId: origin.actor?.id ?? null,
        actorUsername: origin.actor?.username ?? null,
        ip: origin.ip,
        action: record.action,
        targetType: record.target?.type ?? null,
        targetId: record.target?.id ?? null,
        details: record.details ?? {},
      },
      tx,
    );
  }

  list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    return this.entries.page(query);
  }
}
