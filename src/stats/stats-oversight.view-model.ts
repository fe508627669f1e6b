import type { TFunction } from 'i18next';
import type { CaseFigures, Figure, PetitionFigures } from './stats.service';

const percent = (figure: Figure) => (figure.value === null ? '—' : `${(figure.value * 100).toFixed(1)}%`);
const cell = (figure: Figure) => ({
  value: percent(figure),
  parts: `${figure.numerator}/${figure.denominator}`,
});

/** The per-unit rates, each over the cases the unit held (escalations, returns, transfers apart). */
export function unitRatesView(figures: CaseFigures, names: Map<string, string>) {
  return figures.byUnit
    .filter((unit) => unit.held > 0)
    .map((unit) => ({
      unitId: unit.unitId,
      name: names.get(unit.unitId) ?? unit.unitId,
      held: unit.held,
      escalation: cell(unit.escalationRate),
      return: cell(unit.returnRate),
      transfer: cell(unit.transferRate),
      questioned: cell(unit.questionedRate),
    }));
}

/** Escalations by reason code: count, share, questioned. */
export function reasonCodesView(figures: CaseFigures, t: TFunction) {
  return figures.byReasonCode.map((row) => ({
    reasonCode: row.reasonCode ?? 'none',
    label: row.reasonCode ? t(`escalationReasons.${row.reasonCode}`) : t('oversight.stats.noReasonCode'),
    escalations: row.escalations,
    share: cell(row.share),
    questioned: cell(row.questionedRate),
  }));
}

/** The petition figures as the page's tables show them. */
export function petitionStatsView(figures: PetitionFigures, t: TFunction) {
  const rates = ['acceptanceRate', 'onTimeReplyRate', 'reviewRate', 'recheckRate'] as const;
  return {
    table: [
      {
        key: 'received',
        label: t('oversight.petitions.received'),
        value: String(figures.received),
        parts: '',
      },
      {
        key: 'accepted',
        label: t('oversight.petitions.accepted'),
        value: String(figures.accepted),
        parts: '',
      },
      ...rates.map((name) => ({
        key: name,
        label: t(`oversight.petitions.${name}`),
        ...cell(figures[name]),
        definition: t(`oversight.petitions.definitions.${name}`),
      })),
    ],
    byCategory: figures.byCategory.map((row) => ({
      category: row.category,
      label: t(`oversight.petitions.categories.${row.category}`),
      received: row.received,
      accepted: row.accepted,
      replied: row.replied,
    })),
    byFlag: figures.byFlag.map((row) => ({
      flag: row.flag,
      label: t(`oversight.petitions.flags.${row.flag}`),
      count: row.count,
      share: cell(row.share),
    })),
  };
}
