import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { type Freshness, freshnessOf, type ReadsOf } from '../shared/db/read-replica';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { UnitRepository } from '../units/unit.repository';
import { escalationReasonCodes } from '../workflows/case-events/case-events';
import { petitionCategories } from '../workflows/rules/petition-rules.types';
import type { PetitionStatsRepository } from './petition-stats.repository';
import type { ReasonCodeCounts, ScopedStatsQuery, StatsRepository } from './stats.repository';
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
 * Escalations by reason code (上报原因), every code listed (none given: `null`, last): how many,
 * their share of all the escalations, and how many of those reviewed were questioned.
 */
function reasonCodeFigures(rows: ReasonCodeCounts[]) {
  const total = rows.reduce((sum, row) => sum + row.escalations, 0);
  const codes: Array<string | null> = [...escalationReasonCodes];
  if (rows.some((row) => row.reasonCode === null)) codes.push(null);
  return codes.map((reasonCode) => {
    const row = rows.find((entry) => entry.reasonCode === reasonCode);
    return {
      reasonCode,
      escalations: row?.escalations ?? 0,
      share: ratio(row?.escalations ?? 0, total),
      questionedRate: ratio(row?.questioned ?? 0, row?.reviewed ?? 0),
    };
  });
}

/** The repositories the figures are read with, on the standby or the primary (src/shared/db/read-replica.ts). */
export interface StatsReaders {
  stats: StatsRepository;
  petitions: PetitionStatsRepository;
}

/** The subtree the figures cover: its root unit and path. */
interface StatsScope {
  path: string;
  unitId: string;
}

async function scoped(on: StatsReaders, scope: StatsScope, query: StatsQuery): Promise<ScopedStatsQuery> {
  return { ...query, scopeUnitIds: await on.stats.unitIdsUnder(scope.path) };
}

/** The case figures of DOMAIN.md for the subtree and filter. */
async function caseFigures(on: StatsReaders, scope: StatsScope, query: StatsQuery, today: string) {
  const filter = await scoped(on, scope, query);
  const [cases, agreements, handOffs] = await Promise.all([
    on.stats.caseCounts(filter),
    on.stats.agreementCounts(filter, today),
    on.stats.handOffFigures(filter),
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
    // each rate over the cases the unit held, each case counted once (src/stats/CONTEXT.md)
    byUnit: handOffs.byUnit.map((unit) => ({
      unitId: unit.unitId,
      held: unit.held,
      handOffs: unit.handOffs,
      escalationRate: ratio(unit.escalatedCases, unit.held),
      returnRate: ratio(unit.returnedCases, unit.held),
      transferRate: ratio(unit.transferredCases, unit.held),
      questionedRate: ratio(unit.questioned, unit.reviewed),
    })),
    byReasonCode: reasonCodeFigures(handOffs.byReasonCode),
  };
}

/** The petition figures (信访统计) of the subtree's petitions received in the period. */
async function petitionFigures(on: StatsReaders, scope: StatsScope, query: StatsQuery) {
  const counts = await on.petitions.counts({
    scopeUnitIds: await on.stats.unitIdsUnder(scope.path),
    from: query.from,
    to: query.to,
  });
  return {
    scope: { unitId: scope.unitId, from: query.from ?? null, to: query.to ?? null },
    received: counts.received,
    accepted: counts.accepted,
    acceptanceRate: ratio(counts.accepted, counts.decided),
    onTimeReplyRate: ratio(counts.repliedOnTime, counts.repliedWithPeriod),
    reviewRate: ratio(counts.reviewRequested, counts.repliedClaims),
    recheckRate: ratio(counts.recheckRequested, counts.reviewDecided),
    byCategory: petitionCategories.map((category) => {
      const row = counts.byCategory.find((entry) => entry.category === category);
      return {
        category,
        received: row?.received ?? 0,
        accepted: row?.accepted ?? 0,
        replied: row?.replied ?? 0,
      };
    }),
    byFlag: (
      [
        ['repeat', counts.flagRepeat],
        ['group', counts.flagGroup],
        ['skipLevel', counts.flagSkipLevel],
      ] as const
    ).map(([flag, count]) => ({ flag, count, share: ratio(count, counts.received) })),
  };
}

/** The series the statistics page charts. */
async function series(on: StatsReaders, scope: StatsScope, query: StatsQuery) {
  const filter = await scoped(on, scope, query);
  const [monthly, breakdowns] = await Promise.all([on.stats.monthly(filter), on.stats.breakdowns(filter)]);
  return { monthly, ...breakdowns };
}

export type CaseFigures = Awaited<ReturnType<typeof caseFigures>>;
export type PetitionFigures = Awaited<ReturnType<typeof petitionFigures>>;

/**
 * The figures supervisors watch (DOMAIN.md "Figures supervisors watch"), for a unit
 * subtree, type, level, track and period — the page and `GET /api/v1/stats` alike. The
 * access decision is taken here, on the primary; the figures are read where `reads` sends
 * them (a standby when one serves, src/shared/db/read-replica.ts), and say as of when.
 */
export class StatsService {
  constructor(
    private readonly reads: ReadsOf<StatsReaders>,
    private readonly units: UnitRepository,
    private readonly clock: Clock,
  ) {}

  /** The subtree the figures cover: the caller's own, or a unit within it. */
  private async scopeOf(actor: Actor, unitId: string | undefined): Promise<StatsScope> {
    if (!policy.can(actor, 'stats.view')) throw new ForbiddenError();
    if (!unitId) return { path: policy.statsScopeOf(actor), unitId: actor.unitId };
    const unit = await this.units.findById(unitId);
    if (!unit || !policy.canSeeStatsOf(actor, unit.path)) throw new NotFoundError();
    return { path: unit.path, unitId: unit.id };
  }

  /** The case figures, with their freshness (`GET /api/v1/stats`, the hand-off review page). */
  async figures(actor: Actor, query: StatsQuery): Promise<CaseFigures & Freshness> {
    const scope = await this.scopeOf(actor, query.unitId);
    const today = todayInShanghai(this.clock.now());
    const read = await this.reads.read((on) => caseFigures(on, scope, query, today));
    return { ...read.value, ...freshnessOf(read) };
  }

  /**
   * The petition figures (信访统计) of the subtree's petitions received in the period:
   * acceptance, on-time reply, 复查 and 复核 rates, by category (信访工作条例 §31) and flag.
   */
  async petitionFigures(actor: Actor, query: StatsQuery): Promise<PetitionFigures & Freshness> {
    const scope = await this.scopeOf(actor, query.unitId);
    const read = await this.reads.read((on) => petitionFigures(on, scope, query));
    return { ...read.value, ...freshnessOf(read) };
  }

  /**
   * Everything the statistics page and its workbook show — the case figures, the series, the
   * petition figures — read in one go from one place, with their freshness.
   */
  async report(actor: Actor, query: StatsQuery) {
    const scope = await this.scopeOf(actor, query.unitId);
    const today = todayInShanghai(this.clock.now());
    const read = await this.reads.read(async (on) => {
      const [figures, charted, petitions] = await Promise.all([
        caseFigures(on, scope, query, today),
        series(on, scope, query),
        petitionFigures(on, scope, query),
      ]);
      return { figures, series: charted, petitions };
    });
    return { ...read.value, ...freshnessOf(read) };
  }
}
