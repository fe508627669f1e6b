import type { TFunction } from 'i18next';
import { formatMoment } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import { handOffKindKey } from './escalation.entity';
import type { QuestionedHandOff } from './escalation.repository';

/**
 * The questioned hand-offs panel (被质疑的移交) of the case page and of the dashboard of the
 * unit that handed them: what was handed where, the reviewer's comment, who and when.
 */
export function questionedHandOffsView(
  items: QuestionedHandOff[],
  context: { t: TFunction; locale: Locale; unitName: (id: string) => string },
) {
  const { t, locale, unitName } = context;
  return items.map((item) => ({
    id: item.id,
    caseUrl: `/cases/${item.caseId}`,
    number: item.number,
    title: item.title,
    handOff: t('oversight.questioned.handOff', {
      kind: t(handOffKindKey(item)),
      from: unitName(item.fromUnitId),
      to: unitName(item.toUnitId),
      at: formatMoment(item.createdAt, locale),
    }),
    reason: item.reasonCode ? t(`escalationReasons.${item.reasonCode}`) : '',
    comment: item.reviewComment,
    by: t('oversight.questioned.by', {
      reviewer: item.reviewerName ?? t('oversight.questioned.unknownReviewer'),
      at: formatMoment(item.reviewedAt, locale),
    }),
  }));
}
