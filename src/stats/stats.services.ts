import type { Clock } from '../shared/clock';
import { type Reads, readsOf } from '../shared/db/read-replica';
import type { UnitRepository } from '../units/unit.repository';
import { PetitionStatsRepository } from './petition-stats.repository';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/**
 * The statistics (cases and petitions), built once by the composition root. Their queries run
 * where `reads` sends them: a standby (DATABASE_READ_URL) when one is configured and fresh
 * enough, the primary otherwise — the same queries on either, with the same scope.
 */
export function buildStats(deps: { reads: Reads; units: UnitRepository; clock: Clock }): StatsService {
  return new StatsService(
    readsOf(deps.reads, (db) => ({
      stats: new StatsRepository(db),
      petitions: new PetitionStatsRepository(db),
    })),
    deps.units,
    deps.clock,
  );
}
