import type { RouteSpec } from '../access/route-table';
import type { ScreeningRepository } from './screening.repository';
import { screeningRoutes } from './screening.routes';
import type { ScreeningService } from './screening.service';
import type { ScreeningItemCaseService } from './screening-item-case.service';
import type { ScreeningOverviewService } from './screening-overview.service';

/** Every route of conflict screening (矛盾纠纷排查): the API, then the pages. */
export function conflictScreeningRoutes(services: {
  screenings: ScreeningService;
  screeningItemCases: ScreeningItemCaseService;
  screeningOverview: ScreeningOverviewService;
  screeningReports: ScreeningRepository;
}): RouteSpec[] {
  return [...screeningRoutes({ screenings: services.screenings, itemCases: services.screeningItemCases })];
}
