import { stringify } from 'csv-stringify/sync';
import type { Request } from 'express';
import type { TFunction } from 'i18next';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { asOfFileSuffix, asOfNote } from '../shared/freshness.view-model';
import { parseOrThrow } from '../shared/http/validate';
import { mediationLevels } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import type { UnitService } from '../units/unit.service';
import { unitSelectOptions } from '../units/unit-options';
import { disputeTypes, tracks } from '../workflows/rules/dispute-rules.types';
import { statsQuerySchema } from './stats.schemas';
import type { CaseFigures, Figure, StatsService } from './stats.service';
import { petitionStatsView, reasonCodesView, unitRatesView } from './stats-oversight.view-model';

/** The figures in the order the page and the CSV list them. */
const rateNames = [
  'handlingRate',
  'closureRate',
  'onTimeClosureRate',
  'mediationSuccessRate',
  'agreementFulfilmentRate',
  'lowestLevelResolutionRate',
  'escalationRate',
  'questionedEscalationRate',
] as const;

const percent = (figure: Figure) => (figure.value === null ? '—' : `${(figure.value * 100).toFixed(1)}%`);

/** The statistics page: the figures of DOMAIN.md with their parts, charts, and the table as CSV. */
export function statsWebRoutes(stats: StatsService, units: UnitService): RouteSpec[] {
  const emptyToUndefined = (query: Request['query']) =>
    Object.fromEntries(
      Object.entries(query).filter(([, value]) => typeof value === 'string' && value !== ''),
    );

  function parsedQuery(req: Request) {
    return parseOrThrow(statsQuerySchema, emptyToUndefined(req.query));
  }

  function tableOf(figures: CaseFigures, t: TFunction) {
    return [
      {
        key: 'received',
        label: t('stats.figures.received'),
        value: String(figures.received),
        numerator: '',
        denominator: '',
      },
      ...rateNames.map((name) => ({
        key: name,
        label: t(`stats.figures.${name}`),
        value: percent(figures[name]),
        numerator: String(figures[name].numerator),
        denominator: String(figures[name].denominator),
      })),
      {
        key: 'overdueCount',
        label: t('stats.figures.overdueCount'),
        value: String(figures.overdueCount),
        numerator: '',
        denominator: '',
      },
      {
        key: 'medianDaysToClose',
        label: t('stats.figures.medianDaysToClose'),
        value: figures.medianDaysToClose === null ? '—' : String(figures.medianDaysToClose),
        numerator: '',
        denominator: '',
      },
    ];
  }

  return [
    {
      method: 'get',
      path: '/stats',
      access: { action: 'stats.view' },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const query = parsedQuery(req);
        const [report, visible] = await Promise.all([stats.report(actor, query), units.listVisible(actor)]);
        const { figures, series, petitions: petitionFigures } = report;
        const table = tableOf(figures, req.t);
        const names = new Map(visible.map((unit) => [unit.id, unitName(unit, req.locale)]));
        const unitRates = unitRatesView(figures, names);
        const reasonCodes = reasonCodesView(figures, req.t);
        const petitions = petitionStatsView(petitionFigures, req.t);
        const chartData = {
          labels: {
            received: req.t('stats.figures.received'),
            closed: req.t('stats.closed'),
            resolved: req.t('stats.resolved'),
            escalation: req.t('stats.figures.escalationRate'),
            questioned: req.t('stats.figures.questionedEscalationRate'),
            returned: req.t('oversight.stats.returnRate'),
            transferred: req.t('oversight.stats.transferRate'),
            escalations: req.t('oversight.stats.escalations'),
            petitionsReceived: req.t('oversight.petitions.received'),
            petitionsAccepted: req.t('oversight.petitions.accepted'),
            petitionsReplied: req.t('oversight.petitions.replied'),
          },
          byReason: reasonCodes.map((row) => ({ name: row.label, escalations: row.escalations })),
          petitionsByCategory: petitions.byCategory.map((row) => ({
            name: row.label,
            received: row.received,
            accepted: row.accepted,
            replied: row.replied,
          })),
          monthly: series.monthly,
          byType: series.byType.map((row) => ({
            name: req.t(`disputeTypes.${row.type}`),
            received: row.received,
            closed: row.closed,
          })),
          byLevel: series.byLevel.map((row) => ({
            name: row.level
              ? req.t(`levels.${row.level}`)
              : row.track
                ? req.t(`tracks.${row.track}`)
                : req.t('stats.notAccepted'),
            closed: row.closed,
            resolved: row.resolved,
          })),
          byUnit: figures.byUnit
            .filter((unit) => unit.escalationRate.denominator > 0)
            .slice(0, 20)
            .map((unit) => ({
              name: names.get(unit.unitId) ?? unit.unitId,
              escalation: unit.escalationRate.value ?? 0,
              returned: unit.returnRate.value ?? 0,
              transferred: unit.transferRate.value ?? 0,
              questioned: unit.questionedRate.value ?? 0,
            })),
        };
        const csvQuery = new URLSearchParams(
          emptyToUndefined(req.query) as Record<string, string>,
        ).toString();
        res.render('stats/index', {
          title: req.t('stats.title'),
          asOf: asOfNote(report, req.t),
          table,
          filters: query,
          csvHref: `/stats.csv${csvQuery ? `?${csvQuery}` : ''}`,
          unitOptions: unitSelectOptions(
            visible.filter((unit) => unit.path.startsWith(actor.unitPath)),
            req.locale,
            query.unitId,
          ),
          typeOptions: disputeTypes.map((type) => ({
            value: type,
            label: req.t(`disputeTypes.${type}`),
            selected: type === query.type,
          })),
          levelOptions: mediationLevels.map((level) => ({
            value: level,
            label: req.t(`levels.${level}`),
            selected: level === query.level,
          })),
          trackOptions: tracks.map((track) => ({
            value: track,
            label: req.t(`tracks.${track}`),
            selected: track === query.track,
          })),
          chartJson: JSON.stringify(chartData),
          unitRates,
          reasonCodes,
          petitions,
        });
      },
    },
    {
      method: 'get',
      path: '/stats.csv',
      access: { action: 'stats.view' },
      handler: async (req, res) => {
        const figures = await stats.figures(actorOf(req), parsedQuery(req));
        const csv = stringify(
          tableOf(figures, req.t).map((row) => [row.label, row.value, row.numerator, row.denominator]),
          {
            header: true,
            columns: [
              req.t('stats.figure'),
              req.t('stats.value'),
              req.t('stats.numerator'),
              req.t('stats.denominator'),
            ],
          },
        );
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="statistics${asOfFileSuffix(figures)}.csv"`,
        );
        res.send(`\uFEFF${csv}`); // Excel opens UTF-8 CSV correctly only with a BOM
      },
    },
  ];
}
