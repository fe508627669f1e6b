import type { UnitKind } from '../units/unit.entity';
import type { DepartmentKey } from '../workflows/rules/dispute-rules.types';

/**
 * The demo organisation: Minhang district (闵行区) as described in the seed study —
 * its linkage centre, the 13 street/town sub-centres by their real names, a few
 * community workstations and grid blocks under each, the district departments that
 * run the administrative track, and the court's litigation–mediation centre.
 * Data, not code: the seeding function reads it.
 */
export interface DemoUnit {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: UnitKind;
  /** A department's administrative body, as the rules key it. */
  departmentKey?: DepartmentKey;
  children?: DemoUnit[];
  /** Grid blocks (网格) of a community: [code suffix, Chinese, English]. */
  grids?: Array<[string, string, string]>;
}

function community(code: string, nameZh: string, nameEn: string, gridCount = 2): DemoUnit {
  return {
    code,
    nameZh: `${nameZh}工作站`,
    nameEn: `${nameEn} Workstation`,
    kind: 'community',
    grids: Array.from({ length: gridCount }, (_, index) => [
      `G${index + 1}`,
      `${nameZh}第${index + 1}网格`,
      `${nameEn} Grid ${index + 1}`,
    ]),
  };
}

function street(code: string, nameZh: string, nameEn: string, communities: DemoUnit[]): DemoUnit {
  return { code, nameZh, nameEn, kind: 'street', children: communities };
}

export const demoOrganisation: DemoUnit = {
  code: 'MH',
  nameZh: '闵行区联动中心',
  nameEn: 'Minhang District Linkage Centre',
  kind: 'district',
  children: [
    street('MH-JC', '江川路街道', 'Jiangchuan Road Subdistrict', [
      community('MH-JC-HQ', '鹤庆居委', 'Heqing Residents'),
      community('MH-JC-DF', '东风居委', 'Dongfeng Residents'),
    ]),
    street('MH-GM', '古美路街道', 'Gumei Road Subdistrict', [
      community('MH-GM-GMX', '古美西路居委', 'Gumei West Road Residents'),
      community('MH-GM-PY', '平阳居委', 'Pingyang Residents'),
    ]),
    street('MH-XH', '新虹街道', 'Xinhong Subdistrict', [
      community('MH-XH-AB', '爱博居委', 'Aibo Residents'),
      community('MH-XH-HW', '红卫村委', 'Hongwei Village'),
    ]),
    street('MH-XZ', '莘庄镇', 'Xinzhuang Town', [
      community('MH-XZ-XS', '莘松居委', 'Xinsong Residents', 3),
      community('MH-XZ-XH', '西湖居委', 'Xihu Residents'),
      community('MH-XZ-KC', '康城居委', 'Kangcheng Residents'),
    ]),
    street('MH-QB', '七宝镇', 'Qibao Town', [
      community('MH-QB-JX', '九星村委', 'Jiuxing Village'),
      community('MH-QB-HW', '号文村委', 'Haowen Village'),
    ]),
    street('MH-ZQ', '颛桥镇', 'Zhuanqiao Town', [
      community('MH-ZQ-YD', '银都居委', 'Yindu Residents'),
      community('MH-ZQ-BQ', '北桥村委', 'Beiqiao Village'),
    ]),
    street('MH-HC', '华漕镇', 'Huacao Town', [
      community('MH-HC-XP', '许浦村委', 'Xupu Village'),
      community('MH-HC-JW', '纪王村委', 'Jiwang Village'),
    ]),
    street('MH-HQ', '虹桥镇', 'Hongqiao Town', [
      community('MH-HQ-LB', '龙柏居委', 'Longbai Residents'),
      community('MH-HQ-HQC', '虹桥村委', 'Hongqiao Village'),
    ]),
    street('MH-ML', '梅陇镇', 'Meilong Town', [
      community('MH-ML-CZ', '曹中村委', 'Caozhong Village'),
      community('MH-ML-XL', '许泾居委', 'Xujing Residents'),
    ]),
    street('MH-WJ', '吴泾镇', 'Wujing Town', [
      community('MH-WJ-TW', '塘湾村委', 'Tangwan Village'),
      community('MH-WJ-HP', '和平村委', 'Heping Village'),
    ]),
    street('MH-MQ', '马桥镇', 'Maqiao Town', [
      community('MH-MQ-QZ', '旗忠村委', 'Qizhong Village'),
      community('MH-MQ-PD', '彭渡村委', 'Pengdu Village'),
    ]),
    street('MH-PJ', '浦江镇', 'Pujiang Town', [
      community('MH-PJ-GX', '革新村委', 'Gexin Village'),
      community('MH-PJ-ZJL', '召稼楼居委', 'Zhaojialou Residents'),
    ]),
    street('MH-XZGY', '莘庄工业区', 'Xinzhuang Industrial Zone', [
      community('MH-XZGY-SB', '申北村委', 'Shenbei Village'),
      community('MH-XZGY-CS', '春申居委', 'Chunshen Residents'),
    ]),
    {
      code: 'MH-RSJ',
      nameZh: '区人力资源和社会保障局',
      nameEn: 'District Human Resources and Social Security Bureau',
      kind: 'department',
      departmentKey: 'human_resources',
    },
    {
      code: 'MH-WJW',
      nameZh: '区卫生健康委员会',
      nameEn: 'District Health Commission',
      kind: 'department',
      departmentKey: 'health',
    },
    {
      code: 'MH-FWZS',
      nameZh: '区房屋征收事务中心',
      nameEn: 'District Housing Expropriation Affairs Centre',
      kind: 'department',
      departmentKey: 'housing_expropriation',
    },
    {
      code: 'MH-GHZY',
      nameZh: '区规划和自然资源局',
      nameEn: 'District Planning and Natural Resources Bureau',
      kind: 'department',
      departmentKey: 'planning_resources',
    },
    {
      code: 'MH-FY',
      nameZh: '闵行区人民法院（诉调对接中心）',
      nameEn: 'Minhang District People’s Court (Litigation–Mediation Centre)',
      kind: 'court',
    },
  ],
};

/** Printed at start in demo mode. */
export const demoAccountsHint =
  'Demo data: the Minhang district organisation (闵行区) with its 13 sub-centres.';
