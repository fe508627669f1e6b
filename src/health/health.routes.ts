import type { DataSource } from 'typeorm';
import type { RouteSpec } from '../access/route-table';
import { migrationsAreCurrent } from '../shared/db/data-source';

/**
 * /healthz: the process answers. /readyz: the database answers and its schema is
 * current, so a load balancer may send traffic.
 */
export function healthRoutes(
  db: DataSource,
  extraChecks: Record<string, () => Promise<string>> = {},
): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/healthz',
      access: 'public',
      handler: (_req, res) => {
        res.json({ status: 'ok' });
      },
    },
    {
      method: 'get',
      path: '/readyz',
      access: 'public',
      handler: async (_req, res) => {
        const checks: Record<string, string> = {};
        let ready = true;
        try {
          await db.query('SELECT 1');
          checks.database = 'ok';
          const current = await migrationsAreCurrent(db);
          checks.migrations = current ? 'current' : 'pending';
          ready = current;
        } catch (error) {
          checks.database = `unreachable: ${(error as Error).message}`;
          ready = false;
        }
        for (const [name, check] of Object.entries(extraChecks)) {
          try {
            checks[name] = await check();
          } catch (error) {
            checks[name] = `failing: ${(error as Error).message}`;
            ready = false;
          }
        }
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
      },
    },
  ];
}
