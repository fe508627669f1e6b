import type { DataSource } from 'typeorm';
import { UnitRepository } from '../../src/units/unit.repository';
import { createDistrictTree, createUnit } from '../support/factories';
import { openTestDataSource } from '../support/test-database';

describe('the unit tree (三级联动)', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let units: UnitRepository;

  beforeAll(async () => {
    ({ db, close } = await openTestDataSource());
    units = new UnitRepository(db);
  });
  afterAll(() => close());

  it('when asked for a street’s subtree, then it returns the street and its communities, and nothing else', async () => {
    const tree = await createDistrictTree(db);

    const subtree = await units.findSubtree(tree.street.id);

    expect(subtree.map((unit) => unit.id).sort()).toEqual(
      [tree.street.id, tree.community.id, tree.neighbour.id].sort(),
    );
    expect(subtree[0].id).toBe(tree.street.id); // ordered as a tree: the root first
  });

  it('when asked for the district’s subtree, then every unit under it is included, departments too', async () => {
    const tree = await createDistrictTree(db);

    const ids = await units.findSubtreeIds(tree.district.id);

    expect(ids.sort()).toEqual(
      Object.values(tree)
        .map((unit) => unit.id)
        .sort(),
    );
  });

  it('answers whether one unit lies within another', async () => {
    const tree = await createDistrictTree(db);

    await expect(units.isWithin(tree.community.id, tree.street.id)).resolves.toBe(true);
    await expect(units.isWithin(tree.community.id, tree.community.id)).resolves.toBe(true);
    await expect(units.isWithin(tree.farCommunity.id, tree.street.id)).resolves.toBe(false);
    await expect(units.isWithin(tree.street.id, tree.community.id)).resolves.toBe(false);
  });

  it('when a community moves to another street, then its grid-level descendants move with it', async () => {
    const tree = await createDistrictTree(db);
    const child = await createUnit(db, { kind: 'community', parentId: tree.community.id });

    await units.save({ ...tree.community, parentId: tree.otherStreet.id });

    await expect(units.isWithin(child.id, tree.otherStreet.id)).resolves.toBe(true);
    await expect(units.isWithin(child.id, tree.street.id)).resolves.toBe(false);
    const moved = await units.findById(child.id);
    const newParent = await units.findById(tree.otherStreet.id);
    expect(moved?.path.startsWith(newParent?.path ?? '?')).toBe(true);
  });

  it('refuses to move a unit under its own subtree', async () => {
    const tree = await createDistrictTree(db);

    await expect(units.save({ ...tree.street, parentId: tree.community.id })).rejects.toThrow(/under itself/);
  });

  it('uses the ltree index for the subtree query', async () => {
    const tree = await createDistrictTree(db);
    await db.query('SET enable_seqscan = off');
    try {
      const plan: Array<{ 'QUERY PLAN': string }> = await db.query(
        'EXPLAIN SELECT id FROM units WHERE path <@ (SELECT path FROM units WHERE id = $1)',
        [tree.street.id],
      );
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/units_path_gist/);
    } finally {
      await db.query('RESET enable_seqscan');
    }
  });
});
