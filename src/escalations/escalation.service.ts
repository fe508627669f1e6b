import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import { enqueueNotifications } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { Transactions } from '../shared/db/transactions';
import { ForbiddenError, NotFoundError, RuleViolationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { UnitRepository } from '../units/unit.repository';
import type { Escalation } from './escalation.entity';
import type { EscalationQuery, EscalationRepository } from './escalation.repository';

/**
 * How the review queue names a hand-off's case. Declared here and given by the case
 * repository in the composition root, so that escalations import nothing from cases
 * (cases write the escalation records: the dependency runs cases → escalations).
 */
export interface CaseSummaries {
  summariesOf(
    ids: string[],
  ): Promise<Array<{ id: string; number: string; title: string; type: string; state: string }>>;
}

/**
 * What the reviewer may do next on a hand-off's case: the case service's own answer (the
 * statechart's and the policy's `allowedEvents`), given in the composition root. Methods, so
 * the case service's narrower row and resource types fit (escalations import nothing from cases).
 */
export interface CaseFollowUps {
  getVisible(actor: Actor, id: string): Promise<{ row: object; resource: object }>;
  allowedEvents(actor: Actor, row: object, resource: object): string[];
}

/** The actions the review queue offers after a review, when `allowedEvents` lets this reviewer send them. */
export const followUpEvents = ['RETURN_DOWN', 'ASSIGN', 'TRANSFER', 'ESCALATE'] as const;

/** Supervisors' review of hand-offs into their subtree: endorsed, or questioned (矛盾上交?). */
export class EscalationService {
  private readonly transactions: Transactions;
  private readonly escalations: EscalationRepository;
  private readonly units: UnitRepository;
  private readonly cases: CaseSummaries;
  private readonly followUps: CaseFollowUps;
  private readonly audit: AuditService;
  private readonly clock: Clock;

  constructor(deps: {
    transactions: Transactions;
    escalations: EscalationRepository;
    units: UnitRepository;
    cases: CaseSummaries;
    followUps: CaseFollowUps;
    audit: AuditService;
    clock: Clock;
  }) {
    this.transactions = deps.transactions;
    this.escalations = deps.escalations;
    this.units = deps.units;
    this.cases = deps.cases;
    this.followUps = deps.followUps;
    this.audit = deps.audit;
    this.clock = deps.clock;
  }

  async list(actor: Actor, query: EscalationQuery): Promise<{ items: Escalation[]; total: number }> {
    if (!policy.can(actor, 'escalation.list')) throw new ForbiddenError();
    const [items, total] = await this.escalations.list(actor.unitPath, query);
    return { items, total };
  }

  /** The review queue as the page shows it: each hand-off with its case and the units' names. */
  async listForReview(actor: Actor, query: EscalationQuery) {
    const { items, total } = await this.list(actor, query);
    const caseIds = [...new Set(items.map((item) => item.caseId))];
    const unitIds = [...new Set(items.flatMap((item) => [item.fromUnitId, item.toUnitId]))];
    const [cases, units, followUps] = await Promise.all([
      this.cases.summariesOf(caseIds),
      this.units.findByIds(unitIds),
      Promise.all(caseIds.map(async (id) => [id, await this.followUpsOn(actor, id)] as const)),
    ]);
    const followUpsOf = new Map(followUps);
    return {
      total,
      items: items.map((item) => ({
        escalation: item,
        case: cases.find((row) => row.id === item.caseId) ?? null,
        fromUnit: units.find((unit) => unit.id === item.fromUnitId) ?? null,
        toUnit: units.find((unit) => unit.id === item.toUnitId) ?? null,
        followUps: followUpsOf.get(item.caseId) ?? [],
      })),
    };
  }

  /** The follow-up events this reviewer may send on the case now (none where they may not see it). */
  private async followUpsOn(actor: Actor, caseId: string): Promise<string[]> {
    const visible = await this.followUps.getVisible(actor, caseId).catch((error: unknown) => {
      if (error instanceof NotFoundError || error instanceof ForbiddenError) return null;
      throw error;
    });
    if (!visible) return [];
    const allowed = this.followUps.allowedEvents(actor, visible.row, visible.resource);
    return followUpEvents.filter((event) => allowed.includes(event));
  }

  /** A hand-off the supervisor may review, or 404. */
  async getReviewable(actor: Actor, id: string): Promise<Escalation> {
    if (!isUuid(id)) throw new NotFoundError();
    const escalation = await this.escalations.findById(id);
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
    return this.transactions.run(async (tx) => {
      const escalation = await this.escalations.lockForReview(tx, id);
      if (escalation.status !== 'pending')
        throw new RuleViolationError('already_reviewed', undefined, { status: escalation.status });
      const review = {
        status: decision,
        reviewerId: actor.id,
        reviewComment: comment ?? null,
        reviewedAt: this.clock.now(),
      };
      await this.escalations.recordReview(tx, id, review);
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
      return { ...escalation, ...review };
    });
  }
}
