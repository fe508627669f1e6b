import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute } from '../access/route-table';
import { statsQuerySchema } from './stats.schemas';
import type { StatsService } from './stats.service';

/** `GET /api/v1/stats` (the figures of DOMAIN.md) and `/api/v1/stats/petitions`, each rate with numerator and denominator. */
export function statsRoutes(stats: StatsService): RouteSpec[] {
  return [
    apiRoute({
      method: 'get',
      path: '/api/v1/stats',
      access: { action: 'stats.view' },
      api: {
        operationId: 'getStats',
        tag: 'stats',
        summary: 'The figures supervisors watch, for a subtree, type, level, track and period',
        query: statsQuerySchema,
      },
      handler: async (req, res) => {
        res.json(await stats.figures(actorOf(req), req.input.query));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/api/v1/stats/petitions',
      access: { action: 'stats.view' },
      api: {
        operationId: 'getPetitionStats',
        tag: 'stats',
        summary:
          'Petition figures (信访统计): received, accepted, replied on time, by category and flag, 复查 and 复核 rates',
        query: statsQuerySchema,
      },
      handler: async (req, res) => {
        res.json(await stats.petitionFigures(actorOf(req), req.input.query));
      },
    }),
  ];
}
