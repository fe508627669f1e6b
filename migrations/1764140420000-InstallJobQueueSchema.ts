import { getConstructionPlans } from 'pg-boss';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Installs pg-boss's tables (schema `pgboss`) and the app's queues with the rest of the
 * schema, so that the write path can queue a timer's job in its own transaction from
 * the first request, whether or not a worker has started yet (pg-boss v10 silently
 * drops a job sent to a queue that does not exist). Later pg-boss versions migrate
 * their own tables when the worker starts (`migrate: true`); the worker also brings
 * each queue's settings up to date (src/shared/jobs/job-queue.ts).
 *
 * pg-boss's plan opens and commits its own transaction (under an advisory lock), so
 * this migration runs outside TypeORM's; each step can be run again.
 */
/** The queues as first created (pg-boss's option names); `create_queue` leaves an existing one alone. */
export const queuesAtInstall = {
  'deadline-timer': { policy: 'stately', retryLimit: 5, retryDelay: 30, retryBackoff: true },
  'deadline-sweep': { policy: 'singleton', retryLimit: 2, retryDelay: 60, expireInSeconds: 1800 },
  'notification-digest': { policy: 'singleton', retryLimit: 2, retryDelay: 60 },
};

export class InstallJobQueueSchema1764140420000 implements MigrationInterface {
  name = 'InstallJobQueueSchema1764140420000';
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    const [{ installed }]: Array<{ installed: boolean }> = await db.query(
      `SELECT to_regclass('pgboss.version') IS NOT NULL AS installed`,
    );
    if (!installed) await db.query(getConstructionPlans('pgboss'));
    for (const [name, options] of Object.entries(queuesAtInstall)) {
      await db.query('SELECT pgboss.create_queue($1, $2::jsonb)', [name, JSON.stringify(options)]);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP SCHEMA IF EXISTS pgboss CASCADE');
  }
}
