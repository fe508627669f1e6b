import type { TFunction } from 'i18next';
import type { Grid } from '../units/grid.entity';
import { disputeTypes } from '../workflows/rules/dispute-rules.types';
import { riskGradeRules, riskGradeSource } from '../workflows/rules/risk-grade';
import type { ScreeningItemRow } from './screening.repository';
import type { ScreeningRound } from './screening.service';
import type { ScreeningOverviewService } from './screening-overview.service';

interface ViewContext {
  t: TFunction;
  locale: string;
}

const nameIn = (locale: string, names: { zh: string; en: string }) => (locale === 'en' ? names.en : names.zh);

/** The grading criteria as the form shows them (what makes grades 1–4, and where it comes from). */
export function criteriaView({ t, locale }: ViewContext) {
  return {
    grades: riskGradeRules.map((rule) => ({
      grade: rule.grade,
      colour: rule.colour,
      name: t(`riskGrades.label.${rule.grade}`),
      criteria: t(`riskGrades.criteria.${rule.grade}`),
    })),
    source: t('screening.criteriaSource', { source: riskGradeSource[locale === 'en' ? 'en' : 'zh'] }),
  };
}

function itemView(item: ScreeningItemRow, { t }: ViewContext) {
  return {
    id: item.id,
    title: item.title,
    type: t(`disputeTypes.${item.type}`),
    riskGrade: item.riskGrade,
    gradeName: t(`riskGrades.label.${item.riskGrade}`),
    highRisk: item.riskGrade >= 3,
    peopleCount: item.peopleCount,
    description: item.description,
    measures: item.measures,
    caseId: item.caseId,
  };
}

/** The workstation's page: this month's round (items or a zero report), the item form, past rounds. */
export function workstationView(
  model: {
    period: string;
    current: ScreeningRound | null;
    past: ScreeningRound[];
    grids: Grid[];
    mayFile: boolean;
    values?: Record<string, unknown>;
  },
  context: ViewContext,
) {
  const { t, locale } = context;
  const values = model.values ?? {};
  return {
    title: t('screening.title'),
    period: model.period,
    mayFile: model.mayFile,
    filed: model.current !== null,
    zeroReport: model.current !== null && model.current.items.length === 0,
    items: (model.current?.items ?? []).map((item) => itemView(item, context)),
    values,
    typeOptions: disputeTypes.map((type) => ({
      value: type,
      label: t(`disputeTypes.${type}`),
      selected: values.type === type,
    })),
    gradeOptions: riskGradeRules.map((rule) => ({
      value: String(rule.grade),
      label: t(`riskGrades.label.${rule.grade}`),
      selected: String(values.riskGrade) === String(rule.grade),
    })),
    gridOptions: model.grids.map((grid) => ({
      value: grid.id,
      label: nameIn(locale, { zh: grid.nameZh, en: grid.nameEn }),
      selected: values.gridId === grid.id,
    })),
    criteria: criteriaView(context),
    past: model.past.map(({ round, items }) => ({
      id: round.id,
      period: round.period,
      zero: items.length === 0,
      count: items.length,
      highRisk: items.filter((item) => item.riskGrade >= 3).length,
    })),
  };
}

/** The supervisors' overview: units × months, and the high-risk items first. */
export function overviewView(
  overview: Awaited<ReturnType<ScreeningOverviewService['overview']>>,
  context: ViewContext,
) {
  const { t, locale } = context;
  return {
    title: t('screening.overviewTitle'),
    periods: overview.periods,
    highRisk: overview.highRisk.map((item) => ({
      ...itemView(item, context),
      unit: nameIn(locale, { zh: item.unitNameZh, en: item.unitNameEn }),
      period: item.period,
    })),
    units: overview.units.map((unit) => ({
      name: nameIn(locale, { zh: unit.nameZh, en: unit.nameEn }),
      cells: unit.cells.map((cell) => ({
        status: cell.status,
        label: t(`screening.status.${cell.status}`, { items: cell.items }),
        highRisk: cell.highRisk,
      })),
    })),
  };
}
