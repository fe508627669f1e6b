import type { TFunction } from 'i18next';
import { roles } from '../access/roles';
import type { Locale } from '../shared/i18n/i18n';
import { unitName } from '../units/unit.presenter';
import type { User } from './user.entity';

/** A user as the admin pages show them. */
export function presentUser(user: User, locale: Locale, t: TFunction) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    role: user.role,
    roleLabel: t(`roles.${user.role}`),
    unitId: user.unitId,
    unitName: user.unit ? unitName(user.unit, locale) : '',
    locale: user.locale,
    active: user.active,
    mustChangePassword: user.mustChangePassword,
  };
}

export function roleOptions(t: TFunction, selected?: string) {
  return roles.map((role) => ({ value: role, label: t(`roles.${role}`), selected: role === selected }));
}

export function localeOptions(selected?: string) {
  return [
    { value: 'zh-CN', label: '中文', selected: selected !== 'en' },
    { value: 'en', label: 'English', selected: selected === 'en' },
  ];
}
