import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** 区中心 · 街镇中心 · 居村委工作站 · 行政机关 · 人民法院/诉调对接中心 */
export const unitKinds = ['district', 'street', 'community', 'department', 'court'] as const;
export type UnitKind = (typeof unitKinds)[number];

/** People's-mediation levels, lowest first: 小事不出楼组，大事不出社区. */
export const mediationLevels = ['community', 'street', 'district'] as const;
export type MediationLevel = (typeof mediationLevels)[number];

/**
 * The administrative bodies the rules name, by key: a department unit carries the key of
 * the body it is (人社局, 卫健委, 房屋征收部门, 规划和自然资源局).
 */
export const departmentKeys = [
  'human_resources',
  'health',
  'housing_expropriation',
  'planning_resources',
] as const;
export type DepartmentKey = (typeof departmentKeys)[number];

/** The level one up the ladder (community → street → district), or null at the district. */
export function levelAbove(level: MediationLevel): MediationLevel | null {
  return mediationLevels[mediationLevels.indexOf(level) + 1] ?? null;
}

/**
 * A unit of the three-level linkage network (三级联动). `path` is an ltree of the ids
 * from the root down to this unit, maintained by a database trigger, so that
 * "this unit and everything under it" is one indexed query (`path <@ :path`).
 */
@Entity({ name: 'units' })
export class Unit {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ name: 'name_zh', type: 'varchar', length: 200 })
  nameZh!: string;

  @Column({ name: 'name_en', type: 'varchar', length: 200 })
  nameEn!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: UnitKind;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @ManyToOne(() => Unit, { nullable: true })
  @JoinColumn({ name: 'parent_id' })
  parent?: Unit | null;

  /** Set by the `units_set_path` trigger; never written by the app. */
  @Column({ type: 'ltree', insert: false, update: false })
  path!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** A department's administrative body, as the rules tables key it (`health` = 卫健委); null otherwise. */
  @Column({ name: 'department_key', type: 'varchar', length: 32, nullable: true })
  departmentKey!: DepartmentKey | null;

  /**
   * The unit's public contact phone (联系电话), given to parties on the progress lookup and the
   * acceptance notices; the unit's own number, not personal data. Normalised as `checkPhone`
   * answers it (02164123456), shown by `formatPhone` (021-64123456); null when not set.
   */
  @Column({ type: 'varchar', length: 24, nullable: true })
  phone!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The people's-mediation level of a unit, or null for departments and courts. */
export function mediationLevelOf(kind: UnitKind): MediationLevel | null {
  return (mediationLevels as readonly string[]).includes(kind) ? (kind as MediationLevel) : null;
}
