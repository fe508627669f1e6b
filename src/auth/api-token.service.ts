import { createHash, randomBytes } from 'node:crypto';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import type { ActorCache } from './actor-cache';
import type { ApiTokenRepository } from './api-token.repository';

/** How long a bearer token lives. */
export const apiTokenLifetimeHours = 12;

/** What is stored of a token, and what a presented token is looked up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Bearer tokens for systems: issued at API sign-in, stored hashed, expiring, revocable. */
export class ApiTokenService {
  private readonly transactions: Transactions;
  private readonly tokens: ApiTokenRepository;
  private readonly audit: AuditService;
  private readonly clock: Clock;
  /** Told of every revocation, so that the token stops working here at once (ActorCache). */
  private readonly actors?: Pick<ActorCache, 'forgetAll'>;

  constructor(deps: {
    transactions: Transactions;
    tokens: ApiTokenRepository;
    audit: AuditService;
    clock: Clock;
    actors?: Pick<ActorCache, 'forgetAll'>;
  }) {
    this.transactions = deps.transactions;
    this.tokens = deps.tokens;
    this.audit = deps.audit;
    this.clock = deps.clock;
    this.actors = deps.actors;
  }

  async issue(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = `gm_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(this.clock.now().getTime() + apiTokenLifetimeHours * 3600 * 1000);
    await this.tokens.insert({ userId, tokenHash: hashToken(token), expiresAt });
    return { token, expiresAt };
  }

  async revoke(token: string, origin: RequestOrigin): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.tokens.revoke(hashToken(token), this.clock.now(), tx);
      await this.audit.record(origin, { action: 'auth.signed_out', details: { channel: 'api' } }, tx);
    });
    this.actors?.forgetAll();
  }

  /** Every token of a user, e.g. when the account is deactivated or its password reset. */
  async revokeAllOf(userId: string, tx?: Tx): Promise<void> {
    await this.tokens.revokeAllOf(userId, this.clock.now(), tx);
    this.actors?.forgetAll();
  }
}
