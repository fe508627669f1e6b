import { getConstructionPlans } from 'pg-boss';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { queuesAtInstall } from './1764140420000-InstallJobQueueSchema';

/**
 * pg-boss 12 (the app moved to it with Node.js 26) migrates its own tables only from
 * the schema pg-boss 11 left (version 25 on); a database installed by pg-boss 10
 * (version 24) must be reinstalled. Every job there is derived data: a deadline timer's
 * job is rebuilt from its `deadline_timers` row by the sweep the worker runs when it
 * starts, and the worker schedules the hourly sweep and the digest again. So: drop the
 * old schema, install pg-boss 12's, create the queues, and forget the timers' job ids so
 * that the sweep queues a job for each. A database installed by pg-boss 12 (a fresh one:
 * migration 1764140420000 installs the running version) is left alone.
 *
 * Like the install, pg-boss's plan runs its own transaction, so this migration runs
 * outside TypeORM's; run again after a failure part-way, it finishes the job.
 */
const firstVersionPgBoss12Migrates = 25;

export class ReinstallOutdatedJobQueueSchema1764141900000 implements MigrationInterface {
  name = 'ReinstallOutdatedJobQueueSchema1764141900000';
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    const [{ installed }]: Array<{ installed: boolean }> = await db.query(
      `SELECT to_regclass('pgboss.version') IS NOT NULL AS installed`,
    );
    if (installed) {
      const [row]: Array<{ version: number } | undefined> = await db.query(
        'SELECT version FROM pgboss.version',
      );
      if (row && row.version >= firstVersionPgBoss12Migrates) return;
    }
    await db.query('DROP SCHEMA IF EXISTS pgboss CASCADE');
    await db.query(getConstructionPlans('pgboss'));
    for (const [name, options] of Object.entries(queuesAtInstall)) {
      await db.query('SELECT pgboss.create_queue($1, $2::jsonb)', [name, JSON.stringify(options)]);
    }
    await db.query('UPDATE deadline_timers SET job_id = NULL WHERE job_id IS NOT NULL');
  }

  async down(): Promise<void> {
    // pg-boss 10's tables cannot be rebuilt by pg-boss 12; going back means reinstalling
    // pg-boss 10 and letting its worker's sweep queue the timers' jobs again.
  }
}
