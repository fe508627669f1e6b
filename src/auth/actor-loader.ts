import type { Actor } from '../access/actor';
import type { Clock } from '../shared/clock';
import type { User } from '../users/user.entity';
import type { UserRepository } from '../users/user.repository';
import type { ActorCache } from './actor-cache';
import type { ApiTokenRepository } from './api-token.repository';
import { hashToken } from './api-token.service';

/**
 * Builds the policy's view of a user from their account and unit; null for unknown or
 * inactive users. Every authenticated request asks here: the answers are kept in an
 * `ActorCache` that the database's change notices keep true.
 */
export class ActorLoader {
  constructor(
    private readonly users: Pick<UserRepository, 'findById'>,
    private readonly tokens: Pick<ApiTokenRepository, 'findLiveHolder'>,
    private readonly clock: Clock,
    private readonly cache: ActorCache,
  ) {}

  load(userId: string): Promise<Actor | null> {
    return this.cache.lookup(`user:${userId}`, async () => ({
      actor: actorOf(await this.users.findById(userId)),
    }));
  }

  /** The actor behind a live (unexpired, unrevoked) bearer token, in one query; null otherwise. */
  loadByToken(token: string): Promise<Actor | null> {
    const tokenHash = hashToken(token);
    return this.cache.lookup(`token:${tokenHash}`, async () => {
      const found = await this.tokens.findLiveHolder(tokenHash, this.clock.now());
      return { actor: actorOf(found?.user ?? null), expiresAt: found?.expiresAt };
    });
  }
}

function actorOf(user: User | null): Actor | null {
  if (!user?.active || !user.unit) return null;
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    unitId: user.unitId,
    unitPath: user.unit.path,
    unitNameZh: user.unit.nameZh,
    unitNameEn: user.unit.nameEn,
    locale: user.locale,
    mustChangePassword: user.mustChangePassword,
    passwordChangedAt: user.passwordChangedAt,
  };
}
