import type { TFunction } from 'i18next';
import type { Locale } from '../shared/i18n/i18n';
import type { DepartmentKey, Unit } from './unit.entity';
import { unitName } from './unit.presenter';

/**
 * Units as choices in a select: the tree shown by indenting each name one ideographic
 * space (U+3000) per level below the root, in the reader's language. One place for the
 * list filter, the intake form and the case page's action forms.
 */

/** How deep a unit sits in the tree: 0 for the root (its ltree path has one label). */
export function unitDepth(unit: Pick<Unit, 'path'>): number {
  return unit.path.split('.').length - 1;
}

/** A unit's name indented by its depth. */
export function indentedUnitName(unit: Pick<Unit, 'path' | 'nameZh' | 'nameEn'>, locale: Locale): string {
  return `${'\u3000'.repeat(unitDepth(unit))}${unitName(unit, locale)}`;
}

/** Units as `{ value, label }` options; `indent` shows the tree. */
export function unitOptions(units: Unit[], locale: Locale, { indent = false } = {}) {
  return units.map((unit) => ({
    value: unit.id,
    label: indent ? indentedUnitName(unit, locale) : unitName(unit, locale),
  }));
}

/**
 * Departments as the choices of an administrative-track form (ACCEPT, TRANSFER): the type's
 * competent body (`rules.administrativeBody.departmentKey`) first, the others after it under
 * `others` ("other departments", an <optgroup>) — choosing one of those needs a reason. A
 * type whose body is configurable (no key) lists every department alike.
 */
export function departmentOptions(
  departments: Unit[],
  body: { departmentKey: DepartmentKey } | null,
  { locale, others }: { locale: Locale; others: string },
): Array<{ value: string; label: string; group?: string }> {
  const competent = (unit: Unit) => body !== null && unit.departmentKey === body.departmentKey;
  const options = (units: Unit[]) => unitOptions(units, locale);
  if (!body) return options(departments);
  return [
    ...options(departments.filter(competent)),
    ...options(departments.filter((unit) => !competent(unit))).map((option) => ({
      ...option,
      group: others,
    })),
  ];
}

/** The labels of the groups `groupedUnitOptions` puts units in, in the reader's language. */
export interface UnitGroupLabels {
  district: string;
  street: string;
  /** The workstations of one street, by the street's name. */
  communitiesOf: (street: string) => string;
  department: string;
  court: string;
}

/** The groups of a hand-off's unit list, named in the reader's language. */
export function unitGroupLabels(t: TFunction): UnitGroupLabels {
  return {
    district: t('actionForms.unitGroups.district'),
    street: t('actionForms.unitGroups.street'),
    communitiesOf: (street) => t('actionForms.unitGroups.communities', { street }),
    department: t('actionForms.unitGroups.department'),
    court: t('actionForms.unitGroups.court'),
  };
}

/**
 * Units as the choices of a hand-off (a case's transfer to the people's track, a petition's
 * forward): one <optgroup> per level down to the street — the district centre, the
 * street/town centres — then one per street of its workstations, under that street's name,
 * then the departments and the courts (41 mediation units in the demo district, too many to
 * scan as one list). Within a group units keep the order they come in (the tree's).
 */
export function groupedUnitOptions(
  units: Unit[],
  { locale, groups }: { locale: Locale; groups: UnitGroupLabels },
): Array<{ value: string; label: string; group: string }> {
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const option = (unit: Unit, group: string) => ({ value: unit.id, label: unitName(unit, locale), group });
  const ofKind = (kind: Unit['kind'], group: string) =>
    units.filter((unit) => unit.kind === kind).map((unit) => option(unit, group));
  const communities = new Map<string, Unit[]>();
  for (const unit of units.filter((one) => one.kind === 'community')) {
    const key = unit.parentId ?? '';
    communities.set(key, [...(communities.get(key) ?? []), unit]);
  }
  return [
    ...ofKind('district', groups.district),
    ...ofKind('street', groups.street),
    ...[...communities].flatMap(([parentId, members]) => {
      const parent = byId.get(parentId);
      const group = groups.communitiesOf(parent ? unitName(parent, locale) : '');
      return members.map((unit) => option(unit, group));
    }),
    ...ofKind('department', groups.department),
    ...ofKind('court', groups.court),
  ];
}

/**
 * Active units as the options of a form's <select> (users, units, statistics, the escalations
 * filter, petitions): the tree indented, with each unit's code, the chosen one selected.
 */
export function unitSelectOptions(units: Unit[], locale: Locale, selectedId?: string | null) {
  return units
    .filter((unit) => unit.active)
    .map((unit) => ({
      value: unit.id,
      label: `${indentedUnitName(unit, locale)} (${unit.code})`,
      selected: unit.id === selectedId,
    }));
}
