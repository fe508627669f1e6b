import type { RouteSpec } from '../access/route-table';

/** The start page. The mediator's dashboard (我的工作台) will fill it. */
export function homeRoutes(): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/',
      access: 'signedIn',
      handler: (req, res) => {
        const flash = req.session.flash;
        delete req.session.flash;
        res.render('home/index', { title: req.t('home.title'), flash: flash ? req.t(flash) : null });
      },
    },
  ];
}
