import type { DemoRandom } from './demo-random';

/**
 * Invented people for the demo history: common surnames and given names put together at random
 * (no real person's data), resident ID numbers of 闵行区 (310112) with a valid GB 11643 check
 * digit, and mobile numbers 138….
 */
const surnames = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const givenNames = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美玲桂兰霞平刚燕辉鹏建国红梅志文斌宇浩凯晨欣怡琳雪婷佳俊峰波亮健晓云海燕',
];
const companies = [
  ['上海莘闵物业管理有限公司', '91310112MA1GB12347'],
  ['上海闵联建筑工程有限公司', '913100006072212342'],
  ['上海春申餐饮管理有限公司', null],
  ['上海颛桥机电设备有限公司', null],
  ['上海虹梅装饰工程有限公司', null],
] as const;

export function personName(random: DemoRandom): string {
  const given = random.chance(0.6)
    ? random.pick(givenNames) + random.pick(givenNames)
    : random.pick(givenNames);
  return random.pick(surnames) + given;
}

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacters = '10X98765432';

/** A resident ID number of 闵行区 (GB 11643-1999), born between 1950 and 2004, with its check digit. */
export function residentIdNumber(random: DemoRandom): string {
  const born = new Date(Date.UTC(random.int(1950, 2004), random.int(0, 11), random.int(1, 28)));
  const body = `310112${born.toISOString().slice(0, 10).replaceAll('-', '')}${String(random.int(10, 999)).padStart(3, '0')}`;
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * weights[index], 0);
  return body + checkCharacters[sum % 11];
}

export function mobileNumber(random: DemoRandom): string {
  return `138${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
}

/** A person as a party: ID and phone most of the time, as a workstation records them. */
export function demoPerson(random: DemoRandom) {
  return {
    kind: 'person' as const,
    name: personName(random),
    ...(random.chance(0.8) ? { idNumber: residentIdNumber(random) } : {}),
    ...(random.chance(0.85) ? { phone: mobileNumber(random) } : {}),
  };
}

/** An organisation as a party (an employer, a property company, a builder). */
export function demoCompany(random: DemoRandom) {
  const [name, code] = random.pick(companies);
  return { kind: 'organisation' as const, name, ...(code ? { idNumber: code } : {}) };
}
