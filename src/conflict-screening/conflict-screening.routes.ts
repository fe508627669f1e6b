import type { RouteSpec } from '../access/route-table';
import type { Clock } from '../shared/clock';
import type { UnitRepository } from '../units/unit.repository';
import type { ScreeningRepository } from './screening.repository';
import { screeningRoutes } from './screening.routes';
import type { ScreeningService } from './screening.service';
import { screeningWebRoutes } from './screening.web.routes';
import type { ScreeningItemCaseService } from './screening-item-case.service';
import type { ScreeningOverviewService } from './screening-overview.service';

/** Every route of conflict screening (矛盾纠纷排查): the API, then the pages. */
export function conflictScreeningRoutes(
  services: {
    screenings: ScreeningService;
    screeningItemCases: ScreeningItemCaseService;
    screeningOverview: ScreeningOverviewService;
    screeningReports: ScreeningRepository;
    screeningGrids: Pick<UnitRepository, 'findGridsWithin'>;
  },
  clock: Clock,
): RouteSpec[] {
  const { screenings, screeningItemCases: itemCases } = services;
  return [
    ...screeningRoutes({ screenings, itemCases }),
    ...screeningWebRoutes({
      screenings,
      itemCases,
      overview: services.screeningOverview,
      units: services.screeningGrids,
      clock,
    }),
  ];
}
