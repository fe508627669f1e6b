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
  'case.register', // register a dispute at one's own unit (or below, for a supervisor)
  'case.list', // the cases one may see
  'case.view', // one case, its timeline, its chain
  'case.act', // send a workflow event to a case (which events: canSendCaseEvent)
  'party.reveal', // a party's ID and phone number unmasked (audited)
  'escalation.list', // hand-offs into one's subtree
  'escalation.review', // endorse or question a hand-off
] as const;
export type Action = (typeof actions)[number];

/** A record the policy reasons about, reduced to what access depends on. */
export type Resource =
  | CaseResource
  | { kind: 'unit'; path: string }
  | { kind: 'user'; unitPath: string }
  | { kind: 'units' }
  | { kind: 'users' }
  | { kind: 'audit' };

/** A case as access sees it: who holds it, who has held it, which agents follow it. */
export interface CaseResource {
  kind: 'case';
  holdingUnitId: string;
  holdingUnitPath: string;
  heldUnitIds: string[];
  heldUnitPaths: string[];
  /** Agents of petitions linked to the case. */
  linkedAgentIds: string[];
}

/** Roles allowed each action at all; scope is checked separately. */
const rolesFor: Record<Action, readonly Role[]> = {
  'unit.list': ['admin', 'supervisor', 'mediator', 'petition_agent'],
  'unit.manage': ['admin'],
  'user.manage': ['admin'],
  'audit.view': ['admin'],
  'case.register': ['mediator', 'supervisor'],
  'case.list': ['mediator', 'supervisor', 'petition_agent'],
  'case.view': ['mediator', 'supervisor', 'petition_agent'],
  'case.act': ['mediator', 'supervisor'],
  'party.reveal': ['mediator', 'supervisor'],
  'escalation.list': ['supervisor'],
  'escalation.review': ['supervisor'],
};

/** Events a supervisor sends: reassigning (ASSIGN) and reopening (REOPEN) — not the mediation itself. */
const supervisorEvents: readonly string[] = ['ASSIGN', 'REOPEN'];

/** How a list query must be narrowed for this actor; the repositories translate it to SQL. */
export type CaseVisibility =
  | { kind: 'subtree'; path: string }
  | { kind: 'unit'; unitId: string }
  | { kind: 'agent'; agentId: string }
  | { kind: 'none' };

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
      case 'case':
        // a supervisor: anything held, now or before, in their subtree; a mediator: what their
        // unit holds or has held; an agent: cases linked to their petitions
        if (actor.role === 'supervisor')
          return resource.heldUnitPaths.some((path) => isWithinPath(path, actor.unitPath));
        if (actor.role === 'mediator') return resource.heldUnitIds.includes(actor.unitId);
        if (actor.role === 'petition_agent') return resource.linkedAgentIds.includes(actor.id);
        return false;
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
      default:
        return false;
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
      case 'case.act':
      case 'party.reveal':
        // acting on a case, or unmasking its parties: the holding unit's people, or a supervisor over it
        return (
          resource.kind === 'case' &&
          (resource.holdingUnitId === actor.unitId ||
            (actor.role === 'supervisor' && isWithinPath(resource.holdingUnitPath, actor.unitPath)))
        );
      default:
        return true;
    }
  },

  /** May this actor send this workflow event to this case (the machine then decides if it fits now)? */
  canSendCaseEvent(actor: Actor, eventType: string, resource: CaseResource): boolean {
    if (!this.can(actor, 'case.act', resource)) return false;
    if (actor.role === 'supervisor') return supervisorEvents.includes(eventType);
    return eventType !== 'REOPEN'; // reopening a closed case is the supervisor's call
  },

  /** May this actor register a case at this unit? */
  canRegisterAt(actor: Actor, unitPath: string, unitId: string): boolean {
    if (!this.can(actor, 'case.register')) return false;
    return actor.role === 'supervisor' ? isWithinPath(unitPath, actor.unitPath) : unitId === actor.unitId;
  },

  caseVisibility(actor: Actor): CaseVisibility {
    if (!this.can(actor, 'case.list')) return { kind: 'none' };
    if (actor.role === 'supervisor') return { kind: 'subtree', path: actor.unitPath };
    if (actor.role === 'mediator') return { kind: 'unit', unitId: actor.unitId };
    return { kind: 'agent', agentId: actor.id };
  },

  /** May this supervisor review a hand-off into this unit? */
  canReviewHandOffInto(actor: Actor, toUnitPath: string): boolean {
    return this.can(actor, 'escalation.review') && isWithinPath(toUnitPath, actor.unitPath);
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
