import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { parseOrThrow } from '../shared/http/validate';
import { statsQuerySchema } from './stats.schemas';
import type { StatsService } from './stats.service';

/** `GET /api/v1/stats`: the figures of DOMAIN.md, each with numerator and denominator. */
export function statsRoutes(stats: StatsService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/api/v1/stats',
      access: { action: 'stats.view' },
      api: {
        tag: 'stats',
        summary: 'The figures supervisors watch, for a subtree, type, level, track and period',
        query: statsQuerySchema,
      },
      handler: async (req, res) => {
        res.json(await stats.figures(actorOf(req), parseOrThrow(statsQuerySchema, req.query)));
      },
    },
  ];
}
