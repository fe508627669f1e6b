import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import type { Transactions, Tx } from '../shared/db/transactions';
import { claimingUniqueKey, isCheckViolation } from '../shared/db/write-conflict';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { DepartmentKey, Unit, UnitKind } from './unit.entity';
import type { UnitRepository } from './unit.repository';

/** Where each kind of unit may hang: the shape of the three-level network. */
export const allowedParentKinds: Record<UnitKind, readonly UnitKind[]> = {
  district: [],
  street: ['district'],
  community: ['street'],
  department: ['district'],
  court: ['district'],
};

export interface NewUnit {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: UnitKind;
  parentId: string;
  /** Which administrative body a department is (the rules' `departmentKey`). */
  departmentKey?: DepartmentKey;
  /** The public contact phone (联系电话), normalised (`checkPhone`). */
  phone?: string;
}

export interface UnitChanges {
  nameZh: string;
  nameEn: string;
  /** Omitted: stays where it is. */
  parentId?: string;
  /** A department's body; omitted or blank: none. */
  departmentKey?: DepartmentKey;
  /** The public contact phone, normalised; omitted or blank: none. */
  phone?: string;
}

/** Only a department is an administrative body: a key on any other unit is a field error. */
function assertDepartmentKeyFits(kind: UnitKind, departmentKey: DepartmentKey | undefined) {
  if (departmentKey && kind !== 'department') {
    throw new RuleViolationError('validation_failed', [
      { field: 'departmentKey', message: 'validation.department_key_on_department' },
    ]);
  }
}

/** What an update is audited as: a move, a rename, else the department's body or the phone (the change says which). */
function updateActionOf(moving: boolean, changed: Record<string, unknown>): string {
  if (moving) return 'unit.moved';
  if (changed.nameZh || changed.nameEn) return 'unit.renamed';
  return changed.departmentKey ? 'unit.body_changed' : 'unit.phone_changed';
}

/** The unit tree as people see it (any signed-in user) and as admins change it (audited). */
export class UnitService {
  constructor(
    private readonly db: Transactions,
    private readonly units: UnitRepository,
    private readonly audit: AuditService,
  ) {}

  /** The units of the caller's district, as a tree in path order. */
  async listVisible(actor: Actor): Promise<Unit[]> {
    if (!policy.can(actor, 'unit.list')) throw new ForbiddenError();
    const all = await this.units.findAll();
    return all.filter((unit) => policy.canSee(actor, { kind: 'unit', path: unit.path }));
  }

  /** Units the admin manages (their own subtree). */
  async listManaged(actor: Actor): Promise<Unit[]> {
    if (!policy.can(actor, 'unit.manage', { kind: 'units' })) throw new ForbiddenError();
    return this.units.findSubtree(actor.unitId);
  }

  async getManaged(actor: Actor, id: string): Promise<Unit> {
    if (!isUuid(id)) throw new NotFoundError();
    const unit = await this.units.findById(id);
    if (!unit || !policy.canSee(actor, { kind: 'unit', path: unit.path })) throw new NotFoundError();
    if (!policy.can(actor, 'unit.manage', { kind: 'unit', path: unit.path })) throw new ForbiddenError();
    return unit;
  }

  /** A parent the admin manages and where this kind of unit may hang; a field error otherwise. */
  private async assertParent(actor: Actor, kind: UnitKind, parentId: string, tx?: Tx): Promise<Unit> {
    const parent = await this.units.findById(parentId, tx);
    if (!parent || !policy.can(actor, 'unit.manage', { kind: 'unit', path: parent.path })) {
      throw new ValidationError([{ field: 'parentId', message: 'validation.unit_not_assignable' }]);
    }
    if (!allowedParentKinds[kind].includes(parent.kind)) {
      throw new RuleViolationError('validation_failed', [
        {
          field: 'parentId',
          message: 'validation.parent_kind_not_allowed',
          params: { kind, parentKind: parent.kind },
        },
      ]);
    }
    return parent;
  }

  async create(actor: Actor, ip: string | null, input: NewUnit): Promise<Unit> {
    if (input.kind === 'district') {
      throw new RuleViolationError('validation_failed', [
        { field: 'kind', message: 'validation.parent_kind_not_allowed' },
      ]);
    }
    assertDepartmentKeyFits(input.kind, input.departmentKey);
    const key = { constraint: 'units_code_key', field: 'code', message: 'validation.code_taken' };
    return claimingUniqueKey(key, () =>
      this.db.run(async (tx) => {
        await this.assertParent(actor, input.kind, input.parentId, tx);
        if (await this.units.findByCode(input.code, tx)) {
          throw new RuleViolationError('validation_failed', [
            { field: 'code', message: 'validation.code_taken' },
          ]);
        }
        const unit = await this.units.save(
          { ...input, departmentKey: input.departmentKey ?? null, phone: input.phone ?? null },
          tx,
        );
        await this.audit.record(
          { actor: { id: actor.id, username: actor.username }, ip },
          { action: 'unit.created', target: { type: 'unit', id: unit.id }, details: { ...input } },
          tx,
        );
        return unit;
      }),
    );
  }

  /** Rename, and move under another parent (its subtree moves with it). */
  async update(actor: Actor, ip: string | null, id: string, changes: UnitChanges): Promise<void> {
    const unit = await this.getManaged(actor, id);
    assertDepartmentKeyFits(unit.kind, changes.departmentKey);
    const target = {
      nameZh: changes.nameZh,
      nameEn: changes.nameEn,
      parentId: changes.parentId ?? unit.parentId,
      departmentKey: changes.departmentKey ?? null,
      phone: changes.phone ?? null,
    };
    const moving = unit.parentId !== target.parentId;
    if (moving && (unit.parentId === null || target.parentId === null)) {
      throw new RuleViolationError('validation_failed', [
        { field: 'parentId', message: 'validation.parent_kind_not_allowed' },
      ]);
    }
    try {
      await this.db.run(async (tx) => {
        if (moving) await this.assertParent(actor, unit.kind, target.parentId as string, tx);
        const changed: Record<string, { from: unknown; to: unknown }> = {};
        for (const key of ['nameZh', 'nameEn', 'parentId', 'departmentKey', 'phone'] as const) {
          if (unit[key] !== target[key]) changed[key] = { from: unit[key], to: target[key] };
        }
        if (Object.keys(changed).length === 0) return;
        await this.units.save({ ...unit, ...target }, tx);
        await this.audit.record(
          { actor: { id: actor.id, username: actor.username }, ip },
          {
            action: updateActionOf(moving, changed),
            target: { type: 'unit', id },
            details: { changed },
          },
          tx,
        );
      });
    } catch (error) {
      // the path trigger refuses a move under the unit's own subtree
      if (isCheckViolation(error)) {
        throw new RuleViolationError('validation_failed', [
          { field: 'parentId', message: 'validation.cannot_move_under_itself' },
        ]);
      }
      throw error;
    }
  }

  async setActive(actor: Actor, ip: string | null, id: string, active: boolean): Promise<void> {
    const unit = await this.getManaged(actor, id);
    if (unit.active === active) return;
    await this.db.run(async (tx) => {
      if (!active) {
        const busy = await this.units.countActiveDependants(id, tx);
        if (busy.children > 0 || busy.users > 0)
          throw new RuleViolationError('unit_still_in_use', undefined, busy);
      }
      await this.units.save({ ...unit, active }, tx);
      await this.audit.record(
        { actor: { id: actor.id, username: actor.username }, ip },
        { action: active ? 'unit.activated' : 'unit.deactivated', target: { type: 'unit', id } },
        tx,
      );
    });
  }
}
