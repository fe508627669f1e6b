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
        const [report, visible] = await Promise.all([stats.report(actor, query), units.listVisible(actor)]);
        // the petitions' own scope is the page's filter again, already on its sheet
        const { scope: _scope, ...petitionsWithoutScope } = report.petitions;
        const now = clock.now();
        const workbook = await statsWorkbook(
          // the petitions' figures beside the cases' (their own scope sheet is the page's filter again)
          { ...report.figures, ...report.series, petitions: petitionsWithoutScope },
          {
            t: req.t,
            unitNames: new Map(visible.map((unit) => [unit.id, unitName(unit, req.locale)])),
            now,
            // read from the standby: the filter sheet says as of when, under the moment of the export
            dataAsOf: report.readFrom === 'standby' ? report.asOf : undefined,
          },
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
