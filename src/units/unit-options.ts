import type { Locale } from '../shared/i18n/i18n';
import type { Unit } from './unit.entity';
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
