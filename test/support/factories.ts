import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type Unit, type UnitKind } from '../../src/units/unit.entity';
import { UnitRepository } from '../../src/units/unit.repository';

const uniqueSuffix = () => randomBytes(3).toString('hex').toUpperCase();

/** A unit built for one test; codes are unique so tests never collide. */
export function createUnit(
  db: DataSource,
  fields: { kind: UnitKind; parentId?: string | null; code?: string; nameZh?: string; nameEn?: string },
): Promise<Unit> {
  const code = fields.code ?? `T-${fields.kind.slice(0, 3).toUpperCase()}-${uniqueSuffix()}`;
  return new UnitRepository(db).save({
    code,
    kind: fields.kind,
    parentId: fields.parentId ?? null,
    nameZh: fields.nameZh ?? `测试单位${code}`,
    nameEn: fields.nameEn ?? `Test unit ${code}`,
  });
}

/** district → street → two communities, plus a department under the district. */
export async function createDistrictTree(db: DataSource) {
  const district = await createUnit(db, { kind: 'district' });
  const street = await createUnit(db, { kind: 'street', parentId: district.id });
  const otherStreet = await createUnit(db, { kind: 'street', parentId: district.id });
  const community = await createUnit(db, { kind: 'community', parentId: street.id });
  const neighbour = await createUnit(db, { kind: 'community', parentId: street.id });
  const farCommunity = await createUnit(db, { kind: 'community', parentId: otherStreet.id });
  const department = await createUnit(db, { kind: 'department', parentId: district.id });
  return { district, street, otherStreet, community, neighbour, farCommunity, department };
}
