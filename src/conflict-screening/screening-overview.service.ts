import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { Clock } from '../shared/clock';
import { NotFoundError } from '../shared/errors';
import type { UnitRepository } from '../units/unit.repository';
import type { ScreeningRepository } from './screening.repository';
import { periodOf, periodsUpTo } from './screening-period';

/** What a report of a unit for a period is: items found, a zero report, not filed (yet), or missing (period over). */
export type ReportStatus = 'filed' | 'zero' | 'pending' | 'missing' | 'notOwed';

/**
 * The supervisors' overview: the workstations of their subtree × the last months (filed / zero /
 * missing), and the high-risk items (grade ≥ 3) first.
 */
export class ScreeningOverviewService {
  constructor(
    private readonly deps: {
      screenings: ScreeningRepository;
      units: Pick<UnitRepository, 'findById'>;
      clock: Clock;
    },
  ) {}

  async overview(actor: Actor, options: { unitId?: string; months?: number } = {}) {
    let path = actor.unitPath;
    if (options.unitId) {
      const unit = await this.deps.units.findById(options.unitId);
      if (!unit || !policy.canSeeScreeningOf(actor, unit)) throw new NotFoundError();
      path = unit.path;
    }
    const current = periodOf(this.deps.clock.now());
    const periods = periodsUpTo(current, options.months ?? 6);
    const [cells, highRisk] = await Promise.all([
      this.deps.screenings.overview(path, periods),
      this.deps.screenings.highRiskItems(path, periods),
    ]);
    const units = new Map<
      string,
      {
        unitId: string;
        nameZh: string;
        nameEn: string;
        cells: Array<{
          period: string;
          status: ReportStatus;
          items: number;
          highRisk: number;
          roundId: string | null;
        }>;
      }
    >();
    for (const cell of cells) {
      const row = units.get(cell.unitId) ?? {
        unitId: cell.unitId,
        nameZh: cell.unitNameZh,
        nameEn: cell.unitNameEn,
        cells: [],
      };
      const status: ReportStatus = cell.roundId
        ? cell.items > 0
          ? 'filed'
          : 'zero'
        : cell.period === current
          ? 'pending'
          : cell.owed
            ? 'missing'
            : 'notOwed';
      row.cells.push({
        period: cell.period,
        status,
        items: cell.items,
        highRisk: cell.highRisk,
        roundId: cell.roundId,
      });
      units.set(cell.unitId, row);
    }
    return { periods, units: [...units.values()], highRisk };
  }
}
