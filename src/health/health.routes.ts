import type { RouteSpec } from '../access/route-table';
import type { DatabaseHealth } from '../shared/db/database-health';

/** /readyz answers within this, whatever the database does: a probe gives up after about 2 s. */
export const readinessTimeoutMs = 1500;

export interface ReadinessOptions {
  /** More checks, e.g. the background worker's state: a short description, or a throw. */
  checks?: Record<string, () => Promise<string>>;
  /** True once the process is shutting down: /readyz answers 503 at once, while requests are still served. */
  stopping?: () => boolean;
}

/** Rejects when `work` has not settled within `ms`. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * /healthz: liveness — the process answers (a supervisor restarts it when it does not).
 * /readyz: readiness — the database answers within 1.5 s, its schema is current and every
 * further check passes, so a load balancer may send traffic; else 503 with the failing
 * check, and 503 at once while the process shuts down.
 */
export function healthRoutes(database: DatabaseHealth, readiness: ReadinessOptions = {}): RouteSpec[] {
  const extraChecks = readiness.checks ?? {};
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
        if (readiness.stopping?.()) {
          res.status(503).json({ status: 'stopping', checks: {} });
          return;
        }
        const checks: Record<string, string> = {};
        let ready = true;
        const databaseCheck = within(
          (async () => {
            await database.ping(readinessTimeoutMs);
            return (await database.schemaIsCurrent()) ? 'current' : 'pending';
          })(),
          readinessTimeoutMs,
        ).then(
          (migrations) => {
            checks.database = 'ok';
            checks.migrations = migrations;
            if (migrations !== 'current') ready = false;
          },
          (error: Error) => {
            checks.database = `unreachable: ${error.message}`;
            ready = false;
          },
        );
        const others = Object.entries(extraChecks).map(([name, check]) =>
          within(check(), readinessTimeoutMs).then(
            (state) => {
              checks[name] = state;
            },
            (error: Error) => {
              checks[name] = `failing: ${error.message}`;
              ready = false;
            },
          ),
        );
        await Promise.all([databaseCheck, ...others]);
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
      },
    },
  ];
}
