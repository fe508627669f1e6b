import type { TFunction } from 'i18next';
import type { Actor } from '../access/actor';
import { type Action, policy } from '../access/policy';

const entries: Array<{ href: string; label: string; action?: Action }> = [
  { href: '/', label: 'nav.home' },
  { href: '/cases', label: 'cases.navList', action: 'case.list' },
  { href: '/cases/new', label: 'cases.navNew', action: 'case.register' },
  { href: '/petitions', label: 'nav.petitions', action: 'petition.list' },
  { href: '/schedule', label: 'nav.schedule', action: 'schedule.view' },
  { href: '/escalations', label: 'nav.escalations', action: 'escalation.list' },
  { href: '/screenings', label: 'screening.nav', action: 'screening.list' },
  { href: '/supervision/overdue', label: 'nav.overdue', action: 'supervision.view' },
  { href: '/stats', label: 'nav.stats', action: 'stats.view' },
  { href: '/admin/units', label: 'nav.units', action: 'unit.manage' },
  { href: '/admin/users', label: 'nav.users', action: 'user.manage' },
  { href: '/admin/audit', label: 'nav.audit', action: 'audit.view' },
  { href: '/admin/import', label: 'nav.import', action: 'import.cases' },
  { href: '/admin/outbox', label: 'outbox.nav', action: 'outbox.manage' },
  { href: '/admin/calendar', label: 'nav.calendar', action: 'calendar.manage' },
  { href: '/account/notifications', label: 'notifications.nav' },
];

/** The link of the page one is on: the longest entry the path starts with (`/cases/new` is not also `/cases`). */
function isCurrent(href: string, currentPath: string): boolean {
  const matches = (candidate: string) =>
    candidate === '/'
      ? currentPath === '/'
      : currentPath === candidate ||
        currentPath.startsWith(`${candidate}/`) ||
        currentPath.startsWith(`${candidate}?`);
  if (!matches(href)) return false;
  return !entries.some(
    (entry) => entry.href.length > href.length && entry.href.startsWith(href) && matches(entry.href),
  );
}

/** The header's links: those the policy lets this user follow. */
export function navigationFor(actor: Actor | undefined, currentPath: string, t: TFunction) {
  if (!actor) return [];
  return entries
    .filter((entry) => !entry.action || policy.can(actor, entry.action))
    .map((entry) => ({
      href: entry.href,
      label: t(entry.label),
      current: isCurrent(entry.href, currentPath),
    }));
}
