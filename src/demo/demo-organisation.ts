import type { UnitKind } from '../units/unit.entity';
import type { DepartmentKey } from '../workflows/rules/dispute-rules.types';

/**
 * The demo organisation: Minhang district (闵行区) as described in the seed study —
 * its linkage centre, the 13 street/town sub-centres by their real names, a few
 * community workstations and grid blocks under each, the district departments that
 * run the administrative track, and the court's litigation–mediation centre, each with a
 * public contact phone (made-up Minhang landlines, 021-64…/54…).
 * Data, not code: the seeding function reads it.
 */
export interface DemoUnit {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: UnitKind;
  /** A department's administrative body, as the rules key it. */
  departmentKey?: DepartmentKey;
  /** The public contact phone (联系电话) parties are given: a Shanghai landline, as people write it. */
  phone: string;
  children?: DemoUnit[];
  /** Grid blocks (网格) of a community: [code suffix, Chinese, English]. */
  grids?: Array<[string, string, string]>;
}

function community(code: string, nameZh: string, nameEn: string, phone: string, gridCount = 2): DemoUnit {
  return {
    code,
    nameZh: `${nameZh}工作站`,
    nameEn: `${nameEn} Workstation`,
    kind: 'community',
    phone,
    grids: Array.from({ length: gridCount }, (_, index) => [
      `G${index + 1}`,
      `${nameZh}第${index + 1}网格`,
      `${nameEn} Grid ${index + 1}`,
    ]),
  };
}

function street(
  code: string,
  nameZh: string,
  nameEn: string,
  phone: string,
  communities: DemoUnit[],
): DemoUnit {
  return { code, nameZh, nameEn, kind: 'street', phone, children: communities };
}

export const demoOrganisation: DemoUnit = {
  code: 'MH',
  nameZh: '闵行区联动中心',
  nameEn: 'Minhang District Linkage Centre',
  kind: 'district',
  phone: '021-64120110',
  children: [
    street('MH-JC', '江川路街道', 'Jiangchuan Road Subdistrict', '021-64481113', [
      community('MH-JC-HQ', '鹤庆居委', 'Heqing Residents', '021-54602271'),
      community('MH-JC-DF', '东风居委', 'Dongfeng Residents', '021-54132542'),
    ]),
    street('MH-GM', '古美路街道', 'Gumei Road Subdistrict', '021-64851226', [
      community('MH-GM-GMX', '古美西路居委', 'Gumei West Road Residents', '021-54662813'),
      community('MH-GM-PY', '平阳居委', 'Pingyang Residents', '021-54193084'),
    ]),
    street('MH-XH', '新虹街道', 'Xinhong Subdistrict', '021-64221339', [
      community('MH-XH-AB', '爱博居委', 'Aibo Residents', '021-54723355'),
      community('MH-XH-HW', '红卫村委', 'Hongwei Village', '021-54253626'),
    ]),
    street('MH-XZ', '莘庄镇', 'Xinzhuang Town', '021-64591452', [
      community('MH-XZ-XS', '莘松居委', 'Xinsong Residents', '021-54783897', 3),
      community('MH-XZ-XH', '西湖居委', 'Xihu Residents', '021-54314168'),
      community('MH-XZ-KC', '康城居委', 'Kangcheng Residents', '021-54844439'),
    ]),
    street('MH-QB', '七宝镇', 'Qibao Town', '021-64961565', [
      community('MH-QB-JX', '九星村委', 'Jiuxing Village', '021-54374710'),
      community('MH-QB-HW', '号文村委', 'Haowen Village', '021-54904981'),
    ]),
    street('MH-ZQ', '颛桥镇', 'Zhuanqiao Town', '021-64331678', [
      community('MH-ZQ-YD', '银都居委', 'Yindu Residents', '021-54435252'),
      community('MH-ZQ-BQ', '北桥村委', 'Beiqiao Village', '021-54965523'),
    ]),
    street('MH-HC', '华漕镇', 'Huacao Town', '021-64701791', [
      community('MH-HC-XP', '许浦村委', 'Xupu Village', '021-54495794'),
      community('MH-HC-JW', '纪王村委', 'Jiwang Village', '021-54026065'),
    ]),
    street('MH-HQ', '虹桥镇', 'Hongqiao Town', '021-64071904', [
      community('MH-HQ-LB', '龙柏居委', 'Longbai Residents', '021-54556336'),
      community('MH-HQ-HQC', '虹桥村委', 'Hongqiao Village', '021-54086607'),
    ]),
    street('MH-ML', '梅陇镇', 'Meilong Town', '021-64442017', [
      community('MH-ML-CZ', '曹中村委', 'Caozhong Village', '021-54616878'),
      community('MH-ML-XL', '许泾居委', 'Xujing Residents', '021-54147149'),
    ]),
    street('MH-WJ', '吴泾镇', 'Wujing Town', '021-64812130', [
      community('MH-WJ-TW', '塘湾村委', 'Tangwan Village', '021-54677420'),
      community('MH-WJ-HP', '和平村委', 'Heping Village', '021-54207691'),
    ]),
    street('MH-MQ', '马桥镇', 'Maqiao Town', '021-64182243', [
      community('MH-MQ-QZ', '旗忠村委', 'Qizhong Village', '021-54737962'),
      community('MH-MQ-PD', '彭渡村委', 'Pengdu Village', '021-54268233'),
    ]),
    street('MH-PJ', '浦江镇', 'Pujiang Town', '021-64552356', [
      community('MH-PJ-GX', '革新村委', 'Gexin Village', '021-54798504'),
      community('MH-PJ-ZJL', '召稼楼居委', 'Zhaojialou Residents', '021-54328775'),
    ]),
    street('MH-XZGY', '莘庄工业区', 'Xinzhuang Industrial Zone', '021-64922469', [
      community('MH-XZGY-SB', '申北村委', 'Shenbei Village', '021-54859046'),
      community('MH-XZGY-CS', '春申居委', 'Chunshen Residents', '021-54389317'),
    ]),
    {
      code: 'MH-RSJ',
      nameZh: '区人力资源和社会保障局',
      nameEn: 'District Human Resources and Social Security Bureau',
      kind: 'department',
      departmentKey: 'human_resources',
      phone: '021-64129200',
    },
    {
      code: 'MH-WJW',
      nameZh: '区卫生健康委员会',
      nameEn: 'District Health Commission',
      kind: 'department',
      departmentKey: 'health',
      phone: '021-64125300',
    },
    {
      code: 'MH-FWZS',
      nameZh: '区房屋征收事务中心',
      nameEn: 'District Housing Expropriation Affairs Centre',
      kind: 'department',
      departmentKey: 'housing_expropriation',
      phone: '021-64127400',
    },
    {
      code: 'MH-GHZY',
      nameZh: '区规划和自然资源局',
      nameEn: 'District Planning and Natural Resources Bureau',
      kind: 'department',
      departmentKey: 'planning_resources',
      phone: '021-64126500',
    },
    {
      code: 'MH-FY',
      nameZh: '闵行区人民法院（诉调对接中心）',
      nameEn: 'Minhang District People’s Court (Litigation–Mediation Centre)',
      kind: 'court',
      phone: '021-64921800',
    },
  ],
};

/** Printed at start in demo mode. */
export const demoAccountsHint =
  'Demo data: the Minhang district organisation (闵行区) with its 13 sub-centres.';
