import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { parseFilterQuery } from '../shared/http/validate';
import { xlsxMediaType } from '../shared/spreadsheet';
import { unitName } from '../units/unit.presenter';
import type { UnitService } from '../units/unit.service';
import { statsQuerySchema } from './stats.schemas';
import type { StatsService } from './stats.service';
import { statsWorkbook } from './stats-workbook';

/**
 * `GET /stats.xlsx` (issue 21): the statistics page's figures, per-unit table and series as an
 * Excel workbook, with the page's filter (a subtree, type, level, track and period).
 */
export function statsExportRoutes(stats: StatsService, units: UnitService, clock: Clock): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/stats.xlsx',
      access: { action: 'stats.view' },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const query = parseFilterQuery(statsQuerySchema, req.query);
        const [figures, series, petitions, visible] = await Promise.all([
          stats.figures(actor, query),
          stats.series(actor, query),
          stats.petitionFigures(actor, query),
          units.listVisible(actor),
        ]);
        // the petitions' own scope is the page's filter again, already on its sheet
        const { scope: _scope, ...petitionsWithoutScope } = petitions;
        const now = clock.now();
        const workbook = await statsWorkbook(
          // the petitions' figures beside the cases' (their own scope sheet is the page's filter again)
          { ...figures, ...series, petitions: petitionsWithoutScope },
          { t: req.t, unitNames: new Map(visible.map((unit) => [unit.id, unitName(unit, req.locale)])), now },
        );
        const file = Buffer.from(await workbook.xlsx.writeBuffer());
        res.setHeader('Content-Type', xlsxMediaType);
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="statistics-${todayInShanghai(now)}.xlsx"`,
        );
        res.setHeader('Cache-Control', 'no-store');
        res.send(file);
      },
    },
  ];
}
