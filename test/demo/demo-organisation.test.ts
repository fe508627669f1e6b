import type { DataSource } from 'typeorm';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { checkPhone } from '../../src/shared/phone-number';
import { Grid } from '../../src/units/grid.entity';
import { Unit } from '../../src/units/unit.entity';
import { UnitRepository } from '../../src/units/unit.repository';
import { openTestDataSource } from '../support/test-database';

describe('the demo organisation (闵行区)', () => {
  let db: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await openTestDataSource());
  });
  afterAll(() => close());

  it('seeds Minhang with its 13 sub-centres, workstations, grids, departments and court — once', async () => {
    await expect(seedDemoOrganisation(db)).resolves.toBe(true);
    await expect(seedDemoOrganisation(db)).resolves.toBe(false);

    const units = new UnitRepository(db);
    const district = await units.findByCode('MH');
    expect(district?.kind).toBe('district');
    const all = await db.getRepository(Unit).find();
    const streets = all.filter((unit) => unit.kind === 'street');
    expect(streets.map((unit) => unit.nameZh).sort()).toEqual(
      [
        '江川路街道',
        '古美路街道',
        '新虹街道',
        '莘庄镇',
        '七宝镇',
        '颛桥镇',
        '华漕镇',
        '虹桥镇',
        '梅陇镇',
        '吴泾镇',
        '马桥镇',
        '浦江镇',
        '莘庄工业区',
      ].sort(),
    );
    for (const street of streets) {
      const communities = all.filter((unit) => unit.parentId === street.id);
      expect(communities.length).toBeGreaterThanOrEqual(2);
      expect(communities.every((unit) => unit.kind === 'community')).toBe(true);
    }
    const names = all.map((unit) => unit.nameZh);
    expect(names).toEqual(
      expect.arrayContaining([
        '区人力资源和社会保障局',
        '区卫生健康委员会',
        '区房屋征收事务中心',
        '区规划和自然资源局',
      ]),
    );
    expect(all.find((unit) => unit.kind === 'court')?.nameZh).toContain('闵行区人民法院');
    expect(all.every((unit) => unit.nameEn.length > 0 && unit.code.length > 0)).toBe(true);

    const gridCount = await db.getRepository(Grid).count();
    const communityCount = all.filter((unit) => unit.kind === 'community').length;
    expect(gridCount).toBeGreaterThanOrEqual(2 * communityCount);
  });

  it('every demo unit has a public contact phone a party may call: a Shanghai landline (021), stored as the admin form stores it, each its own', async () => {
    await seedDemoOrganisation(db);
    const all = await db.getRepository(Unit).find();
    const phones = all.map((unit) => unit.phone);
    for (const phone of phones) {
      expect(phone).toMatch(/^021\d{8}$/);
      expect(checkPhone(phone as string)).toEqual({ ok: true, value: phone });
    }
    expect(new Set(phones).size).toBe(all.length);
  });
});
