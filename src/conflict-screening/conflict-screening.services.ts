import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions } from '../shared/db/transactions';
import type { UnitRepository } from '../units/unit.repository';
import { ScreeningRepository } from './screening.repository';
import { ScreeningService } from './screening.service';
import { type CaseRegistrar, ScreeningItemCaseService } from './screening-item-case.service';
import { ScreeningMissingService } from './screening-missing.service';
import { ScreeningOverviewService } from './screening-overview.service';

/**
 * Conflict screening (矛盾纠纷排查, issue 21), built once by the composition root: rounds and their
 * items, an item made a case, the missing-report job, the supervisors' overview. `screeningReports`
 * is the flat query an export reads (ScreeningRepository.reportRows).
 */
export function buildConflictScreening(deps: {
  db: ConstructorParameters<typeof ScreeningRepository>[0];
  transactions: Transactions;
  audit: AuditService;
  clock: Clock;
  unitRepository: UnitRepository;
  registrar: CaseRegistrar;
}) {
  const { transactions, audit, clock } = deps;
  const screenings = new ScreeningRepository(deps.db);
  return {
    screenings: new ScreeningService({ transactions, screenings, units: deps.unitRepository, audit, clock }),
    screeningItemCases: new ScreeningItemCaseService({
      transactions,
      screenings,
      registrar: deps.registrar,
      audit,
    }),
    screeningMissing: new ScreeningMissingService({ transactions, screenings, clock }),
    screeningOverview: new ScreeningOverviewService({ screenings, units: deps.unitRepository, clock }),
    screeningReports: screenings,
    /** The grid blocks a round's items may name (the unit's subtree). */
    screeningGrids: deps.unitRepository as Pick<UnitRepository, 'findGridsWithin'>,
  };
}
