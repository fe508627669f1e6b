import type { TFunction } from 'i18next';
import type { Actor } from '../access/actor';
import { isWithinPath } from '../access/policy';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { formatMoment } from '../shared/format';
import { asOfNote } from '../shared/freshness.view-model';
import { submitForm } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import type { Locale } from '../shared/i18n/i18n';
import type { StatsService } from '../stats/stats.service';
import { unitName } from '../units/unit.presenter';
import type { UnitService } from '../units/unit.service';
import { unitSelectOptions } from '../units/unit-options';
import { escalationReasonCodes, handOffKindKey } from './escalation.entity';
import { escalationQuerySchema, reviewSchema } from './escalation.schemas';
import type { EscalationService } from './escalation.service';

const percent = (figure: { value: number | null }) =>
  figure.value === null ? '—' : `${(figure.value * 100).toFixed(1)}%`;

/** The supervisor's escalation audit: hand-offs into the subtree, endorsed or questioned (矛盾上交?). */
export function escalationWebRoutes(
  escalations: EscalationService,
  stats: StatsService,
  units: UnitService,
): RouteSpec[] {
  /** `failedId`: the hand-off whose review was just refused, to show the message at its form. */
  async function pageModel(
    actor: Actor,
    rawQuery: Record<string, unknown>,
    locale: Locale,
    t: TFunction,
    failedId?: string,
  ) {
    // the filter form sends every field, the blank ones too: a blank field filters nothing, and
    // a blank status (「全部」) shows every decision; without any status, those awaiting review
    const given = Object.fromEntries(
      Object.entries(rawQuery).filter(([, value]) => typeof value === 'string' && value !== ''),
    );
    const query = escalationQuerySchema
      .catch(escalationQuerySchema.parse({}))
      .parse({ ...(rawQuery.status === undefined ? { status: 'pending' } : {}), ...given, pageSize: 50 });
    const [{ items, total }, figures, visibleUnits] = await Promise.all([
      escalations.listForReview(actor, query),
      stats.figures(actor, { from: query.from, to: query.to }),
      units.listVisible(actor),
    ]);
    const names = new Map(visibleUnits.map((unit) => [unit.id, unitName(unit, locale)]));
    return {
      failedShown: failedId !== undefined && items.some(({ escalation }) => escalation.id === failedId),
      title: t('escalations.title'),
      total,
      filters: { ...query, status: query.status ?? '' },
      // the narrower filters fold away (a phone saw five fields before the first hand-off) unless one is in use
      narrowed: Boolean(query.reasonCode || query.unitId || query.from || query.to),
      statusOptions: [
        { value: '', label: t('escalations.allStatuses'), selected: query.status === undefined },
        ...['pending', 'endorsed', 'questioned'].map((status) => ({
          value: status,
          label: t(`escalations.statuses.${status}`),
          selected: status === query.status,
        })),
      ],
      reasonOptions: escalationReasonCodes.map((code) => ({
        value: code,
        label: t(`escalationReasons.${code}`),
        selected: code === query.reasonCode,
      })),
      unitOptions: unitSelectOptions(
        visibleUnits.filter((unit) => isWithinPath(unit.path, actor.unitPath)),
        locale,
        query.unitId,
      ),
      // the rates read from the standby (DATABASE_READ_URL) say as of when; the list below is current
      ratesAsOf: asOfNote(figures, t),
      rates: {
        escalation: percent(figures.escalationRate),
        escalationParts: `${figures.escalationRate.numerator}/${figures.escalationRate.denominator}`,
        questioned: percent(figures.questionedEscalationRate),
        questionedParts: `${figures.questionedEscalationRate.numerator}/${figures.questionedEscalationRate.denominator}`,
      },
      byUnit: figures.byUnit
        .filter((unit) => unit.escalationRate.numerator > 0 || unit.questionedRate.denominator > 0)
        .map((unit) => ({
          name: names.get(unit.unitId) ?? unit.unitId,
          escalation: percent(unit.escalationRate),
          escalationParts: `${unit.escalationRate.numerator}/${unit.escalationRate.denominator}`,
          questioned: percent(unit.questionedRate),
          questionedParts: `${unit.questionedRate.numerator}/${unit.questionedRate.denominator}`,
        })),
      items: items.map(({ escalation, case: dispute, fromUnit, toUnit, followUps }) => ({
        id: escalation.id,
        kindLabel: t(handOffKindKey(escalation)),
        reasonLabel: escalation.reasonCode ? t(`escalationReasons.${escalation.reasonCode}`) : '',
        reason: escalation.reason,
        from: fromUnit ? unitName(fromUnit, locale) : '',
        to: toUnit ? unitName(toUnit, locale) : '',
        sessionsHeld: escalation.sessionsHeld,
        daysHeld: escalation.daysHeld,
        thin: escalation.sessionsHeld === 0,
        at: formatMoment(escalation.createdAt, locale),
        status: escalation.status,
        statusLabel: t(`escalations.statuses.${escalation.status}`),
        pending: escalation.status === 'pending',
        failed: escalation.id === failedId,
        reviewComment: escalation.reviewComment,
        case: dispute ? { id: dispute.id, number: dispute.number, title: dispute.title } : null,
        // links to the case page's own forms (`#action-<EVENT>`), only those allowedEvents permits
        followUps: followUps.map((event) => ({
          event,
          label: t(`caseEvents.${event}`, { defaultValue: event }),
          url: `/cases/${escalation.caseId}#action-${event}`,
        })),
      })),
    };
  }

  return [
    {
      method: 'get',
      path: '/escalations',
      access: { action: 'escalation.list' },
      handler: async (req, res) => {
        res.render('supervision/escalations', {
          ...(await pageModel(actorOf(req), req.query, req.locale, req.t)),
          saved: req.query.saved === '1',
        });
      },
    },
    {
      method: 'post',
      path: '/escalations/:id/review',
      access: { action: 'escalation.review' },
      record: {
        param: 'id',
        kind: 'escalation',
        authorize: (actor, id) => escalations.getReviewable(actor, id),
      },
      handler: async (req, res) => {
        const view = {
          view: 'supervision/escalations',
          viewModel: () => pageModel(actorOf(req), {}, req.locale, req.t, String(req.params.id)),
        };
        const ok = await submitForm(req, res, view, async () => {
          const review = parseOrThrow(reviewSchema, {
            decision: req.body.decision,
            comment: req.body.comment || undefined,
          });
          await escalations.review(
            actorOf(req),
            req.ip ?? null,
            String(req.params.id),
            review.decision,
            review.comment,
          );
        });
        if (ok) res.redirect(303, '/escalations?saved=1');
      },
    },
  ];
}
