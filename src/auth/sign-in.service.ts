import type { DataSource } from 'typeorm';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { verifyAgainstDecoy, verifyPassword } from '../users/password';
import type { User } from '../users/user.entity';
import type { UserRepository } from '../users/user.repository';

/** Brute-force rule: 5 wrong passwords within 15 minutes lock the account for 15 minutes. */
export const lockoutRule = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 } as const;

const minutes = (n: number) => n * 60 * 1000;

/** Wrong user name or password: one message for both, so neither is revealed. */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super('invalid_credentials', 401);
  }
}

/** The account is locked: the right password is refused too, and the message says until when. */
export class AccountLockedError extends AppError {
  constructor(
    readonly lockedUntil: Date,
    now: Date,
  ) {
    super('account_locked', 429, undefined, {
      minutes: Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 60000)),
    });
  }
}

/**
 * Signing in with a user name and password, for people (form) and systems (API)
 * alike. Counts failures per account under a row lock, locks the account after too
 * many, and audits every success, failure and lock.
 */
export class SignInService {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async signIn(
    username: string,
    password: string,
    origin: RequestOrigin,
    channel: 'web' | 'api',
  ): Promise<User> {
    const user = await this.users.findByUsername(username);
    if (!user?.active) {
      await verifyAgainstDecoy(password);
      await this.audit.record(origin, {
        action: 'auth.sign_in_failed',
        target: user ? { type: 'user', id: user.id } : undefined,
        details: { username, channel, reason: user ? 'inactive' : 'unknown_user' },
      });
      throw new InvalidCredentialsError();
    }

    const now = this.clock.now();
    if (user.lockedUntil && user.lockedUntil > now) {
      await this.audit.record(origin, {
        action: 'auth.sign_in_refused_locked',
        target: { type: 'user', id: user.id },
        details: { username: user.username, channel, lockedUntil: user.lockedUntil.toISOString() },
      });
      throw new AccountLockedError(user.lockedUntil, now);
    }

    const passwordIsRight = await verifyPassword(user.passwordHash, password);
    const actorOrigin: RequestOrigin = { ...origin, actor: { id: user.id, username: user.username } };

    if (passwordIsRight) {
      await this.db.transaction(async (tx) => {
        await this.users.update(
          user.id,
          { failedLoginCount: 0, failedLoginWindowStartedAt: null, lockedUntil: null, lastLoginAt: now },
          tx,
        );
        await this.audit.record(
          actorOrigin,
          { action: 'auth.signed_in', target: { type: 'user', id: user.id }, details: { channel } },
          tx,
        );
      });
      return user;
    }

    const lockedUntil = await this.db.transaction(async (tx) => {
      const current = await this.users.lockForUpdate(user.id, tx);
      if (!current) return null;
      const windowStillOpen =
        current.failedLoginWindowStartedAt !== null &&
        now.getTime() - current.failedLoginWindowStartedAt.getTime() < minutes(lockoutRule.windowMinutes);
      const failures = windowStillOpen ? current.failedLoginCount + 1 : 1;
      const lock =
        failures >= lockoutRule.maxFailures
          ? new Date(now.getTime() + minutes(lockoutRule.lockMinutes))
          : null;
      await this.users.update(
        user.id,
        {
          failedLoginCount: lock ? 0 : failures,
          failedLoginWindowStartedAt: lock
            ? null
            : windowStillOpen
              ? current.failedLoginWindowStartedAt
              : now,
          lockedUntil: lock,
        },
        tx,
      );
      await this.audit.record(
        origin,
        {
          action: 'auth.sign_in_failed',
          target: { type: 'user', id: user.id },
          details: { username: user.username, channel, reason: 'wrong_password', failures },
        },
        tx,
      );
      if (lock) {
        await this.audit.record(
          origin,
          {
            action: 'auth.account_locked',
            target: { type: 'user', id: user.id },
            details: { username: user.username, until: lock.toISOString() },
          },
          tx,
        );
      }
      return lock;
    });
    if (lockedUntil) throw new AccountLockedError(lockedUntil, now);
    throw new InvalidCredentialsError();
  }
}
