import { mediationLevels, type Unit } from '../units/unit.entity';
import { indentedUnitName } from '../units/unit-options';
import { caseStatePaths } from '../workflows/case.machine';
import { disputeTypes, tracks } from '../workflows/rules/dispute-rules.types';
import { riskGrades } from '../workflows/rules/risk-grade';
import type { CaseViewDeps, presentCase } from './case.presenter';
import { type CaseListQuery, caseListSorts } from './case.schemas';
import { caseRowView, option, stateLabel, type ViewContext } from './case.view-model';

/** The case list (/cases): its filters, its rows and the links that page through it. */

/** The list's filters as options, and links that keep the filter (bookmarkable, shareable). */
export function caseListView(
  query: CaseListQuery,
  result: { items: Parameters<typeof presentCase>[0][]; total: number; totalIsLowerBound?: boolean },
  deps: CaseViewDeps,
  units: Unit[],
  context: ViewContext,
) {
  const { t } = context;
  const params = listParams(query);
  // a lower bound (more matches than the list counts): the pages go on while pages are full
  const many = result.totalIsLowerBound === true;
  const pages = Math.max(1, Math.ceil(result.total / query.pageSize));
  const hasNext = many ? result.items.length === query.pageSize : query.page < pages;
  const pageUrl = (page: number) => {
    const next = new URLSearchParams(params);
    if (page > 1) next.set('page', String(page));
    else next.delete('page');
    const text = next.toString();
    return `/cases${text ? `?${text}` : ''}`;
  };
  const stateOptions = ['registered', 'screening', 'mediation', 'agreement', 'closed'].flatMap((group) => [
    option(group, stateLabel(t, group), query.state),
    ...caseStatePaths
      .filter((path) => path.startsWith(`${group}.`))
      .map((path) => option(path, `\u3000${stateLabel(t, path)}`, query.state)),
  ]);
  const exportParams = new URLSearchParams(params);
  exportParams.delete('page');
  const exportQuery = exportParams.toString() ? `?${exportParams}` : '';
  return {
    query: { ...query, overdue: query.overdue === true },
    total: result.total,
    totalText: many
      ? t('cases.listLeadMoreThan', { n: new Intl.NumberFormat(context.locale).format(result.total) })
      : t('cases.listLead', { n: result.total }),
    rows: result.items.map((row) => caseRowView(row, deps, context)),
    filters: {
      states: stateOptions,
      types: disputeTypes.map((type) => option(type, t(`disputeTypes.${type}`), query.type)),
      tracks: tracks.map((track) => option(track, t(`tracks.${track}`), query.track)),
      levels: mediationLevels.map((level) => option(level, t(`levels.${level}`), query.level)),
      riskGrades: riskGrades.map((grade) =>
        option(String(grade), t(`riskGrades.label.${grade}`), query.riskGrade?.toString()),
      ),
      units: units
        .filter((unit) => unit.active)
        .map((unit) => option(unit.id, indentedUnitName(unit, context.locale), query.unitId)),
      sorts: caseListSorts.map((sort) =>
        option(sort, t(`cases.sort${sort[0].toUpperCase()}${sort.slice(1)}`), query.sort),
      ),
      active: params.toString().replace(/(^|&)(sort|page)=[^&]*/g, '') !== '',
    },
    page: query.page,
    pages,
    pageText: many
      ? t('cases.pageNumber', { page: query.page })
      : t('cases.pageOf', { page: query.page, pages }),
    previousUrl: query.page > 1 ? pageUrl(query.page - 1) : null,
    nextUrl: hasNext ? pageUrl(query.page + 1) : null,
    exportUrl: `/cases.csv${exportQuery}`,
    xlsxUrl: `/cases.xlsx${exportQuery}`,
  };
}

/** The query string of a list filter, without defaults. */
export function listParams(query: CaseListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['q', 'state', 'type', 'track', 'level', 'unitId', 'mediatorId', 'from', 'to'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.overdue !== undefined) params.set('overdue', String(query.overdue));
  if (query.riskGrade) params.set('riskGrade', String(query.riskGrade));
  if (query.sort !== 'newest') params.set('sort', query.sort);
  if (query.pageSize !== 20) params.set('pageSize', String(query.pageSize));
  if (query.page > 1) params.set('page', String(query.page));
  return params;
}
