import type { DataSource } from 'typeorm';
import type { CaseVisibility } from '../access/policy';
import { dayStartsAt } from '../shared/db/sql-text';
import type { Tx } from '../shared/db/transactions';
import type { PendingInsert } from '../shared/db/write-batch';
import { Escalation, type EscalationStatus } from './escalation.entity';

export interface EscalationQuery {
  status?: EscalationStatus;
  unitId?: string;
  reasonCode?: string;
  kind?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** A hand-off into a place, with the number, title and state of its case (the dashboard's list). */
export interface HandOffIn {
  id: string;
  caseId: string;
  number: string;
  title: string;
  kind: string;
  /** The tracks a transfer joined: what it is (委派 / 委托 / 移送) is read from them (`handOffKindKey`). */
  fromTrack: string | null;
  toTrack: string | null;
  reasonCode: string | null;
  reason: string;
  fromUnitId: string;
  toUnitId: string;
  status: string;
  createdAt: Date;
  state: string;
}

/** A questioned hand-off (被质疑的移交): what was handed, and who questioned it, when and why. */
export interface QuestionedHandOff {
  id: string;
  caseId: string;
  number: string;
  title: string;
  kind: string;
  fromTrack: string | null;
  toTrack: string | null;
  fromUnitId: string;
  toUnitId: string;
  reasonCode: string | null;
  reason: string;
  reviewComment: string;
  reviewerName: string | null;
  reviewedAt: Date;
  createdAt: Date;
}

/** What a supervisor's review writes on a hand-off. */
export type EscalationReview = Pick<Escalation, 'status' | 'reviewerId' | 'reviewComment' | 'reviewedAt'>;

/**
 * The only code that queries escalation records (移交记录): the case write path adds one
 * per hand-off and asks where the case came from; supervisors list and review them; the
 * dashboard shows those into the user's place.
 */
export class EscalationRepository {
  constructor(private readonly db: DataSource) {}

  /** A hand-off's record, as a row of the event's one statement (`CaseRepository.recordEvent`). */
  handOffInsert(values: Partial<Escalation>): PendingInsert<Escalation> {
    return { into: Escalation, values };
  }

  /** The last hand-off of the case into `unitId` (any kind), if any: when that unit received it. */
  lastHandOffInto(tx: Tx, caseId: string, unitId: string): Promise<Escalation | null> {
    return tx.findOne(Escalation, {
      where: { caseId, toUnitId: unitId },
      order: { createdAt: 'DESC' },
    });
  }

  /** The last ESCALATE of the case into `unitId`, if any: where a RETURN_DOWN without a unit goes back to. */
  lastEscalationInto(tx: Tx, caseId: string, unitId: string): Promise<Escalation | null> {
    return tx.findOne(Escalation, {
      where: { caseId, toUnitId: unitId, kind: 'ESCALATE' },
      order: { createdAt: 'DESC' },
    });
  }

  /** Hand-offs into the subtree at `scopePath` matching the query, newest first, one page and the total. */
  list(scopePath: string, query: EscalationQuery): Promise<[Escalation[], number]> {
    const builder = this.db.manager
      .createQueryBuilder(Escalation, 'e')
      .innerJoin('units', 'tu', 'tu.id = e.to_unit_id')
      .where('tu.path <@ :scope::ltree', { scope: scopePath });
    if (query.status) builder.andWhere('e.status = :status', { status: query.status });
    if (query.reasonCode) builder.andWhere('e.reason_code = :reasonCode', { reasonCode: query.reasonCode });
    if (query.kind) builder.andWhere('e.kind = :kind', { kind: query.kind });
    if (query.from) builder.andWhere(`e.created_at >= ${dayStartsAt(':from')}`, { from: query.from });
    if (query.to) builder.andWhere(`e.created_at < ${dayStartsAt(':to', 1)}`, { to: query.to });
    if (query.unitId) {
      builder.andWhere('tu.path <@ (SELECT r.path FROM units r WHERE r.id = :unitId)', {
        unitId: query.unitId,
      });
    }
    return builder
      .orderBy('e.created_at', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
  }

  findById(id: string): Promise<Escalation | null> {
    return this.db.manager.findOne(Escalation, { where: { id } });
  }

  /** The record, locked for a review (`FOR UPDATE`); throws when it is gone. */
  lockForReview(tx: Tx, id: string): Promise<Escalation> {
    return tx
      .createQueryBuilder(Escalation, 'e')
      .setLock('pessimistic_write')
      .where('e.id = :id', { id })
      .getOneOrFail();
  }

  async recordReview(tx: Tx, id: string, review: EscalationReview): Promise<void> {
    await tx.update(Escalation, { id }, review);
  }

  /** Hand-offs (上报, 交办, 移交) into the actor's place, latest first. */
  async handOffsInto(visibility: CaseVisibility, limit: number): Promise<HandOffIn[]> {
    let scope: string;
    let param: string;
    if (visibility.kind === 'unit') {
      scope = 'e.to_unit_id = $1';
      param = visibility.unitId;
    } else if (visibility.kind === 'subtree') {
      scope = 'e.to_unit_id IN (SELECT tu.id FROM units tu WHERE tu.path <@ $1::ltree)';
      param = visibility.path;
    } else {
      return [];
    }
    const rows: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT e.id, e.case_id, c.number, c.title, c.state, e.kind, e.from_track, e.to_track, e.reason_code, e.reason,
              e.from_unit_id, e.to_unit_id, e.status, e.created_at
       FROM escalations e JOIN cases c ON c.id = e.case_id
       WHERE ${scope}
       ORDER BY (e.status = 'pending') DESC, e.created_at DESC
       LIMIT $2`,
      [param, limit],
    );
    return rows.map((row) => ({
      ...handOffOf(row),
      state: row.state as string,
      status: row.status as string,
    }));
  }

  /** The questioned hand-offs of one case, latest review first (the case page's panel). */
  questionedOf(caseId: string): Promise<QuestionedHandOff[]> {
    return this.questioned('e.case_id = $1', caseId, 20);
  }

  /**
   * The questioned hand-offs made from the actor's place (the unit that handed them, or its
   * subtree for a supervisor), latest review first: the dashboard's "questioned" panel.
   */
  questionedFrom(visibility: CaseVisibility, limit: number): Promise<QuestionedHandOff[]> {
    if (visibility.kind === 'unit') return this.questioned('e.from_unit_id = $1', visibility.unitId, limit);
    if (visibility.kind === 'subtree')
      return this.questioned(
        'e.from_unit_id IN (SELECT fu.id FROM units fu WHERE fu.path <@ $1::ltree)',
        visibility.path,
        limit,
      );
    return Promise.resolve([]);
  }

  private async questioned(scope: string, param: string, limit: number): Promise<QuestionedHandOff[]> {
    const rows: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT e.id, e.case_id, c.number, c.title, e.kind, e.from_track, e.to_track, e.from_unit_id, e.to_unit_id,
              e.reason_code, e.reason, e.review_comment, e.reviewed_at, e.created_at, r.display_name AS reviewer_name
       FROM escalations e JOIN cases c ON c.id = e.case_id LEFT JOIN users r ON r.id = e.reviewer_id
       WHERE e.status = 'questioned' AND ${scope}
       ORDER BY e.reviewed_at DESC, e.id
       LIMIT $2`,
      [param, limit],
    );
    return rows.map((row) => ({
      ...handOffOf(row),
      reviewComment: (row.review_comment as string | null) ?? '',
      reviewerName: (row.reviewer_name as string | null) ?? null,
      reviewedAt: row.reviewed_at as Date,
    }));
  }
}

/** What every hand-off row read with its case answers (a hand-off in, a questioned one). */
function handOffOf(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    caseId: row.case_id as string,
    number: row.number as string,
    title: row.title as string,
    kind: row.kind as string,
    fromTrack: (row.from_track as string | null) ?? null,
    toTrack: (row.to_track as string | null) ?? null,
    fromUnitId: row.from_unit_id as string,
    toUnitId: row.to_unit_id as string,
    reasonCode: (row.reason_code as string | null) ?? null,
    reason: row.reason as string,
    createdAt: row.created_at as Date,
  };
}
