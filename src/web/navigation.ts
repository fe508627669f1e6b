import type { TFunction } from 'i18next';
import type { Actor } from '../access/actor';
import { type Action, policy } from '../access/policy';

const entries: Array<{ href: string; label: string; action?: Action }> = [
  { href: '/', label: 'nav.home' },
  { href: '/admin/units', label: 'nav.units', action: 'unit.manage' },
  { href: '/admin/users', label: 'nav.users', action: 'user.manage' },
  { href: '/admin/audit', label: 'nav.audit', action: 'audit.view' },
];

/** The header's links: those the policy lets this user follow. */
export function navigationFor(actor: Actor | undefined, currentPath: string, t: TFunction) {
  if (!actor) return [];
  return entries
    .filter((entry) => !entry.action || policy.can(actor, entry.action))
    .map((entry) => ({
      href: entry.href,
      label: t(entry.label),
      current: entry.href === '/' ? currentPath === '/' : currentPath.startsWith(entry.href),
    }));
}
