import type { DataSource, EntityManager } from 'typeorm';
import { AuditEntry } from './audit-entry.entity';

export interface AuditQuery {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  page: number;
  pageSize: number;
}

/** The only code that reads or writes the audit log (appended, never edited). */
export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  /** Appends one entry in `tx` when given, so that it commits with the change it records. */
  async append(entry: Omit<AuditEntry, 'id'>, tx?: EntityManager): Promise<void> {
    // jsonb: TypeORM's deep-partial type does not fit an open record
    await (tx ?? this.db.manager).insert(AuditEntry, { ...entry, details: entry.details as object });
  }

  async page(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
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
