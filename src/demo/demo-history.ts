import type { DataSource } from 'typeorm';
import type { Config } from '../../config/environment';
import type { Actor } from '../access/actor';
import { buildServices } from '../composition-root';
import { demoAccounts } from './demo-accounts';
import { caseHistory } from './demo-case-history';
import { SeedingClock } from './demo-clock';
import { groupHistory } from './demo-group-history';
import type { HistoryContext, HistoryKind } from './demo-history-context';
import { petitionHistory } from './demo-petition-history';
import { DemoRandom } from './demo-random';
import { screeningHistory } from './demo-screening-history';

/**
 * Every kind of demo history, told in this order, each over the same year (the cases' risk grades
 * are told with the cases). A new kind (appointments …) is one more `HistoryKind` in its own file, added here.
 */
export const historyKinds: ReadonlyArray<readonly [string, HistoryKind]> = [
  ['cases', caseHistory],
  ['petitions', petitionHistory],
  ['screening', screeningHistory],
  ['groups', groupHistory],
];

/** The demo's seed: the same history on every first start. */
const demoSeed = 20_261_203;
const yearMs = 365 * 86_400_000;
const lockName = 'seed-demo-history';

export interface DemoHistoryResult {
  /** False when the database already holds cases (seeded before, or in use): nothing was written. */
  seeded: boolean;
  tally: Record<string, number>;
  elapsedMs: number;
}

async function contextFor(db: DataSource, config: Config, until: Date): Promise<HistoryContext> {
  const from = new Date(until.getTime() - yearMs);
  const clock = new SeedingClock(from);
  // the real write path, on a clock the seed moves through the year
  const services = buildServices({ db, config, clock });
  // as the server does before the first event (a no-op once done): the chains keyed with AUDIT_KEY
  await services.chainKeying.ensureKeyed();
  await services.calendarCache.load();
  const actors = new Map<string, Actor>();
  const users: Array<{ id: string; username: string }> = await db.query(
    'SELECT id, username FROM users WHERE username = ANY($1)',
    [demoAccounts.map((account) => account.username)],
  );
  for (const user of users) {
    const actor = await services.actors.load(user.id);
    if (actor) actors.set(user.username, actor);
  }
  const units: Array<{ id: string; code: string }> = await db.query('SELECT id, code FROM units');
  const grids: Array<{ id: string; code: string }> = await db.query(
    'SELECT g.id, u.code FROM grids g JOIN units u ON u.id = g.community_id ORDER BY g.code',
  );
  const gridIds = new Map<string, string[]>();
  for (const grid of grids) gridIds.set(grid.code, [...(gridIds.get(grid.code) ?? []), grid.id]);
  return {
    services,
    clock,
    random: new DemoRandom(demoSeed),
    actors,
    unitIds: new Map(units.map((unit) => [unit.code, unit.id])),
    gridIds,
    pendingEscalationOf: async (caseId) => {
      const [row] = await db.query(
        "SELECT id FROM escalations WHERE case_id = $1 AND status = 'pending' ORDER BY created_at DESC LIMIT 1",
        [caseId],
      );
      return row?.id ?? null;
    },
    from,
    until,
    tally: {},
  };
}

/**
 * A year of history at the demo units (issue 21), up to `until` (the real now): cases and
 * petitions made by the real write path with the clock moved through the year. Once: under a
 * session advisory lock (two instances starting together wait for each other), and only on a
 * database with no case yet, so a restart or a second instance writes nothing.
 */
export async function seedDemoHistory(
  db: DataSource,
  config: Config,
  until: Date,
): Promise<DemoHistoryResult> {
  const started = Date.now();
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    // the other instance may take its time telling the year: wait for it by asking again, not in one
    // query (which the pool's query timeout would cut short)
    for (;;) {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        lockName,
      ]);
      if (locked) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    try {
      const [{ any }] = await runner.query('SELECT EXISTS (SELECT 1 FROM cases) AS any');
      if (any) return { seeded: false, tally: {}, elapsedMs: Date.now() - started };
      const context = await contextFor(db, config, until);
      for (const [, tell] of historyKinds) await tell(context);
      return { seeded: true, tally: context.tally, elapsedMs: Date.now() - started };
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
    }
  } finally {
    await runner.release();
  }
}
