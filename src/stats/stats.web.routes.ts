import { stringify } from 'csv-stringify/sync';
import type { Request } from 'express';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { parseOrThrow } from '../shared/http/validate';
import { mediationLevels } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import type { UnitService } from '../units/unit.service';
import { unitSelectOptions } from '../units/unit-options';
import { disputeTypes, tracks } from '../workflows/rules/dispute-rules.types';
import { statsQuerySchema } from './stats.schemas';
import type { Figure, StatsService } from './stats.service';
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

  async function rows(req: Request) {
    const actor = actorOf(req);
    const query = parseOrThrow(statsQuerySchema, emptyToUndefined(req.query));
    const figures = await stats.figures(actor, query);
    const table = [
      {
        key: 'received',
        label: req.t('stats.figures.received'),
        value: String(figures.received),
        numerator: '',
        denominator: '',
      },
      ...rateNames.map((name) => ({
        key: name,
        label: req.t(`stats.figures.${name}`),
        value: percent(figures[name]),
        numerator: String(figures[name].numerator),
        denominator: String(figures[name].denominator),
      })),
      {
        key: 'overdueCount',
        label: req.t('stats.figures.overdueCount'),
        value: String(figures.overdueCount),
        numerator: '',
        denominator: '',
      },
      {
        key: 'medianDaysToClose',
        label: req.t('stats.figures.medianDaysToClose'),
        value: figures.medianDaysToClose === null ? '—' : String(figures.medianDaysToClose),
        numerator: '',
        denominator: '',
      },
    ];
    return { actor, query, figures, table };
  }

  return [
    {
      method: 'get',
      path: '/stats',
      access: { action: 'stats.view' },
      handler: async (req, res) => {
        const { actor, query, figures, table } = await rows(req);
        const [series, visible, petitionFigures] = await Promise.all([
          stats.series(actor, query),
          units.listVisible(actor),
          stats.petitionFigures(actor, query),
        ]);
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
        const { table } = await rows(req);
        const csv = stringify(
          table.map((row) => [row.label, row.value, row.numerator, row.denominator]),
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
        res.setHeader('Content-Disposition', 'attachment; filename="statistics.csv"');
        res.send(`\uFEFF${csv}`); // Excel opens UTF-8 CSV correctly only with a BOM
      },
    },
  ];
}
