import type { Actor } from '../access/actor';
import type { Clock } from '../shared/clock';
import type { User } from '../users/user.entity';
import type { UserRepository } from '../users/user.repository';
import { hashToken } from './api-token.service';

/** Builds the policy's view of a user from their account and unit; null for unknown or inactive users. */
export class ActorLoader {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  async load(userId: string): Promise<Actor | null> {
    return actorOf(await this.users.findById(userId));
  }

  /** The actor behind a live (unexpired, unrevoked) bearer token, in one query; null otherwise. */
  async loadByToken(token: string): Promise<Actor | null> {
    return actorOf(await this.users.findByLiveTokenHash(hashToken(token), this.clock.now()));
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
  };
}
