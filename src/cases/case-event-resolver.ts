import { todayInShanghai } from '../deadlines/working-calendar';
import type { EscalationRepository } from '../escalations/escalation.repository';
import { RuleViolationError, ValidationError } from '../shared/errors';
import { levelAbove, type MediationLevel, mediationLevelOf, type Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import type { UserRepository } from '../users/user.repository';
import type { CaseEvent } from '../workflows/case.machine';
import { caseEventDeclaration } from '../workflows/case-events/case-events';
import { transferKindOf } from '../workflows/case-events/hand-off.events';
import { acceptingLevelOf } from '../workflows/case-events/intake.events';
import { competentBodyOtherThan, competentBodyParams, unitKindForTrack } from './acceptance-routing';
import {
  resolveBreached,
  resolveConfirmationRequest,
  resolveConfirmed,
  resolveReachAgreement,
} from './agreement-event-resolver';
import type { HoldingUnit } from './case.repository';
import type { CaseEventInput } from './case.schemas';
import type { CaseEventStep } from './case-event-step';

/** An event's payload as submitted, without the version the caller expected. */
type Submitted<T extends CaseEventInput['type']> = Omit<
  Extract<CaseEventInput, { type: T }>,
  'expectedVersion'
>;

/**
 * Turns an event's API payload into the statechart's event: resolves names and target
 * units (checked to be active, of the right kind, in the same district), the mediator,
 * and what the service computes for the machine (REFER_OUT's period run out, the
 * confirmation window of REACH_AGREEMENT).
 */
export class CaseEventResolver {
  constructor(
    private readonly units: UnitRepository,
    private readonly users: UserRepository,
    private readonly escalations: EscalationRepository,
  ) {}

  /** Turns the API payload into the machine's event, resolving names and target units. */
  async resolve(step: CaseEventStep, input: CaseEventInput): Promise<CaseEvent> {
    const { expectedVersion: _version, ...payload } = input;
    assertNoDateOfFactAfterToday(step, payload);
    switch (payload.type) {
      case 'REFER_OUT':
        // from mediation only once the period has run out (劳动争议调解仲裁法 §14): the machine's guard reads it
        return { ...payload, periodRunOut: step.period.runOut };
      case 'ACCEPT':
        return this.accept(step, payload);
      case 'ASSIGN':
        return this.assign(step, payload);
      case 'ESCALATE':
        return this.escalate(step, payload);
      case 'RETURN_DOWN':
        return this.returnDown(step, payload);
      case 'TRANSFER':
        return this.transfer(step, payload);
      case 'REACH_AGREEMENT':
        return resolveReachAgreement(step, payload);
      case 'REQUEST_JUDICIAL_CONFIRMATION': {
        const court = await this.unitOfKind(step, payload.court, 'court', 'court');
        return resolveConfirmationRequest(step, payload, court.id);
      }
      case 'CONFIRMED':
        return resolveConfirmed(payload, step.before.confirmationAppliedOn ?? null);
      case 'BREACHED':
        return resolveBreached(step, payload);
      case 'SCHEDULE_SESSION':
        // a session scheduled is one to come, by the app's clock
        if (new Date(payload.at).getTime() <= step.now.getTime())
          throw new RuleViolationError('validation_failed', [
            { field: 'at', message: 'validation.moment_not_ahead' },
          ]);
        return payload;
      default:
        return payload;
    }
  }

  private async accept(step: CaseEventStep, payload: Submitted<'ACCEPT'>): Promise<CaseEvent> {
    if (payload.track === 'people') {
      // a unit accepts at its own level only: moving up is an ESCALATE, which a supervisor reviews
      const level = acceptingLevelOf(step.holdingUnit.kind);
      if (!level) {
        // a department or a court is no people's mediation organisation: it accepts on its own
        // track and hands the case on by TRANSFER, which a supervisor reviews
        throw new RuleViolationError('accept_own_level_only', [
          { field: 'track', message: 'validation.accept_people_not_here', params: {} },
        ]);
      }
      if (payload.level && payload.level !== level) {
        throw new RuleViolationError('accept_own_level_only', [
          { field: 'level', message: 'validation.accept_own_level', params: { level } },
        ]);
      }
      const unit = await this.peoplesUnitAt(step, level);
      return { type: 'ACCEPT', track: 'people', level, unitId: unit.id };
    }
    const unit = await this.unitOfKind(step, payload.unitId, unitKindForTrack[payload.track], 'unitId');
    if (payload.track === 'judicial') return { type: 'ACCEPT', track: 'judicial', unitId: unit.id };
    const departmentOverrideReason = competentBodyOverride(step, unit, payload.departmentOverrideReason);
    return { type: 'ACCEPT', track: 'administrative', unitId: unit.id, departmentOverrideReason };
  }

  private async assign(step: CaseEventStep, payload: Submitted<'ASSIGN'>): Promise<CaseEvent> {
    const { tx } = step;
    const mediator = payload.mediatorId
      ? await this.users.findById(payload.mediatorId, tx)
      : payload.mediatorUsername
        ? await this.users.findByUsername(payload.mediatorUsername, tx)
        : null;
    const field = payload.mediatorId || !payload.mediatorUsername ? 'mediatorId' : 'mediatorUsername';
    if (!payload.mediatorId && !payload.mediatorUsername)
      throw new ValidationError([{ field, message: 'validation.required' }]);
    if (!mediator?.active || mediator.role !== 'mediator' || mediator.unitId !== step.row.holdingUnitId) {
      throw new RuleViolationError('validation_failed', [
        { field, message: 'validation.mediator_not_in_unit' },
      ]);
    }
    return { type: 'ASSIGN', mediatorId: mediator.id };
  }

  private async escalate(step: CaseEventStep, payload: Submitted<'ESCALATE'>): Promise<CaseEvent> {
    const above = step.before.level ? levelAbove(step.before.level) : null;
    const target = above ? await this.peoplesUnitAt(step, above).catch(() => null) : null;
    // no unit above: the machine refuses the event (isBelowDistrictLevel) with the allowed list
    return {
      type: 'ESCALATE',
      reasonCode: payload.reasonCode,
      reason: payload.reason,
      unitId: target?.id ?? step.holdingUnit.id,
    };
  }

  private async returnDown(step: CaseEventStep, payload: Submitted<'RETURN_DOWN'>): Promise<CaseEvent> {
    const { tx, holdingUnit } = step;
    const target = payload.unitId
      ? await this.units.findById(payload.unitId, tx)
      : await this.unitThatEscalatedTo(step);
    if (!target || target.parentId !== holdingUnit.id || !mediationLevelOf(target.kind) || !target.active) {
      throw new ValidationError([{ field: 'unitId', message: 'validation.return_down_target' }]);
    }
    return { type: 'RETURN_DOWN', instructions: payload.instructions, unitId: target.id };
  }

  private async transfer(step: CaseEventStep, payload: Submitted<'TRANSFER'>): Promise<CaseEvent> {
    const { reason, toTrack } = payload;
    const transferKind = transferKindOf(step.before.track, toTrack);
    if (toTrack === 'people') {
      const unit = await this.units.findById(payload.unitId, step.tx);
      const level = unit ? mediationLevelOf(unit.kind) : null;
      if (!unit?.active || !level || !(await this.sameDistrict(step, unit))) {
        throw new ValidationError([{ field: 'unitId', message: 'validation.transfer_target' }]);
      }
      return { type: 'TRANSFER', toTrack, level, unitId: unit.id, reason, transferKind };
    }
    const unit = await this.unitOfKind(step, payload.unitId, unitKindForTrack[toTrack], 'unitId');
    const departmentOverrideReason =
      toTrack === 'administrative'
        ? competentBodyOverride(step, unit, payload.departmentOverrideReason)
        : undefined;
    return { type: 'TRANSFER', toTrack, unitId: unit.id, reason, transferKind, departmentOverrideReason };
  }

  /** The people's-mediation unit at `level` on the holding unit's line: itself or an ancestor. */
  private async peoplesUnitAt(
    { holdingUnit, tx }: CaseEventStep,
    level: MediationLevel,
  ): Promise<HoldingUnit> {
    let unit: HoldingUnit | null = holdingUnit;
    if (!mediationLevelOf(holdingUnit.kind)) unit = await this.units.findDistrictOf(holdingUnit.id, tx);
    while (unit && unit.kind !== level)
      unit = unit.parentId ? await this.units.findById(unit.parentId, tx) : null;
    if (!unit?.active) throw new ValidationError([{ field: 'level', message: 'validation.level_not_above' }]);
    return unit;
  }

  private async unitOfKind(step: CaseEventStep, id: string | undefined, kind: Unit['kind'], field: string) {
    const unit = id ? await this.units.findById(id, step.tx) : null;
    if (!unit?.active || unit.kind !== kind || !(await this.sameDistrict(step, unit))) {
      throw new ValidationError([{ field, message: `validation.unit_must_be_${kind}` }]);
    }
    return unit;
  }

  private async sameDistrict({ holdingUnit, tx }: CaseEventStep, unit: HoldingUnit): Promise<boolean> {
    return (
      unit.path.split('.')[0] === holdingUnit.path.split('.')[0] ||
      (await this.units.isWithin(unit.id, holdingUnit.id, tx))
    );
  }

  /** RETURN_DOWN without a unit: back to the unit that escalated the case here. */
  private async unitThatEscalatedTo({ row, holdingUnit, tx }: CaseEventStep): Promise<Unit | null> {
    const last = await this.escalations.lastEscalationInto(tx, row.id, holdingUnit.id);
    return last ? this.units.findById(last.fromUnitId, tx) : null;
  }
}

/**
 * A department of the administrative track must be the type's competent body
 * (`competentBodyOtherThan`, shared with the historic import); another one only with
 * a reason given (`departmentOverrideReason`), which the event keeps and the audit log records.
 * A type whose body is configurable (generic rules: none named) takes any department. Returns
 * the override's reason when one is used, else undefined (a reason given for the competent
 * body itself is no override and is not kept).
 */
function competentBodyOverride(
  { rules, row }: CaseEventStep,
  department: Unit,
  reason: string | undefined,
): string | undefined {
  const body = competentBodyOtherThan(rules, department);
  if (!body) return undefined;
  if (reason) return reason;
  const params = competentBodyParams(row.type, body);
  throw new RuleViolationError(
    'not_competent_body',
    [{ field: 'unitId', message: 'validation.not_competent_body', params }],
    params,
  );
}

/**
 * Days and moments of fact (a session held, an application made, a visit: the fields
 * declared `dayOfFact` / `momentOfFact`) cannot lie after today, Asia/Shanghai, by the app's
 * clock: 422 naming each such field.
 */
function assertNoDateOfFactAfterToday(
  { today }: CaseEventStep,
  payload: Record<string, unknown> & { type: string },
) {
  const declaration = caseEventDeclaration(payload.type);
  const after = (declaration?.datesOfFact ?? []).filter((field) => {
    const value = payload[field];
    if (typeof value !== 'string') return false;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : todayInShanghai(new Date(value));
    return day > today;
  });
  if (after.length > 0) {
    throw new RuleViolationError(
      'validation_failed',
      after.map((field) => ({ field, message: 'validation.date_of_fact_in_future', params: { today } })),
    );
  }
}
