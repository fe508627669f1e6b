import type { DataSource } from 'typeorm';
import type { Clock } from '../shared/clock';
import type { UnitRepository } from '../units/unit.repository';
import { PetitionStatsRepository } from './petition-stats.repository';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/** The statistics (cases and petitions), built once by the composition root. */
export function buildStats(deps: { db: DataSource; units: UnitRepository; clock: Clock }): StatsService {
  return new StatsService(
    new StatsRepository(deps.db),
    deps.units,
    deps.clock,
    new PetitionStatsRepository(deps.db),
  );
}
