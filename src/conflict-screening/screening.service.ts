import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Notification } from '../notifications/outbox';
import { enqueueNotifications } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError } from '../shared/errors';
import type { Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import { alertsSupervisors } from '../workflows/rules/risk-grade';
import type { ScreeningItemRow, ScreeningRepository, ScreeningRoundRow } from './screening.repository';
import type { FileScreeningInput, ScreeningListQuery } from './screening.schemas';
import { periodOf } from './screening-period';

/** A round as the API and the pages read it. */
export interface ScreeningRound {
  round: ScreeningRoundRow;
  items: ScreeningItemRow[];
}

/**
 * 矛盾纠纷排查 rounds: filing (items or a zero report), reading. A second filing for the same unit
 * and period ADDS its items to the round already filed (排查 goes on through the month); a zero
 * report on a round that has items is refused (409): the month did not turn out empty.
 */
export class ScreeningService {
  constructor(
    private readonly deps: {
      transactions: Transactions;
      screenings: ScreeningRepository;
      units: Pick<UnitRepository, 'findById' | 'isGridWithin'>;
      audit: AuditService;
      clock: Clock;
    },
  ) {}

  file(actor: Actor, input: FileScreeningInput, origin: RequestOrigin): Promise<ScreeningRound> {
    const { transactions, screenings, audit, clock } = this.deps;
    return transactions.run(async (tx) => {
      const unit = await this.unitToFileAt(tx, actor, input.unitId);
      const now = clock.now();
      if (input.period > periodOf(now))
        throw new RuleViolationError('screening_period_ahead', [
          { field: 'period', message: 'screening.validation.period_ahead' },
        ]);
      await this.checkGrids(tx, unit, input);
      const opened = await screenings.openRound(tx, {
        unitId: unit.id,
        period: input.period,
        filedBy: actor.id,
        now,
      });
      const before = opened.created ? [] : await screenings.itemsOf([opened.id], tx);
      if (input.items.length === 0 && before.length > 0) throw new ConflictError('screening_not_zero');
      const added = await screenings.insertItems(tx, opened.id, input.items, { by: actor.id, at: now });
      await enqueueNotifications(tx, this.alertsFor(unit, input.period, added));
      await audit.record(
        origin,
        {
          action: 'screening.filed',
          target: { type: 'screening_round', id: opened.id },
          details: {
            unitId: unit.id,
            period: input.period,
            added: added.length,
            zeroReport: added.length + before.length === 0,
          },
        },
        tx,
      );
      const round = await screenings.findRound(opened.id, tx);
      if (!round) throw new Error('the round just filed is gone');
      return { round, items: [...before, ...added].sort((a, b) => b.riskGrade - a.riskGrade) };
    });
  }

  async get(actor: Actor, id: string): Promise<ScreeningRound> {
    const round = await this.deps.screenings.findRound(id);
    if (!round || !policy.canSeeScreeningOf(actor, { id: round.unitId, path: round.unitPath }))
      throw new NotFoundError();
    return { round, items: await this.deps.screenings.itemsOf([round.id]) };
  }

  /** An item the caller may read, for the route guard (404 otherwise). */
  async getItemVisible(actor: Actor, itemId: string): Promise<{ id: string; roundId: string }> {
    const item = await this.deps.screenings.findItemUnit(itemId);
    if (!item || !policy.canSeeScreeningOf(actor, { id: item.unitId, path: item.unitPath }))
      throw new NotFoundError();
    return { id: itemId, roundId: item.roundId };
  }

  /** This unit's round of this period, if filed (the workstation's page). */
  async roundOf(actor: Actor, unitId: string, period: string): Promise<ScreeningRound | null> {
    const round = await this.deps.screenings.findRoundOf(unitId, period);
    if (!round || !policy.canSeeScreeningOf(actor, { id: round.unitId, path: round.unitPath })) return null;
    return { round, items: await this.deps.screenings.itemsOf([round.id]) };
  }

  /** The caller's own unit's latest rounds, newest first (the workstation's page: its past months). */
  async ownRounds(actor: Actor, limit: number): Promise<ScreeningRound[]> {
    const { rows } = await this.deps.screenings.listRounds({
      scope: { unitId: actor.unitId },
      limit,
      offset: 0,
    });
    return this.withItems(rows);
  }

  /** Rounds the caller may read (`?unitId=`: that unit's subtree for a supervisor, 404 outside it). */
  async list(actor: Actor, query: ScreeningListQuery): Promise<{ items: ScreeningRound[]; total: number }> {
    let scope = policy.screeningScopeOf(actor);
    if (query.unitId) {
      const unit = await this.deps.units.findById(query.unitId);
      if (!unit || !policy.canSeeScreeningOf(actor, unit)) throw new NotFoundError();
      scope = actor.role === 'supervisor' ? { subtreePath: unit.path } : { unitId: unit.id };
    }
    const { rows, total } = await this.deps.screenings.listRounds({
      scope,
      period: query.period,
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    return { items: await this.withItems(rows), total };
  }

  private async withItems(rows: ScreeningRoundRow[]): Promise<ScreeningRound[]> {
    const items = await this.deps.screenings.itemsOf(rows.map((row) => row.id));
    return rows.map((round) => ({ round, items: items.filter((item) => item.roundId === round.id) }));
  }

  /** The unit a round is filed for: the caller's own by default; 404 outside their district, 403 where not theirs. */
  private async unitToFileAt(tx: Tx, actor: Actor, unitId: string | undefined): Promise<Unit> {
    const unit = await this.deps.units.findById(unitId ?? actor.unitId, tx);
    if (!unit || !policy.canSee(actor, { kind: 'unit', path: unit.path })) throw new NotFoundError();
    if (!policy.canFileScreeningAt(actor, unit)) throw new ForbiddenError();
    if (!unit.active)
      throw new RuleViolationError('screening_unit_inactive', [
        { field: 'unitId', message: 'validation.unit_not_assignable' },
      ]);
    return unit;
  }

  private async checkGrids(tx: Tx, unit: Unit, input: FileScreeningInput): Promise<void> {
    for (const [index, item] of input.items.entries()) {
      if (item.gridId && !(await this.deps.units.isGridWithin(item.gridId, unit.id, tx)))
        throw new RuleViolationError('validation_failed', [
          { field: `items.${index}.gridId`, message: 'validation.grid_not_in_unit' },
        ]);
    }
  }

  /** Items of grade 3 or 4: a mail at once to the unit's nearest supervisors, one per item. */
  private alertsFor(unit: Unit, period: string, items: ScreeningItemRow[]): Notification[] {
    return items
      .filter((item) => alertsSupervisors(item.riskGrade))
      .map((item) => ({
        kind: 'screening.high_risk' as const,
        recipientUnitId: unit.id,
        unitAudience: 'supervisors' as const,
        subjectType: 'screening' as const,
        subjectId: item.id,
        payload: {
          period,
          unitNameZh: unit.nameZh,
          unitNameEn: unit.nameEn,
          title: item.title,
          type: item.type,
          riskGrade: item.riskGrade,
          gradeNameKey: `riskGrades.label.${item.riskGrade}`,
          peopleCount: item.peopleCount,
        },
      }));
  }
}
