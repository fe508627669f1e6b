import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import type { CaseDashboardService } from '../cases/case-dashboard.service';
import { dashboardView } from '../cases/dashboard.view-model';

/** The start page: the dashboard (我的工作台) — what needs the signed-in user now. */
export function homeRoutes(dashboard: CaseDashboardService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/',
      access: 'signedIn',
      handler: async (req, res) => {
        const flash = req.session.flash;
        delete req.session.flash;
        const actor = actorOf(req);
        const view = dashboardView(await dashboard.forActor(actor), actor, { t: req.t, locale: req.locale });
        res.render('home/index', { ...view, flash: flash ? req.t(flash) : null });
      },
    },
  ];
}
