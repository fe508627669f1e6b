import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { Role } from '../access/roles';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { claimingUniqueKey } from '../shared/db/write-conflict';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { UnitRepository } from '../units/unit.repository';
import { hashPassword, passwordProblem, verifyPassword } from './password';
import type { User } from './user.entity';
import type { UserListQuery, UserRepository } from './user.repository';

export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null;
  role: Role;
  unitId: string;
  locale: 'zh-CN' | 'en';
  password: string;
}

export interface UserChanges {
  displayName: string;
  email?: string | null;
  role: Role;
  unitId: string;
  locale: 'zh-CN' | 'en';
}

/** Ends a user's API tokens when the account is deactivated or its password changes (auth's ApiTokenService). */
export interface TokenRevocation {
  revokeAllOf(userId: string, tx: Tx): Promise<void>;
}

function origin(actor: Actor, ip: string | null): RequestOrigin {
  return { actor: { id: actor.id, username: actor.username }, ip };
}

/** Account management (admins) and one's own password (everyone). Every change is audited. */
export class UserService {
  private readonly db: Transactions;
  private readonly users: UserRepository;
  private readonly units: UnitRepository;
  private readonly tokens: TokenRevocation;
  private readonly audit: AuditService;
  private readonly clock: Clock;

  constructor(deps: {
    transactions: Transactions;
    users: UserRepository;
    units: UnitRepository;
    tokens: TokenRevocation;
    audit: AuditService;
    clock: Clock;
  }) {
    this.db = deps.transactions;
    this.users = deps.users;
    this.units = deps.units;
    this.tokens = deps.tokens;
    this.audit = deps.audit;
    this.clock = deps.clock;
  }

  /** A user the admin manages, or 404 (never reveal accounts outside one's scope). */
  async getManaged(actor: Actor, id: string): Promise<User> {
    if (!isUuid(id)) throw new NotFoundError();
    const user = await this.users.findById(id);
    if (!user?.unit || !policy.canSee(actor, { kind: 'user', unitPath: user.unit.path }))
      throw new NotFoundError();
    if (!policy.can(actor, 'user.manage', { kind: 'user', unitPath: user.unit.path }))
      throw new ForbiddenError();
    return user;
  }

  list(actor: Actor, query: Omit<UserListQuery, 'scopePath'>) {
    if (!policy.can(actor, 'user.manage', { kind: 'users' })) throw new ForbiddenError();
    return this.users.list({ ...query, scopePath: policy.managedScopeOf(actor) });
  }

  /** The unit a user is put in must be one the admin manages; a field error otherwise. */
  private async assertAssignableUnit(actor: Actor, unitId: string, tx: Tx) {
    const unit = await this.units.findById(unitId, tx);
    if (!unit?.active || !policy.can(actor, 'user.manage', { kind: 'user', unitPath: unit.path })) {
      throw new ValidationError([{ field: 'unitId', message: 'validation.unit_not_assignable' }]);
    }
  }

  private assertPassword(password: string, username: string, field = 'password') {
    const problem = passwordProblem(password, username);
    if (problem) throw new ValidationError([{ field, message: problem }]);
  }

  async create(actor: Actor, ip: string | null, input: NewUser): Promise<User> {
    this.assertPassword(input.password, input.username);
    const passwordHash = await hashPassword(input.password);
    const key = { constraint: 'users_username_key', field: 'username', message: 'validation.username_taken' };
    return claimingUniqueKey(key, () =>
      this.db.run(async (tx) => {
        await this.assertAssignableUnit(actor, input.unitId, tx);
        if (await this.users.findByUsername(input.username, tx)) {
          throw new RuleViolationError('validation_failed', [
            { field: 'username', message: 'validation.username_taken' },
          ]);
        }
        const user = await this.users.save(
          {
            username: input.username,
            displayName: input.displayName,
            email: input.email ?? null,
            role: input.role,
            unitId: input.unitId,
            locale: input.locale,
            passwordHash,
            mustChangePassword: true, // an admin-chosen password is temporary
            passwordChangedAt: this.clock.now(),
          },
          tx,
        );
        await this.audit.record(
          origin(actor, ip),
          {
            action: 'user.created',
            target: { type: 'user', id: user.id },
            details: {
              username: user.username,
              role: user.role,
              unitId: user.unitId,
              displayName: user.displayName,
            },
          },
          tx,
        );
        return user;
      }),
    );
  }

  async update(actor: Actor, ip: string | null, id: string, changes: UserChanges): Promise<void> {
    const user = await this.getManaged(actor, id);
    if (user.id === actor.id && changes.role !== user.role) {
      throw new RuleViolationError('validation_failed', [
        { field: 'role', message: 'validation.cannot_change_own_role' },
      ]);
    }
    await this.db.run(async (tx) => {
      if (changes.unitId !== user.unitId) await this.assertAssignableUnit(actor, changes.unitId, tx);
      const before = {
        displayName: user.displayName,
        email: user.email,
        role: user.role,
        unitId: user.unitId,
        locale: user.locale,
      };
      const after = { ...before, ...changes, email: changes.email ?? null };
      const changed = Object.fromEntries(
        Object.entries(after)
          .filter(([key, value]) => before[key as keyof typeof before] !== value)
          .map(([key, value]) => [key, { from: before[key as keyof typeof before], to: value }]),
      );
      if (Object.keys(changed).length === 0) return;
      await this.users.update(id, after, tx);
      await this.audit.record(
        origin(actor, ip),
        { action: 'user.updated', target: { type: 'user', id }, details: { changed } },
        tx,
      );
    });
  }

  async resetPassword(actor: Actor, ip: string | null, id: string, password: string): Promise<void> {
    const user = await this.getManaged(actor, id);
    this.assertPassword(password, user.username);
    const passwordHash = await hashPassword(password);
    await this.db.run(async (tx) => {
      await this.users.update(
        id,
        {
          passwordHash,
          mustChangePassword: true,
          passwordChangedAt: this.clock.now(),
        },
        tx,
      );
      await this.endAllSessionsOf(id, tx);
      await this.audit.record(
        origin(actor, ip),
        { action: 'user.password_reset', target: { type: 'user', id } },
        tx,
      );
    });
  }

  async setActive(actor: Actor, ip: string | null, id: string, active: boolean): Promise<void> {
    const user = await this.getManaged(actor, id);
    if (user.id === actor.id && !active) throw new RuleViolationError('cannot_deactivate_self');
    if (user.active === active) return;
    await this.db.run(async (tx) => {
      await this.users.update(id, { active }, tx);
      if (!active) await this.endAllSessionsOf(id, tx);
      await this.audit.record(
        origin(actor, ip),
        { action: active ? 'user.activated' : 'user.deactivated', target: { type: 'user', id } },
        tx,
      );
    });
  }

  /**
   * One's own password: the current one must be right, the new one must follow the rule.
   * The user's other sessions end and their API tokens are revoked (whoever else held
   * them is out); the session the change was made in (`keepSessionId`) stays.
   */
  async changeOwnPassword(
    actor: Actor,
    change: { ip: string | null; current: string; next: string; keepSessionId?: string },
  ): Promise<void> {
    const user = await this.users.findById(actor.id);
    if (!user) throw new NotFoundError();
    if (!(await verifyPassword(user.passwordHash, change.current))) {
      throw new ValidationError([{ field: 'currentPassword', message: 'validation.current_password_wrong' }]);
    }
    this.assertPassword(change.next, user.username, 'newPassword');
    if (await verifyPassword(user.passwordHash, change.next)) {
      throw new ValidationError([{ field: 'newPassword', message: 'validation.password_unchanged' }]);
    }
    const passwordHash = await hashPassword(change.next);
    await this.db.run(async (tx) => {
      await this.users.update(
        user.id,
        { passwordHash, mustChangePassword: false, passwordChangedAt: this.clock.now() },
        tx,
      );
      await this.users.deleteSessionsOf(user.id, tx, { except: change.keepSessionId });
      await this.tokens.revokeAllOf(user.id, tx);
      await this.audit.record(
        origin(actor, change.ip),
        {
          action: 'user.password_changed',
          target: { type: 'user', id: user.id },
          details: { otherSessionsEnded: true, tokensRevoked: true },
        },
        tx,
      );
    });
  }

  /** Signs a user out everywhere: browser sessions and API tokens. */
  private async endAllSessionsOf(userId: string, tx: Tx) {
    await this.users.deleteSessionsOf(userId, tx);
    await this.tokens.revokeAllOf(userId, tx);
  }
}
