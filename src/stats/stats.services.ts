import type { Clock } from '../shared/clock';
import type { UnitRepository } from '../units/unit.repository';
import { PetitionStatsRepository } from './petition-stats.repository';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/** The statistics (cases and petitions), built once by the composition root. */
export function buildStats(deps: {
  /** The app's data source, as the statistics repositories take it. */
  db: ConstructorParameters<typeof StatsRepository>[0] &
    ConstructorParameters<typeof PetitionStatsRepository>[0];
  units: UnitRepository;
  clock: Clock;
}): StatsService {
  return new StatsService(
    new StatsRepository(deps.db),
    deps.units,
    deps.clock,
    new PetitionStatsRepository(deps.db),
  );
}
