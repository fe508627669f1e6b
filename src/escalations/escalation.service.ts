import type { DataSource } from 'typeorm';
import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import type { CaseRepository } from '../cases/case.repository';
import { enqueueNotifications } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import { ForbiddenError, NotFoundError, RuleViolationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { UnitRepository } from '../units/unit.repository';
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

/** Supervisors' review of hand-offs into their subtree: endorsed, or questioned (矛盾上交?). */
export class EscalationService {
  constructor(
    private readonly db: DataSource,
    private readonly units: UnitRepository,
    private readonly cases: CaseRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, query: EscalationQuery): Promise<{ items: Escalation[]; total: number }> {
    if (!policy.can(actor, 'escalation.list')) throw new ForbiddenError();
    const builder = this.db.manager
      .createQueryBuilder(Escalation, 'e')
      .innerJoin('units', 'tu', 'tu.id = e.to_unit_id')
      .where('tu.path <@ :scope::ltree', { scope: actor.unitPath });
    if (query.status) builder.andWhere('e.status = :status', { status: query.status });
    if (query.reasonCode) builder.andWhere('e.reason_code = :reasonCode', { reasonCode: query.reasonCode });
    if (query.kind) builder.andWhere('e.kind = :kind', { kind: query.kind });
    if (query.from)
      builder.andWhere(`e.created_at >= (:from::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`, {
        from: query.from,
      });
    if (query.to)
      builder.andWhere(`e.created_at < (:to::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`, {
        to: query.to,
      });
    if (query.unitId) {
      builder.andWhere('tu.path <@ (SELECT r.path FROM units r WHERE r.id = :unitId)', {
        unitId: query.unitId,
      });
    }
    const [items, total] = await builder
      .orderBy('e.created_at', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items, total };
  }

  /** The review queue as the page shows it: each hand-off with its case and the units' names. */
  async listForReview(actor: Actor, query: EscalationQuery) {
    const { items, total } = await this.list(actor, query);
    const caseIds = [...new Set(items.map((item) => item.caseId))];
    const unitIds = [...new Set(items.flatMap((item) => [item.fromUnitId, item.toUnitId]))];
    const [cases, units] = await Promise.all([
      this.cases.summariesOf(caseIds),
      this.units.findByIds(unitIds),
    ]);
    return {
      total,
      items: items.map((item) => ({
        escalation: item,
        case: cases.find((row) => row.id === item.caseId) ?? null,
        fromUnit: units.find((unit) => unit.id === item.fromUnitId) ?? null,
        toUnit: units.find((unit) => unit.id === item.toUnitId) ?? null,
      })),
    };
  }

  /** A hand-off the supervisor may review, or 404. */
  async getReviewable(actor: Actor, id: string): Promise<Escalation> {
    if (!isUuid(id)) throw new NotFoundError();
    const escalation = await this.db.manager.findOne(Escalation, { where: { id } });
    const toUnit = escalation ? await this.units.findById(escalation.toUnitId) : null;
    if (!escalation || !toUnit || !policy.canReviewHandOffInto(actor, toUnit.path)) throw new NotFoundError();
    return escalation;
  }

  async review(
    actor: Actor,
    ip: string | null,
    id: string,
    decision: 'endorsed' | 'questioned',
    comment: string | undefined,
  ): Promise<Escalation> {
    await this.getReviewable(actor, id);
    return this.db.transaction(async (tx) => {
      const escalation = await tx
        .createQueryBuilder(Escalation, 'e')
        .setLock('pessimistic_write')
        .where('e.id = :id', { id })
        .getOneOrFail();
      if (escalation.status !== 'pending')
        throw new RuleViolationError('already_reviewed', undefined, { status: escalation.status });
      const now = this.clock.now();
      await tx.update(
        Escalation,
        { id },
        { status: decision, reviewerId: actor.id, reviewComment: comment ?? null, reviewedAt: now },
      );
      await this.audit.record(
        { actor: { id: actor.id, username: actor.username }, ip },
        {
          action: `escalation.${decision}`,
          target: { type: 'escalation', id },
          details: { caseId: escalation.caseId, comment },
        },
        tx,
      );
      if (decision === 'questioned') {
        await enqueueNotifications(tx, [
          {
            kind: 'escalation.questioned',
            recipientUserId: escalation.byUserId,
            subjectType: 'case',
            subjectId: escalation.caseId,
            payload: { escalationId: id, comment: comment ?? null, by: actor.displayName },
          },
        ]);
      }
      return {
        ...escalation,
        status: decision,
        reviewerId: actor.id,
        reviewComment: comment ?? null,
        reviewedAt: now,
      };
    });
  }
}
