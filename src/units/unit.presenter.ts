import type { Locale } from '../shared/i18n/i18n';
import { mediationLevelOf, type Unit } from './unit.entity';

/** A unit's name in the reader's language. */
export function unitName(unit: Pick<Unit, 'nameZh' | 'nameEn'>, locale: Locale): string {
  return locale === 'en' ? unit.nameEn : unit.nameZh;
}

/** The API's view of a unit (API.md: id, code, name, kind, parentId, level; a department's body as `departmentKey`). */
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
    active: unit.active,
  };
}

/** Depth in the tree, from the ltree path (root = 0). */
export function depthOf(unit: Pick<Unit, 'path'>): number {
  return unit.path.split('.').length - 1;
}

/** Options for a unit <select>: the tree flattened, indented by depth, in path order. */
export function unitOptions(units: Unit[], locale: Locale, selectedId?: string | null) {
  return units
    .filter((unit) => unit.active)
    .map((unit) => ({
      value: unit.id,
      label: `${'\u3000'.repeat(depthOf(unit))}${unitName(unit, locale)} (${unit.code})`,
      selected: unit.id === selectedId,
    }));
}
