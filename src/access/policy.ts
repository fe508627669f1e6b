import type { Role } from '../users/user.entity';
import type { Actor } from './actor';

/**
 * THE policy module: the one place that answers "may user U do action A on record R".
 * Route guards, services and templates ask it; nothing else decides access.
 *
 * Two questions, in this order:
 *   canSee(actor, resource)  — false: the record is answered 404 (its existence is not revealed);
 *   can(actor, action, resource) — false: 403.
 */

export const actions = [
  'unit.list', // the unit tree of one's district (to choose where a case goes)
  'unit.manage', // create, rename, move, deactivate units
  'user.manage', // create, change, reset, deactivate users
  'audit.view', // read the audit log
] as const;
export type Action = (typeof actions)[number];

/** A record the policy reasons about, reduced to what access depends on. */
export type Resource =
  | { kind: 'unit'; path: string }
  | { kind: 'user'; unitPath: string }
  | { kind: 'units' }
  | { kind: 'users' }
  | { kind: 'audit' };

/** Roles allowed each action at all; scope is checked separately. */
const rolesFor: Record<Action, readonly Role[]> = {
  'unit.list': ['admin', 'supervisor', 'mediator', 'petition_agent'],
  'unit.manage': ['admin'],
  'user.manage': ['admin'],
  'audit.view': ['admin'],
};

/** True when `path` is `ancestor` or lies under it (ltree `<@`, on the text form). */
export function isWithinPath(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`);
}

/** The path of the district the actor works in: the root of everything they may be shown. */
export function districtPathOf(actor: Actor): string {
  return actor.unitPath.split('.')[0];
}

export const policy = {
  canSee(actor: Actor, resource: Resource): boolean {
    switch (resource.kind) {
      case 'unit':
        // the organisation of one's own district is not secret: people hand cases across it
        return isWithinPath(resource.path, districtPathOf(actor));
      case 'user':
        // accounts are seen by those who manage them
        return actor.role === 'admin' && isWithinPath(resource.unitPath, actor.unitPath);
      case 'units':
      case 'users':
      case 'audit':
        return true;
    }
  },

  can(actor: Actor, action: Action, resource?: Resource): boolean {
    if (!rolesFor[action].includes(actor.role)) return false;
    if (!resource) return true;
    if (!this.canSee(actor, resource)) return false;
    switch (action) {
      case 'unit.manage':
        // an admin manages their own unit's subtree
        return (
          resource.kind === 'units' ||
          (resource.kind === 'unit' && isWithinPath(resource.path, actor.unitPath))
        );
      case 'user.manage':
        return (
          resource.kind === 'users' ||
          (resource.kind === 'user' && isWithinPath(resource.unitPath, actor.unitPath))
        );
      default:
        return true;
    }
  },

  /** The subtree whose units the actor may list and choose from. */
  unitScopeOf(actor: Actor): string {
    return districtPathOf(actor);
  },

  /** The subtree whose units and users an admin manages. */
  managedScopeOf(actor: Actor): string {
    return actor.unitPath;
  },

  rolesAllowed(action: Action): readonly Role[] {
    return rolesFor[action];
  },
};
