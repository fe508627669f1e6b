import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../shared/clock';
import { AuditEntry } from './audit-entry.entity';

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

export interface AuditQuery {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  page: number;
  pageSize: number;
}

/** The audit log: sign-ins, admin actions, unmasked personal data — appended, never edited. */
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry; pass the transaction of the change it records so both commit or neither. */
  async record(origin: RequestOrigin, record: AuditRecord, tx?: EntityManager): Promise<void> {
    const manager = tx ?? this.db.manager;
    await manager.insert(AuditEntry, {
      at: this.clock.now(),
      actorId: origin.actor?.id ?? null,
      actorUsername: origin.actor?.username ?? null,
      ip: origin.ip,
      action: record.action,
      targetType: record.target?.type ?? null,
      targetId: record.target?.id ?? null,
      // jsonb: TypeORM's deep-partial type does not fit an open record
      details: (record.details ?? {}) as object,
    });
  }

  async list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const builder = this.db.manager.createQueryBuilder(AuditEntry, 'entry');
    if (query.action) builder.andWhere('entry.action = :action', { action: query.action });
    if (query.actorId) builder.andWhere('entry.actorId = :actorId', { actorId: query.actorId });
    if (query.targetType)
      builder.andWhere('entry.targetType = :targetType', { targetType: query.targetType });
    if (query.targetId) builder.andWhere('entry.targetId = :targetId', { targetId: query.targetId });
    const [items, total] = await builder
      .orderBy('entry.at', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items, total };
  }
}
