import type { Unit } from '../../src/units/unit.entity';
import { groupedUnitOptions } from '../../src/units/unit-options';

/** A unit as the options read it: kind, parent, names (the rest is the entity's). */
function unit(id: string, kind: Unit['kind'], nameZh: string, parentId: string | null): Unit {
  return { id, kind, nameZh, nameEn: `${id} (en)`, parentId, path: id, active: true } as Unit;
}

describe('the units a case or petition may be handed to, as choices', () => {
  const district = unit('d', 'district', '闵行区联动中心', null);
  const xinzhuang = unit('s1', 'street', '莘庄镇', 'd');
  const meilong = unit('s2', 'street', '梅陇镇', 'd');
  const units = [
    district,
    xinzhuang,
    unit('c1', 'community', '莘松居委工作站', 's1'),
    meilong,
    unit('c2', 'community', '康城居委工作站', 's1'),
    unit('c3', 'community', '梅陇一村工作站', 's2'),
    unit('k', 'court', '闵行区人民法院', 'd'),
    unit('h', 'department', '区人力资源和社会保障局', 'd'),
  ];
  const groups = {
    district: '区联动中心',
    street: '街镇联动中心',
    communitiesOf: (street: string) => `${street} · 居村工作站`,
    department: '行政机关',
    court: '人民法院',
  };

  it('when the list is built, then the district, the street centres, each street’s workstations, the departments and the courts are groups of their own, in that order', () => {
    const options = groupedUnitOptions(units, { locale: 'zh-CN', groups });
    expect(options.map((option) => [option.group, option.label])).toEqual([
      ['区联动中心', '闵行区联动中心'],
      ['街镇联动中心', '莘庄镇'],
      ['街镇联动中心', '梅陇镇'],
      ['莘庄镇 · 居村工作站', '莘松居委工作站'],
      ['莘庄镇 · 居村工作站', '康城居委工作站'],
      ['梅陇镇 · 居村工作站', '梅陇一村工作站'],
      ['行政机关', '区人力资源和社会保障局'],
      ['人民法院', '闵行区人民法院'],
    ]);
    expect(options.map((option) => option.value)).toEqual(['d', 's1', 's2', 'c1', 'c2', 'c3', 'h', 'k']);
  });

  it('in English, the names are the units’ English names, the street’s in its group', () => {
    const options = groupedUnitOptions(units, {
      locale: 'en',
      groups: { ...groups, communitiesOf: (street) => `${street} · community workstations` },
    });
    expect(options.find((option) => option.value === 'c3')).toEqual({
      value: 'c3',
      label: 'c3 (en)',
      group: 's2 (en) · community workstations',
    });
  });
});
