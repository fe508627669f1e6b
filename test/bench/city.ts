import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { demoAccounts, demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import type { UnitKind } from '../../src/units/unit.entity';
import { hashPassword } from '../../src/users/password';
import { Rng } from './random';

/**
 * The whole of Minhang as the seed study describes it (DOMAIN.md): the demo organisation
 * (district centre, the 13 sub-centres by their real names, departments, court) grown to
 * 516 workstations and 1,488 grid blocks, with mediators, supervisors and agents.
 */
export const cityTargets = { communities: 516, grids: 1488 } as const;

export interface CityUnit {
  id: string;
  code: string;
  kind: UnitKind;
  parentId: string | null;
  path: string;
}

export interface Person {
  id: string;
  name: string;
  username: string;
}

export interface City {
  district: CityUnit;
  streets: CityUnit[];
  communities: CityUnit[];
  /** A community's street. */
  streetOf: Map<string, CityUnit>;
  /** The department of each first-class type's administrative track. */
  departments: Record<'labour' | 'medical' | 'demolition_relocation' | 'land_requisition', CityUnit>;
  court: CityUnit;
  gridsOf: Map<string, string[]>;
  mediatorsOf: Map<string, Person[]>;
  /** The district supervisor: reviews hand-offs, reopens cases. */
  supervisor: Person;
  /** The demo mediator (莘松居委工作站) the benchmark acts as, and her unit. */
  benchMediator: Person;
  benchUnit: CityUnit;
  counts: { units: number; communities: number; grids: number; users: number };
}

const nameParts = [
  '华',
  '康',
  '锦',
  '绿',
  '金',
  '银',
  '明',
  '春',
  '秋',
  '兴',
  '安',
  '和',
  '平',
  '福',
  '新',
  '东',
  '西',
  '南',
  '北',
  '宝',
  '龙',
  '虹',
  '梅',
  '莲',
  '田',
  '园',
  '苑',
  '城',
  '景',
  '湖',
  '泉',
  '星',
];
const surnames =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const givenChars =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞斌辉建国志文俊浩宇晨欣怡婷雪琳梅';

export function chineseName(rng: Rng): string {
  const surname = surnames[rng.int(surnames.length)];
  const given =
    givenChars[rng.int(givenChars.length)] + (rng.chance(0.7) ? givenChars[rng.int(givenChars.length)] : '');
  return surname + given;
}

async function insertJson(client: Client, sql: string, rows: unknown[]): Promise<void> {
  for (let index = 0; index < rows.length; index += 2000)
    await client.query(sql, [JSON.stringify(rows.slice(index, index + 2000))]);
}

/** Seeds the demo organisation and accounts (the app's own seeding), then grows it to the whole city. */
export async function buildCity(db: DataSource, client: Client, rng: Rng): Promise<City> {
  await seedDemoOrganisation(db);
  const units = async (): Promise<CityUnit[]> =>
    (
      await client.query<{
        id: string;
        code: string;
        kind: UnitKind;
        parent_id: string | null;
        path: string;
      }>('SELECT id, code, kind, parent_id, path::text AS path FROM units ORDER BY path')
    ).rows.map((row) => ({
      id: row.id,
      code: row.code,
      kind: row.kind,
      parentId: row.parent_id,
      path: row.path,
    }));

  let all = await units();
  const streets = all.filter((unit) => unit.kind === 'street');
  const existingCommunities = all.filter((unit) => unit.kind === 'community');

  // more workstations under each street until there are 516
  const newCommunities: Array<Record<string, unknown>> = [];
  const perStreet = streets.map(
    (_, index) =>
      Math.floor(cityTargets.communities / streets.length) +
      (index < cityTargets.communities % streets.length ? 1 : 0),
  );
  const usedNames = new Set<string>();
  streets.forEach((street, index) => {
    const have = existingCommunities.filter((unit) => unit.parentId === street.id).length;
    for (let n = have; n < perStreet[index]; n++) {
      let name: string;
      do name = nameParts[rng.int(nameParts.length)] + nameParts[rng.int(nameParts.length)];
      while (usedNames.has(street.code + name));
      usedNames.add(street.code + name);
      const village = rng.chance(0.35);
      newCommunities.push({
        code: `${street.code}-C${String(n + 1).padStart(3, '0')}`,
        name_zh: `${name}${village ? '村委' : '居委'}工作站`,
        name_en: `${street.code} ${village ? 'Village' : 'Residents'} ${n + 1} Workstation`,
        kind: 'community',
        parent_id: street.id,
      });
    }
  });
  await insertJson(
    client,
    `INSERT INTO units (code, name_zh, name_en, kind, parent_id)
     SELECT code, name_zh, name_en, kind, parent_id FROM jsonb_to_recordset($1::jsonb)
       AS r(code varchar, name_zh varchar, name_en varchar, kind varchar, parent_id uuid)`,
    newCommunities,
  );
  all = await units();
  const communities = all.filter((unit) => unit.kind === 'community');

  // grid blocks: 1,488 in all, two or three per workstation
  const gridCounts = await client.query<{ community_id: string; count: number }>(
    'SELECT community_id, count(*)::int AS count FROM grids GROUP BY community_id',
  );
  const haveGrids = new Map(gridCounts.rows.map((row) => [row.community_id, row.count]));
  let missing = cityTargets.grids - [...haveGrids.values()].reduce((sum, count) => sum + count, 0);
  const without = communities.filter((unit) => !haveGrids.has(unit.id));
  const newGrids: Array<Record<string, unknown>> = [];
  without.forEach((community, index) => {
    const left = without.length - index;
    const count = Math.max(1, Math.min(3, Math.round(missing / left)));
    missing -= count;
    for (let n = 1; n <= count; n++)
      newGrids.push({
        code: `${community.code}-G${n}`,
        name_zh: `第${n}网格`,
        name_en: `Grid ${n}`,
        community_id: community.id,
      });
  });
  await insertJson(
    client,
    `INSERT INTO grids (code, name_zh, name_en, community_id)
     SELECT code, name_zh, name_en, community_id FROM jsonb_to_recordset($1::jsonb)
       AS r(code varchar, name_zh varchar, name_en varchar, community_id uuid)`,
    newGrids,
  );

  // the people: a mediator at every workstation, two at each street and department, …
  const passwordHash = await hashPassword(demoPassword);
  const users: Array<Record<string, unknown>> = [];
  const addUser = (role: string, unit: CityUnit, n: number) => {
    const title = { mediator: '调解员', supervisor: '督查', petition_agent: '信访代理员' }[role] ?? role;
    users.push({
      username: `${role === 'petition_agent' ? 'agent' : role}.${unit.code.toLowerCase()}.${n}`,
      display_name: `${title} ${chineseName(rng)}`,
      role,
      unit_id: unit.id,
      password_hash: passwordHash,
    });
  };
  for (const unit of all) {
    const mediators = { district: 3, street: 2, community: 1, department: 2, court: 2 }[unit.kind];
    for (let n = 1; n <= mediators; n++) addUser('mediator', unit, n);
    if (unit.kind === 'street') {
      addUser('supervisor', unit, 1);
      addUser('petition_agent', unit, 1);
    }
  }
  await insertJson(
    client,
    `INSERT INTO users (username, display_name, role, unit_id, password_hash)
     SELECT username, display_name, role, unit_id, password_hash FROM jsonb_to_recordset($1::jsonb)
       AS r(username varchar, display_name varchar, role varchar, unit_id uuid, password_hash text)`,
    users,
  );

  const people = await client.query<{
    id: string;
    username: string;
    display_name: string;
    role: string;
    unit_id: string;
  }>('SELECT id, username, display_name, role, unit_id FROM users ORDER BY username');
  const mediatorsOf = new Map<string, Person[]>();
  for (const row of people.rows) {
    if (row.role !== 'mediator') continue;
    const list = mediatorsOf.get(row.unit_id) ?? [];
    list.push({ id: row.id, name: row.display_name, username: row.username });
    mediatorsOf.set(row.unit_id, list);
  }
  const byUsername = new Map(people.rows.map((row) => [row.username, row]));
  const person = (username: string): Person => {
    const row = byUsername.get(username);
    if (!row) throw new Error(`no user ${username}`);
    return { id: row.id, name: row.display_name, username: row.username };
  };
  const byCode = new Map(all.map((unit) => [unit.code, unit]));
  const unit = (code: string) => {
    const found = byCode.get(code);
    if (!found) throw new Error(`no unit ${code}`);
    return found;
  };
  const benchAccount = demoAccounts.find((account) => account.username === 'mediator');
  if (!benchAccount) throw new Error('the demo accounts have no mediator');
  const benchUnit = unit(benchAccount.unitCode);
  // the bench mediator is the only one her workstation's cases are assigned to
  mediatorsOf.set(benchUnit.id, [person('mediator')]);
  const byId = new Map(all.map((item) => [item.id, item]));
  const gridRows = await client.query<{ id: string; community_id: string }>(
    'SELECT id, community_id FROM grids',
  );
  const gridsOf = new Map<string, string[]>();
  for (const row of gridRows.rows)
    gridsOf.set(row.community_id, [...(gridsOf.get(row.community_id) ?? []), row.id]);

  return {
    district: unit('MH'),
    streets,
    communities,
    streetOf: new Map(
      communities.map((community) => [community.id, byId.get(community.parentId as string) as CityUnit]),
    ),
    departments: {
      labour: unit('MH-RSJ'),
      medical: unit('MH-WJW'),
      demolition_relocation: unit('MH-FWZS'),
      land_requisition: unit('MH-GHZY'),
    },
    court: unit('MH-FY'),
    gridsOf,
    mediatorsOf,
    supervisor: person('supervisor'),
    benchMediator: person('mediator'),
    benchUnit,
    counts: {
      units: all.length,
      communities: communities.length,
      grids: gridRows.rows.length,
      users: people.rows.length,
    },
  };
}
