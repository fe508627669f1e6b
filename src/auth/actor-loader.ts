import type { Actor } from '../access/actor';
import type { UserRepository } from '../users/user.repository';

/** Builds the policy's view of a user from their account and unit; null for unknown or inactive users. */
export class ActorLoader {
  constructor(private readonly users: UserRepository) {}

  async load(userId: string): Promise<Actor | null> {
    const user = await this.users.findById(userId);
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
}
