import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { UnitRepository } from '../units/unit.repository';
import type { StatsRepository } from './stats.repository';
import type { StatsQuery } from './stats.schemas';

/** A figure with what it is made of, so a supervisor can check it. */
export interface Figure {
  value: number | null;
  numerator: number;
  denominator: number;
}

const ratio = (numerator: number, denominator: number): Figure => ({
  value: denominator === 0 ? null : Math.round((numerator / denominator) * 10000) / 10000,
  numerator,
  denominator,
});

/**
 * The figures supervisors watch (DOMAIN.md "Figures supervisors watch"), for a unit
 * subtree, type, level, track and period — the page and `GET /api/v1/stats` alike.
 */
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly units: UnitRepository,
    private readonly clock: Clock,
  ) {}

  /** The subtree the figures cover: the caller's own, or a unit within it. */
  private async scopeOf(actor: Actor, unitId: string | undefined): Promise<{ path: string; unitId: string }> {
    if (!policy.can(actor, 'stats.view')) throw new ForbiddenError();
    if (!unitId) return { path: policy.statsScopeOf(actor), unitId: actor.unitId };
    const unit = await this.units.findById(unitId);
    if (!unit || !policy.canSeeStatsOf(actor, unit.path)) throw new NotFoundError();
    return { path: unit.path, unitId: unit.id };
  }

  async figures(actor: Actor, query: StatsQuery) {
    const scope = await this.scopeOf(actor, query.unitId);
    const scoped = { ...query, scopeUnitIds: await this.stats.unitIdsUnder(scope.path) };
    const today = todayInShanghai(this.clock.now());
    const [cases, agreements, handOffs] = await Promise.all([
      this.stats.caseCounts(scoped),
      this.stats.agreementCounts(scoped, today),
      this.stats.handOffFigures(scoped),
    ]);
    return {
      scope: {
        unitId: scope.unitId,
        from: query.from ?? null,
        to: query.to ?? null,
        type: query.type ?? null,
        level: query.level ?? null,
        track: query.track ?? null,
      },
      received: cases.received,
      handlingRate: ratio(cases.screened, cases.received),
      closureRate: ratio(cases.closed, cases.received),
      onTimeClosureRate: ratio(cases.closedOnTime, cases.closed),
      mediationSuccessRate: ratio(cases.resolvedAfterMediation, cases.closedAfterMediation),
      agreementFulfilmentRate: ratio(agreements.fulfilled, agreements.due),
      lowestLevelResolutionRate: ratio(cases.resolvedAtRegisteredLevel, cases.resolved),
      escalationRate: ratio(handOffs.escalatedCases, cases.accepted),
      questionedEscalationRate: ratio(handOffs.overall.questioned, handOffs.overall.reviewed),
      overdueCount: cases.overdue,
      medianDaysToClose:
        cases.medianDaysToClose === null ? null : Math.round(cases.medianDaysToClose * 10) / 10,
      byUnit: handOffs.byUnit.map((unit) => ({
        unitId: unit.unitId,
        escalationRate: ratio(unit.handOffs, unit.held),
        questionedRate: ratio(unit.questioned, unit.reviewed),
      })),
    };
  }

  /** The series the statistics page charts. */
  async series(actor: Actor, query: StatsQuery) {
    const scope = await this.scopeOf(actor, query.unitId);
    const scoped = { ...query, scopeUnitIds: await this.stats.unitIdsUnder(scope.path) };
    const [monthly, breakdowns] = await Promise.all([
      this.stats.monthly(scoped),
      this.stats.breakdowns(scoped),
    ]);
    return { monthly, ...breakdowns };
  }
}
