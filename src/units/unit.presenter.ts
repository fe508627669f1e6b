import type { Locale } from '../shared/i18n/i18n';
import { formatPhone } from '../shared/phone-number';
import { mediationLevelOf, type Unit } from './unit.entity';

/** A unit's name in the reader's language. */
export function unitName(unit: Pick<Unit, 'nameZh' | 'nameEn'>, locale: Locale): string {
  return locale === 'en' ? unit.nameEn : unit.nameZh;
}

/**
 * The API's view of a unit (API.md: id, code, name, kind, parentId, level; a department's body
 * as `departmentKey`; its public contact phone as people write it, `phone`).
 */
export function presentUnit(unit: Unit, locale: Locale) {
  return {
    id: unit.id,
    code: unit.code,
    name: unitName(unit, locale),
    nameZh: unit.nameZh,
    nameEn: unit.nameEn,
    kind: unit.kind,
    parentId: unit.parentId,
    level: mediationLevelOf(unit.kind),
    departmentKey: unit.departmentKey ?? null,
    phone: unitPhone(unit),
    active: unit.active,
  };
}

/** A unit's public contact phone as people write it (021-64123456), or null when it has none. */
export function unitPhone(unit: Pick<Unit, 'phone'>): string | null {
  return unit.phone ? formatPhone(unit.phone) : null;
}
