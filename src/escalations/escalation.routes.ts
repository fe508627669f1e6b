import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute } from '../access/route-table';
import type { Escalation } from './escalation.entity';
import { escalationQuerySchema, reviewSchema } from './escalation.schemas';
import type { EscalationService } from './escalation.service';

export function presentEscalation(escalation: Escalation) {
  return {
    id: escalation.id,
    caseId: escalation.caseId,
    eventSeq: escalation.eventSeq,
    kind: escalation.kind,
    fromUnitId: escalation.fromUnitId,
    toUnitId: escalation.toUnitId,
    fromLevel: escalation.fromLevel,
    toLevel: escalation.toLevel,
    fromTrack: escalation.fromTrack,
    toTrack: escalation.toTrack,
    reasonCode: escalation.reasonCode,
    reason: escalation.reason,
    sessionsHeld: escalation.sessionsHeld,
    daysHeld: escalation.daysHeld,
    byUserId: escalation.byUserId,
    status: escalation.status,
    reviewerId: escalation.reviewerId,
    reviewComment: escalation.reviewComment,
    reviewedAt: escalation.reviewedAt?.toISOString() ?? null,
    createdAt: escalation.createdAt.toISOString(),
  };
}

/** The hand-off review queue (API). */
export function escalationRoutes(escalations: EscalationService): RouteSpec[] {
  return [
    apiRoute({
      method: 'get',
      path: '/api/v1/escalations',
      access: { action: 'escalation.list' },
      api: {
        operationId: 'listEscalations',
        tag: 'escalations',
        summary: 'Hand-offs into the caller’s subtree, for review',
        query: escalationQuerySchema,
      },
      handler: async (req, res) => {
        const query = req.input.query;
        const { items, total } = await escalations.list(actorOf(req), query);
        res.json({ items: items.map(presentEscalation), total, page: query.page, pageSize: query.pageSize });
      },
    }),
    apiRoute({
      method: 'post',
      path: '/api/v1/escalations/:id/review',
      access: { action: 'escalation.review' },
      record: {
        param: 'id',
        kind: 'escalation',
        authorize: (actor, id) => escalations.getReviewable(actor, id),
      },
      api: {
        operationId: 'reviewEscalation',
        tag: 'escalations',
        summary: 'Endorse or question a hand-off',
        body: reviewSchema,
        errors: [422],
      },
      handler: async (req, res) => {
        const review = req.input.body;
        const reviewed = await escalations.review(
          actorOf(req),
          req.ip ?? null,
          String(req.params.id),
          review.decision,
          review.comment,
        );
        res.json(presentEscalation(reviewed));
      },
    }),
  ];
}
