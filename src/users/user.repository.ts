import type { DataSource, EntityManager } from 'typeorm';
import { containsPattern } from '../shared/db/sql-text';
import { User } from './user.entity';

export interface UserListQuery {
  /** ltree path: users of units within it. */
  scopePath: string;
  q?: string;
  unitId?: string;
  role?: string;
  page: number;
  pageSize: number;
}

/** The only code that queries users. */
export class UserRepository {
  /** `actors`: told of every change made here, so that who is calling is read afresh (ActorCache). */
  constructor(
    private readonly db: DataSource,
    private readonly actors?: { forgetAll(): void },
  ) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  findById(id: string, tx?: EntityManager): Promise<User | null> {
    // one query (findOne with `relations` costs two): every authenticated request loads its user here
    return this.manager(tx)
      .createQueryBuilder(User, 'user')
      .leftJoinAndSelect('user.unit', 'unit')
      .where('user.id = :id', { id })
      .getOne();
  }

  findByIds(ids: string[], tx?: EntityManager): Promise<User[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.manager(tx)
      .createQueryBuilder(User, 'user')
      .where('user.id = ANY(:ids::uuid[])', { ids })
      .getMany();
  }

  /** Active users of a role in units within a subtree, by name. */
  findActiveByRoleWithin(role: string, scopePath: string): Promise<User[]> {
    return this.manager()
      .createQueryBuilder(User, 'user')
      .innerJoinAndSelect('user.unit', 'unit')
      .where('user.role = :role AND user.active AND unit.path <@ :scope::ltree', { role, scope: scopePath })
      .orderBy('user.displayName')
      .getMany();
  }

  /** Case-insensitive, as people type their names. */
  findByUsername(username: string, tx?: EntityManager): Promise<User | null> {
    return this.manager(tx)
      .createQueryBuilder(User, 'user')
      .leftJoinAndSelect('user.unit', 'unit')
      .where('lower(user.username) = lower(:username)', { username })
      .getOne();
  }

  async list(query: UserListQuery): Promise<{ items: User[]; total: number }> {
    const builder = this.manager()
      .createQueryBuilder(User, 'user')
      .innerJoinAndSelect('user.unit', 'unit')
      .where('unit.path <@ :scope::ltree', { scope: query.scopePath });
    if (query.q) {
      builder.andWhere('(user.username ILIKE :q OR user.displayName ILIKE :q OR user.email ILIKE :q)', {
        q: containsPattern(query.q),
      });
    }
    if (query.unitId) builder.andWhere('user.unitId = :unitId', { unitId: query.unitId });
    if (query.role) builder.andWhere('user.role = :role', { role: query.role });
    const [items, total] = await builder
      .orderBy('unit.path')
      .addOrderBy('user.username')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items, total };
  }

  async save(user: Partial<User>, tx?: EntityManager): Promise<User> {
    const manager = this.manager(tx);
    const saved = await manager.save(User, manager.create(User, user));
    this.actors?.forgetAll();
    return saved;
  }

  /** Ends every browser session of a user but `except` (the session store's rows carry the user id). */
  async deleteSessionsOf(
    userId: string,
    tx?: EntityManager,
    options: { except?: string } = {},
  ): Promise<void> {
    await this.manager(tx).query(
      `DELETE FROM user_sessions WHERE sess->>'userId' = $1 AND sid IS DISTINCT FROM $2`,
      [userId, options.except ?? null],
    );
  }

  /**
   * Removes the browser sessions past their expiry (the session store's own pruning is off); how
   * many. `expire` is a timestamp without time zone, which the store writes as
   * `to_timestamp(seconds)` in the connection's TimeZone: compared the same way, whatever zone
   * this process runs in (a `Date` parameter would be read as this process's local time).
   */
  async deleteExpiredSessions(now: Date): Promise<number> {
    const [{ count }] = await this.manager().query(
      `WITH gone AS (DELETE FROM user_sessions WHERE expire < to_timestamp($1) RETURNING 1)
       SELECT count(*)::int AS count FROM gone`,
      [now.getTime() / 1000],
    );
    return count;
  }

  async update(id: string, changes: Partial<User>, tx?: EntityManager): Promise<void> {
    await this.manager(tx).update(User, { id }, changes);
    this.actors?.forgetAll();
  }
}
