import { Router } from 'express';

/** The landing page. The mediator's dashboard (我的工作台) will replace it. */
export function homeRoutes(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.render('home/index', { title: req.t('home.title') });
  });
  return router;
}
