import { createHash, randomBytes } from 'node:crypto';
import { type DataSource, IsNull } from 'typeorm';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { ActorCache } from './actor-cache';
import { ApiToken } from './api-token.entity';

/** How long a bearer token lives. */
export const apiTokenLifetimeHours = 12;

/** What is stored of a token, and what a presented token is looked up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Bearer tokens for systems: issued at API sign-in, stored hashed, expiring, revocable. */
export class ApiTokenService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Told of every revocation, so that the token stops working here at once (ActorCache). */
    private readonly actors?: Pick<ActorCache, 'forgetAll'>,
  ) {}

  async issue(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = `gm_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(this.clock.now().getTime() + apiTokenLifetimeHours * 3600 * 1000);
    await this.db.manager.insert(ApiToken, { userId, tokenHash: hashToken(token), expiresAt });
    return { token, expiresAt };
  }

  async revoke(token: string, origin: RequestOrigin): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(
        ApiToken,
        { tokenHash: hashToken(token), revokedAt: IsNull() },
        { revokedAt: this.clock.now() },
      );
      await this.audit.record(origin, { action: 'auth.signed_out', details: { channel: 'api' } }, tx);
    });
    this.actors?.forgetAll();
  }

  /** Every token of a user, e.g. when the account is deactivated or its password reset. */
  async revokeAllOf(userId: string, tx = this.db.manager): Promise<void> {
    await tx.update(ApiToken, { userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    this.actors?.forgetAll();
  }
}
