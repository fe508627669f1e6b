import type { ScreeningRound } from './screening.service';

/** A round as the API answers it (ScreeningRound in the OpenAPI document). */
export function presentRound({ round, items }: ScreeningRound, locale: string) {
  return {
    id: round.id,
    unitId: round.unitId,
    unitName: locale === 'en' ? round.unitNameEn : round.unitNameZh,
    period: round.period,
    zeroReport: items.length === 0,
    filedAt: new Date(round.filedAt).toISOString(),
    updatedAt: new Date(round.updatedAt).toISOString(),
    items: items.map((item) => ({
      id: item.id,
      title: item.title,
      type: item.type,
      riskGrade: item.riskGrade,
      peopleCount: item.peopleCount,
      gridId: item.gridId,
      description: item.description,
      measures: item.measures,
      caseId: item.caseId,
      addedAt: new Date(item.addedAt).toISOString(),
    })),
  };
}
