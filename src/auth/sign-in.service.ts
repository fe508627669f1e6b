import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions } from '../shared/db/transactions';
import { AppError } from '../shared/errors';
import { dummyPasswordHash, verifyPassword } from '../users/password';
import type { User } from '../users/user.entity';
import type { UserRepository } from '../users/user.repository';
import type { SignInRepository } from './sign-in.repository';
import { attemptOf, SignInThrottle } from './sign-in-throttle';

/** Wrong user name or password: one message for both, so neither is revealed. */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super('invalid_credentials', 401);
  }
}

/** How a password is checked against a stored hash (the real argon2id check unless a test listens in). */
export type PasswordCheck = (passwordHash: string, password: string) => Promise<boolean>;

/**
 * Signing in with a user name and password, for people (form) and systems (API) alike.
 * Asks the throttle first (sign-in-throttle.ts: nothing is ever locked; guesses from one
 * place are slowed), then checks the password — against the account's hash, or against a
 * dummy hash made with the same parameters when the name is no active account, so that
 * both take the same path and the same time and get the same answer. Sign-in bookkeeping
 * (last sign-in, failures) is written to its own tables, never to `users`, so that signing
 * in does not empty every process's cache of who is calling. Every success and failure is
 * audited, and the start of each refusal.
 */
export class SignInService {
  private readonly db: Transactions;
  private readonly users: UserRepository;
  private readonly bookkeeping: SignInRepository;
  private readonly throttle: SignInThrottle;
  private readonly audit: AuditService;
  private readonly clock: Clock;
  private readonly checkPassword: PasswordCheck;

  constructor(deps: {
    transactions: Transactions;
    users: UserRepository;
    bookkeeping: SignInRepository;
    audit: AuditService;
    clock: Clock;
    checkPassword?: PasswordCheck;
  }) {
    this.db = deps.transactions;
    this.users = deps.users;
    this.bookkeeping = deps.bookkeeping;
    this.throttle = new SignInThrottle(deps.bookkeeping);
    this.audit = deps.audit;
    this.clock = deps.clock;
    this.checkPassword = deps.checkPassword ?? verifyPassword;
    // made now, so that the first unknown name does not take a hash longer than the rest
    dummyPasswordHash().catch(() => undefined);
  }

  /**
   * Removes the browser sessions past their expiry, once for all instances (the worker's
   * `session-prune` job): each instance's session store pruning on a timer of its own
   * outlived its pool when the app closed.
   */
  async pruneExpiredSessions(): Promise<number> {
    return this.users.deleteExpiredSessions(this.clock.now());
  }

  async signIn(
    username: string,
    password: string,
    origin: RequestOrigin,
    channel: 'web' | 'api',
  ): Promise<User> {
    const now = this.clock.now();
    const attempt = attemptOf(username, origin.ip);
    const refusal = await this.throttle.refusalOf(attempt, now);
    if (refusal) throw refusal;

    const user = await this.users.findByUsername(username);
    const account = user?.active ? user : null;
    const matches = await this.checkPassword(account?.passwordHash ?? (await dummyPasswordHash()), password);

    if (account && matches) {
      await this.db.run(async (tx) => {
        await this.throttle.recordSuccess(attempt, tx);
        await this.bookkeeping.recordSignIn(account.id, now, tx);
        await this.audit.record(
          { ...origin, actor: { id: account.id, username: account.username } },
          { action: 'auth.signed_in', target: { type: 'user', id: account.id }, details: { channel } },
          tx,
        );
      });
      return account;
    }

    await this.db.run(async (tx) => {
      const { failures, refused } = await this.throttle.recordFailure(attempt, now, tx);
      const target = user ? { type: 'user', id: user.id } : undefined;
      const reason = account ? 'wrong_password' : user ? 'inactive' : 'unknown_user';
      await this.audit.record(
        origin,
        { action: 'auth.sign_in_failed', target, details: { username, channel, reason, failures } },
        tx,
      );
      for (const { scope, until } of refused) {
        await this.audit.record(
          origin,
          {
            action: 'auth.sign_in_throttled',
            target: scope === 'pair' ? target : undefined,
            details: { scope, until: until.toISOString(), ...(scope === 'pair' ? { username } : {}) },
          },
          tx,
        );
      }
    });
    throw new InvalidCredentialsError();
  }
}
