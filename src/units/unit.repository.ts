import type { DataSource, EntityManager } from 'typeorm';
import { Grid } from './grid.entity';
import { Unit } from './unit.entity';
import { type KeptUnit, keptUnitColumnsSql } from './unit-directory';

/** The only code that queries units and grid blocks. */
export class UnitRepository {
  /** `actors`: told of every change made here (a user's unit is part of who they are: ActorCache). */
  constructor(
    private readonly db: DataSource,
    private readonly actors?: { forgetAll(): void },
  ) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  /** Every unit as the hot reads of a case show it (`UnitDirectory`). */
  keptUnits(): Promise<KeptUnit[]> {
    return this.manager().query(`SELECT ${keptUnitColumnsSql} FROM units u`);
  }

  findById(id: string, tx?: EntityManager): Promise<Unit | null> {
    return this.manager(tx).findOne(Unit, { where: { id } });
  }

  findByIds(ids: string[], tx?: EntityManager): Promise<Unit[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.manager(tx)
      .createQueryBuilder(Unit, 'unit')
      .where('unit.id = ANY(:ids::uuid[])', { ids })
      .getMany();
  }
  /** The units with these ids (repeats and all), by id: what presenting references to units needs. */
  async mapByIds(ids: string[], tx?: EntityManager): Promise<Map<string, Unit>> {
    return new Map((await this.findByIds([...new Set(ids)], tx)).map((unit) => [unit.id, unit]));
  }

  findByCode(code: string, tx?: EntityManager): Promise<Unit | null> {
    return this.manager(tx).findOne(Unit, { where: { code } });
  }

  /** The unit and everything under it, ordered as a tree (depth-first). One indexed query. */
  findSubtree(rootId: string, tx?: EntityManager): Promise<Unit[]> {
    return this.manager(tx)
      .createQueryBuilder(Unit, 'unit')
      .where('unit.path <@ (SELECT root.path FROM units root WHERE root.id = :rootId)', { rootId })
      .orderBy('unit.path')
      .getMany();
  }

  /** Ids of the unit and everything under it. */
  async findSubtreeIds(rootId: string, tx?: EntityManager): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.manager(tx).query(
      'SELECT id FROM units WHERE path <@ (SELECT path FROM units WHERE id = $1)',
      [rootId],
    );
    return rows.map((row) => row.id);
  }

  /** True when `unitId` is `ancestorId` or lies under it. */
  async isWithin(unitId: string, ancestorId: string, tx?: EntityManager): Promise<boolean> {
    const rows: Array<{ within: boolean }> = await this.manager(tx).query(
      `SELECT EXISTS (
         SELECT 1 FROM units u, units a WHERE u.id = $1 AND a.id = $2 AND u.path <@ a.path
       ) AS within`,
      [unitId, ancestorId],
    );
    return rows[0]?.within === true;
  }

  /** The district (root) a unit belongs to. */
  findDistrictOf(unitId: string, tx?: EntityManager): Promise<Unit | null> {
    return this.manager(tx)
      .createQueryBuilder(Unit, 'unit')
      .where('unit.path = subpath((SELECT u.path FROM units u WHERE u.id = :unitId), 0, 1)', { unitId })
      .getOne();
  }

  /** The parent of a unit (one level up the tree), or null for a district. */
  async findParentOf(unitId: string, tx?: EntityManager): Promise<Unit | null> {
    const unit = await this.findById(unitId, tx);
    return unit?.parentId ? this.findById(unit.parentId, tx) : null;
  }

  /** True when the grid block lies in a community within the unit's subtree. */
  async isGridWithin(gridId: string, unitId: string, tx?: EntityManager): Promise<boolean> {
    const rows: Array<{ within: boolean }> = await this.manager(tx).query(
      `SELECT EXISTS (
         SELECT 1 FROM grids g JOIN units c ON c.id = g.community_id, units u
         WHERE g.id = $1 AND u.id = $2 AND g.active AND c.path <@ u.path
       ) AS within`,
      [gridId, unitId],
    );
    return rows[0]?.within === true;
  }

  findAll(tx?: EntityManager): Promise<Unit[]> {
    return this.manager(tx).createQueryBuilder(Unit, 'unit').orderBy('unit.path').getMany();
  }

  async save(unit: Partial<Unit>, tx?: EntityManager): Promise<Unit> {
    const manager = this.manager(tx);
    const saved = await manager.save(Unit, manager.create(Unit, unit));
    this.actors?.forgetAll();
    // path is computed by the database trigger: read it back
    return (await manager.findOneOrFail(Unit, { where: { id: saved.id } })) as Unit;
  }

  /** Active sub-units and active users of a unit: what stops it being deactivated. */
  async countActiveDependants(id: string, tx?: EntityManager): Promise<{ children: number; users: number }> {
    const rows: Array<{ children: number; users: number }> = await this.manager(tx).query(
      `SELECT (SELECT count(*) FROM units WHERE parent_id = $1 AND active)::int AS children,
              (SELECT count(*) FROM users WHERE unit_id = $1 AND active)::int AS users`,
      [id],
    );
    return rows[0];
  }

  findGridsOfCommunity(communityId: string, tx?: EntityManager): Promise<Grid[]> {
    return this.manager(tx).find(Grid, { where: { communityId }, order: { code: 'ASC' } });
  }

  findGridById(id: string, tx?: EntityManager): Promise<Grid | null> {
    return this.manager(tx).findOne(Grid, { where: { id } });
  }

  /** Active grid blocks of the communities within a unit's subtree, in tree order. */
  findGridsWithin(unitId: string, tx?: EntityManager): Promise<Grid[]> {
    return this.manager(tx)
      .createQueryBuilder(Grid, 'g')
      .innerJoin(Unit, 'c', 'c.id = g.community_id')
      .where('g.active')
      .andWhere('c.path <@ (SELECT u.path FROM units u WHERE u.id = :unitId)', { unitId })
      .orderBy('c.path')
      .addOrderBy('g.code')
      .getMany();
  }

  saveGrid(grid: Partial<Grid>, tx?: EntityManager): Promise<Grid> {
    const manager = this.manager(tx);
    return manager.save(Grid, manager.create(Grid, grid));
  }
}
