import type { RouteSpec } from '../access/route-table';
import { actorOf, originOf } from '../access/route-table';
import { daysLeftText } from '../deadlines/days-left.presenter';
import { provisionalText } from '../deadlines/provisional.presenter';
import { formatPlainDate } from '../shared/format';
import { unitName } from '../units/unit.presenter';
import type { UnitService } from '../units/unit.service';
import type { SupervisionService } from './supervision.service';

/** The overdue list (by how late, by unit) and the audit-chain check of the whole subtree. */
export function supervisionRoutes(supervision: SupervisionService, units: UnitService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/supervision/overdue',
      access: { action: 'supervision.view' },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const [rows, visible] = await Promise.all([supervision.overdue(actor), units.listVisible(actor)]);
        const names = new Map(visible.map((unit) => [unit.id, unitName(unit, req.locale)]));
        const byUnit = new Map<string, number>();
        for (const row of rows) byUnit.set(row.holding_unit_id, (byUnit.get(row.holding_unit_id) ?? 0) + 1);
        res.render('supervision/overdue', {
          title: req.t('supervision.overdueTitle'),
          total: rows.length,
          units: [...byUnit]
            .sort((a, b) => b[1] - a[1])
            .map(([id, count]) => ({ name: names.get(id) ?? id, count })),
          cases: rows.map((row) => ({
            ...row,
            unit: names.get(row.holding_unit_id) ?? '',
            due: formatPlainDate(row.deadline_due, req.locale),
            late: daysLeftText(-row.daysLate, req.t),
            provisional: provisionalText(row.yearsWithoutNotice, req.t, req.locale),
          })),
        });
      },
    },
    {
      method: 'get',
      path: '/supervision/verify',
      access: { action: 'supervision.view' },
      handler: (req, res) => {
        res.render('supervision/verify', { title: req.t('supervision.verifyTitle') });
      },
    },
    {
      method: 'post',
      path: '/supervision/verify',
      access: { action: 'supervision.view' },
      handler: async (req, res) => {
        const result = await supervision.verifySubtree(actorOf(req), originOf(req).ip);
        res.render('supervision/verify', {
          title: req.t('supervision.verifyTitle'),
          result,
          valid: result.broken.length === 0,
        });
      },
    },
  ];
}
