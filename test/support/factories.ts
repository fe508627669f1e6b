import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Case } from '../../src/cases/case.entity';
import type { RegisterCaseInput } from '../../src/cases/case.schemas';
import type { Services } from '../../src/composition-root';
import { type Unit, type UnitKind } from '../../src/units/unit.entity';
import { UnitRepository } from '../../src/units/unit.repository';
import type { DepartmentKey } from '../../src/workflows/rules/dispute-rules.types';

const uniqueSuffix = () => randomBytes(3).toString('hex').toUpperCase();

/** A unit built for one test; codes are unique so tests never collide. */
export function createUnit(
  db: DataSource,
  fields: {
    kind: UnitKind;
    parentId?: string | null;
    code?: string;
    nameZh?: string;
    nameEn?: string;
    departmentKey?: DepartmentKey;
  },
): Promise<Unit> {
  const code = fields.code ?? `T-${fields.kind.slice(0, 3).toUpperCase()}-${uniqueSuffix()}`;
  return new UnitRepository(db).save({
    code,
    kind: fields.kind,
    parentId: fields.parentId ?? null,
    nameZh: fields.nameZh ?? `测试单位${code}`,
    nameEn: fields.nameEn ?? `Test unit ${code}`,
    departmentKey: fields.departmentKey ?? null,
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

/** A dispute registered through the real service by `registeredBy` (a mediator or supervisor). */
export async function createCase(
  services: Services,
  registeredById: string,
  fields: Partial<RegisterCaseInput> = {},
): Promise<Case> {
  const actor = await services.actors.load(registeredById);
  if (!actor) throw new Error('no such actor');
  return services.caseRegistration.register(actor, {
    type: 'neighbourhood',
    title: `测试纠纷 ${uniqueSuffix()}`,
    description: '楼上漏水引发的邻里纠纷。',
    source: 'walk_in',
    parties: [
      {
        role: 'applicant',
        kind: 'person',
        name: `申请人${uniqueSuffix()}`,
        idNumber: '310104199001031234',
        phone: '13900001111',
      },
      { role: 'respondent', kind: 'person', name: `被申请人${uniqueSuffix()}` },
    ],
    ...fields,
  });
}

/** A petition registered by the agent `agentId` (so they follow it), linked to `caseId`. */
export async function linkCaseToAgent(
  services: Services,
  db: DataSource,
  caseId: string,
  agentId: string,
): Promise<string> {
  const agent = await services.actors.load(agentId);
  if (!agent) throw new Error('no such agent');
  const petition = await services.petitions.register(agent, {
    subject: `测试信访 ${uniqueSuffix()}`,
    content: '信访人反映的问题。',
    petitioners: [{ kind: 'person', name: `信访人${uniqueSuffix()}` }],
  });
  await db.query('INSERT INTO petition_case_links (petition_id, case_id) VALUES ($1, $2)', [
    petition.id,
    caseId,
  ]);
  return petition.id;
}

/** A pending hand-off record of a case into `toUnitId`. */
export async function createEscalation(
  db: DataSource,
  caseId: string,
  fromUnitId: string,
  toUnitId: string,
): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO escalations (case_id, event_seq, kind, from_unit_id, to_unit_id, reason_code, reason, sessions_held, days_held, created_at)
     VALUES ($1, 1, 'ESCALATE', $2, $3, 'other', '测试', 0, 0, now()) RETURNING id`,
    [caseId, fromUnitId, toUnitId],
  );
  return row.id;
}

/** A district tree (createDistrictTree) with a court (人民法院 / 诉调对接中心) under the district too. */
export async function createDistrictTreeWithCourt(db: DataSource) {
  const tree = await createDistrictTree(db);
  const court = await createUnit(db, { kind: 'court', parentId: tree.district.id });
  return { ...tree, court };
}
