import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import type { CaseDashboardService } from '../cases/case-dashboard.service';
import { dashboardView } from '../cases/dashboard.view-model';
import type { AgentHomeService } from '../petitions/agent-home.service';
import { agentHomeView } from '../petitions/agent-home.view-model';

/**
 * The start page: the dashboard (我的工作台) — what needs the signed-in user now; for a petition
 * agent, their petitions and visits (the agent's home, made for a phone).
 */
export function homeRoutes(dashboard: CaseDashboardService, agentHome?: AgentHomeService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/',
      access: 'signedIn',
      handler: async (req, res) => {
        const flash = req.session.flash;
        delete req.session.flash;
        const actor = actorOf(req);
        const context = { t: req.t, locale: req.locale };
        const shownFlash = flash ? req.t(flash) : null;
        const agent = await agentHome?.forActor(actor, req.locale);
        const view = dashboardView(await dashboard.forActor(actor), actor, context);
        if (agent) {
          // the cases their petitions went to (诉访分离) follow the petitions, as the dashboard lists them
          res.render('home/agent', {
            ...agentHomeView(agent, context),
            recent: view.recent,
            flash: shownFlash,
          });
          return;
        }
        res.render('home/index', { ...view, flash: shownFlash });
      },
    },
  ];
}
