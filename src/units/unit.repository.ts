import type { DataSource, EntityManager } from 'typeorm';
import { Grid } from './grid.entity';
import { Unit } from './unit.entity';

/** The only code that queries units and grid blocks. */
export class UnitRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  findById(id: string, tx?: EntityManager): Promise<Unit | null> {
    return this.manager(tx).findOne(Unit, { where: { id } });
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

  findAll(tx?: EntityManager): Promise<Unit[]> {
    return this.manager(tx).createQueryBuilder(Unit, 'unit').orderBy('unit.path').getMany();
  }

  async save(unit: Partial<Unit>, tx?: EntityManager): Promise<Unit> {
    const manager = this.manager(tx);
    const saved = await manager.save(Unit, manager.create(Unit, unit));
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

  saveGrid(grid: Partial<Grid>, tx?: EntityManager): Promise<Grid> {
    const manager = this.manager(tx);
    return manager.save(Grid, manager.create(Grid, grid));
  }
}
