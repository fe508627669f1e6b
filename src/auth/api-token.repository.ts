import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import { User } from '../users/user.entity';
import { ApiToken } from './api-token.entity';

/** The only code that reads or writes bearer tokens (stored as their SHA-256, never the token). */
export class ApiTokenRepository {
  constructor(private readonly db: DataSource) {}

  async insert(token: Pick<ApiToken, 'userId' | 'tokenHash' | 'expiresAt'>): Promise<void> {
    await this.db.manager.insert(ApiToken, token);
  }

  /** Ends one live token (signing out of the API). */
  async revoke(tokenHash: string, at: Date, tx: EntityManager): Promise<void> {
    await tx.update(ApiToken, { tokenHash, revokedAt: IsNull() }, { revokedAt: at });
  }

  /** Ends every live token of a user. */
  async revokeAllOf(userId: string, at: Date, tx: EntityManager = this.db.manager): Promise<void> {
    await tx.update(ApiToken, { userId, revokedAt: IsNull() }, { revokedAt: at });
  }

  /**
   * The user a live bearer token belongs to, with their unit, in one query: every API
   * call made with a token is authenticated here (the token's SHA-256, not the token).
   */
  async findLiveHolder(tokenHash: string, now: Date): Promise<{ user: User; expiresAt: Date } | null> {
    const { entities, raw } = await this.db.manager
      .createQueryBuilder(User, 'user')
      .leftJoinAndSelect('user.unit', 'unit')
      .innerJoin(ApiToken, 'token', 'token.user_id = user.id')
      .addSelect('token.expires_at', 'token_expires_at')
      .where('token.token_hash = :tokenHash AND token.revoked_at IS NULL AND token.expires_at > :now', {
        tokenHash,
        now,
      })
      .getRawAndEntities<{ token_expires_at: Date }>();
    return entities[0] ? { user: entities[0], expiresAt: new Date(raw[0].token_expires_at) } : null;
  }
}
