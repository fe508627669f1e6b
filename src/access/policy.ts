import type { Actor } from './actor';
import type { Role } from './roles';

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
  'attachment.add', // add evidence or a document to a case (listed on its timeline)
  'escalation.list', // hand-offs into one's subtree
  'escalation.review', // endorse or question a hand-off
  'petition.register', // register a petition (信访) at one's unit
  'petition.list', // the petitions one may see
  'petition.view', // one petition, its timeline, its visits
  'petition.act', // send a petition event (which events: canSendPetitionEvent)
  'petition.visit', // log a visit with the petitioner (the agent's job)
  'stats.view', // the figures of one's subtree
  'supervision.view', // the overdue list and the chain check of one's subtree
  'import.cases', // load historic cases from an older system
  'outbox.manage', // see mail that could not be delivered, and send it again (audited)
  'audit.checkpoint', // sign a checkpoint of every audit chain now, list them, read the public key (audited)
  'calendar.manage', // enter a year's holiday notice (audited; moves open deadlines)
  'case.lookup_code', // issue a case's 查询码 for its parties, turn their lookup off or on (audited)
  'petition.lookup_code', // the same for a petition (信访事项查询码)
  'case.sms_consent', // record a party's consent to SMS notices, or its withdrawal (个人信息保护法 §15; audited)
  'petition.sms_consent', // the same for a petitioner
  'screening.file', // file a unit's 矛盾纠纷排查 round (items or a zero report), make an item a case (audited)
  'screening.list', // the screening rounds of one's unit (a supervisor: of their subtree)
  'schedule.view', // one's own and one's unit's calendar, its feed, moving and cancelling what one may act on (issue 21)
] as const;
export type Action = (typeof actions)[number];

/** A record the policy reasons about, reduced to what access depends on. */
export type Resource =
  | CaseResource
  | PetitionResource
  | { kind: 'unit'; path: string }
  | { kind: 'user'; unitPath: string }
  | { kind: 'units' }
  | { kind: 'users' }
  | { kind: 'audit' }
  | { kind: 'outbox' };

/** A case as access sees it: who holds it, who has held it, which agents follow it. */
export interface CaseResource {
  kind: 'case';
  holdingUnitId: string;
  holdingUnitPath: string;
  heldUnitIds: string[];
  heldUnitPaths: string[];
  /** Agents of petitions linked to the case. */
  linkedAgentIds: string[];
  /**
   * The court deciding now on confirming the case's agreement (民事诉讼法 §205, §206): it holds
   * the case meanwhile, and its users alone record the ruling. Null otherwise.
   */
  decidingCourtId?: string | null;
}

/** A petition as access sees it. */
export interface PetitionResource {
  kind: 'petition';
  holdingUnitId: string;
  holdingUnitPath: string;
  heldUnitPaths: string[];
  agentId: string | null;
  registeredBy: string | null;
  /** Under 复查 or 复核: the unit whose opinion is being reviewed (it never decides the review). */
  reviewedUnitId: string | null;
  /** The unit of first instance (the one that replied): a dispute opened from the petition goes there. */
  firstInstanceUnitPath: string;
}

/** 信访工作条例: decisions on a petition are taken by the holding unit (a supervisor there or above). */
const petitionDecisions: readonly string[] = [
  'ACCEPT',
  'DECLINE',
  'FORWARD',
  'EXTEND',
  'REPLY',
  'RECORD_DELIVERY',
  'CLOSE',
  'ASSIGN_AGENT',
  'LINK_CASE',
];
/**
 * The review body's own acts (信访工作条例 §35, §36): deciding the 复查 or the 复核, and
 * holding the recheck's hearing. Only the supervisors of the unit the request went to (one
 * level above the opinion reviewed) take them — not a unit above it, and never the unit
 * whose opinion is reviewed.
 */
const reviewBodyDecisions: readonly string[] = ['REVIEW_DECIDED', 'RECHECK_DECIDED', 'SUSPEND', 'RESUME'];
/**
 * What an agent does for the petitioner: ask for 复查/复核 and take legal claims to mediation
 * (诉访分离). When an opinion reached the petitioner moves the window to ask, so it is the
 * serving unit's supervisor who records it (RECORD_DELIVERY, among the decisions), not the
 * petitioner's side.
 */
const agentPetitionEvents: readonly string[] = ['LINK_CASE', 'REQUEST_REVIEW', 'REQUEST_RECHECK'];

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
  'attachment.add': ['mediator', 'supervisor'],
  'escalation.list': ['supervisor'],
  'escalation.review': ['supervisor'],
  'petition.register': ['petition_agent', 'supervisor'],
  'petition.list': ['petition_agent', 'supervisor'],
  'petition.view': ['petition_agent', 'supervisor'],
  'petition.act': ['petition_agent', 'supervisor'],
  'petition.visit': ['petition_agent'],
  'stats.view': ['supervisor', 'admin'],
  'supervision.view': ['supervisor'],
  'import.cases': ['admin'],
  'outbox.manage': ['admin'],
  'audit.checkpoint': ['admin', 'supervisor'],
  'calendar.manage': ['admin'],
  'case.lookup_code': ['mediator', 'supervisor'],
  'petition.lookup_code': ['petition_agent', 'supervisor'],
  'case.sms_consent': ['mediator', 'supervisor'],
  'petition.sms_consent': ['petition_agent', 'supervisor'],
  'screening.file': ['mediator', 'supervisor'],
  'screening.list': ['mediator', 'supervisor'],
  'schedule.view': ['mediator', 'supervisor', 'petition_agent'],
};

/**
 * Events a supervisor sends: reassigning (ASSIGN), reopening (REOPEN) and grading the risk
 * they watch (SET_RISK_GRADE) — not the mediation itself.
 */
const supervisorEvents: readonly string[] = ['ASSIGN', 'REOPEN', 'SET_RISK_GRADE'];

/**
 * The court's ruling on an application for judicial confirmation (民事诉讼法 §206): recorded by
 * a user of the court the application went to, never by the mediators whose agreement it is.
 */
const courtRulings: readonly string[] = ['CONFIRMED', 'CONFIRMATION_REJECTED'];

/** How a list query must be narrowed for this actor; the repositories translate it to SQL. */
export type CaseVisibility =
  | { kind: 'subtree'; path: string }
  | { kind: 'unit'; unitId: string }
  | { kind: 'agent'; agentId: string }
  | { kind: 'none' };

export type PetitionVisibility =
  | { kind: 'subtree'; path: string }
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
      case 'petition':
        // a supervisor: anything held in their subtree; an agent: the petitions they follow or registered
        if (actor.role === 'supervisor')
          return resource.heldUnitPaths.some((path) => isWithinPath(path, actor.unitPath));
        if (actor.role === 'petition_agent')
          return resource.agentId === actor.id || resource.registeredBy === actor.id;
        return false;
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
      case 'outbox':
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
      case 'attachment.add':
      case 'case.lookup_code':
      case 'case.sms_consent':
        // acting on a case, unmasking its parties or adding to its file: the holding unit's people,
        // or a supervisor over it
        return (
          resource.kind === 'case' &&
          (resource.holdingUnitId === actor.unitId ||
            (actor.role === 'supervisor' && isWithinPath(resource.holdingUnitPath, actor.unitPath)))
        );
      case 'petition.lookup_code':
      case 'petition.sms_consent':
        // the parties' access to a petition: the agent assigned to follow it, or a supervisor over its
        // holding unit — not an agent who only registered it, once it has moved on
        return (
          resource.kind === 'petition' &&
          (actor.role === 'petition_agent'
            ? resource.agentId === actor.id
            : isWithinPath(resource.holdingUnitPath, actor.unitPath))
        );
      default:
        return true;
    }
  },

  /** May this actor send this workflow event to this case (the machine then decides if it fits now)? */
  canSendCaseEvent(actor: Actor, eventType: string, resource: CaseResource): boolean {
    if (!this.can(actor, 'case.act', resource)) return false;
    if (actor.role === 'supervisor') return supervisorEvents.includes(eventType);
    // while a court decides, its users record the ruling and nothing else happens to the case
    if (courtRulings.includes(eventType) || resource.decidingCourtId)
      return courtRulings.includes(eventType) && resource.decidingCourtId === actor.unitId;
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

  /** May this actor send this event to this petition (the statechart then decides if it fits now)? */
  canSendPetitionEvent(actor: Actor, eventType: string, resource: PetitionResource): boolean {
    if (!this.can(actor, 'petition.act', resource)) return false;
    if (actor.role === 'supervisor') {
      if (reviewBodyDecisions.includes(eventType))
        return resource.holdingUnitId === actor.unitId && resource.reviewedUnitId !== actor.unitId;
      // 诉访分离: the local forum's supervisors still take the dispute to mediation while a body above reviews
      if (eventType === 'LINK_CASE' && isWithinPath(resource.firstInstanceUnitPath, actor.unitPath))
        return true;
      return isWithinPath(resource.holdingUnitPath, actor.unitPath) && petitionDecisions.includes(eventType);
    }
    return agentPetitionEvents.includes(eventType);
  },

  /** Visits are logged by the agent who follows (or registered) the petition. */
  canLogVisit(actor: Actor, resource: PetitionResource): boolean {
    return this.can(actor, 'petition.visit', resource);
  },

  /** An agent who registers a petition follows it (becomes its agent); a supervisor who registers one assigns an agent later. */
  followsPetitionOnRegistering(actor: Actor): boolean {
    return actor.role === 'petition_agent';
  },

  canRegisterPetitionAt(actor: Actor, unitPath: string, unitId: string): boolean {
    if (!this.can(actor, 'petition.register')) return false;
    return actor.role === 'supervisor' ? isWithinPath(unitPath, actor.unitPath) : unitId === actor.unitId;
  },

  /**
   * A petitioner's ID and phone number in full, on the petition's printed notices and opinions
   * (audited): as for a case's parties (`party.reveal`), the roles that may unmask people, at
   * the unit holding the petition or a supervisor over it. Everyone else who may see the
   * petition prints them masked.
   */
  canRevealPetitioners(actor: Actor, resource: PetitionResource): boolean {
    return (
      rolesFor['party.reveal'].includes(actor.role) &&
      this.canSee(actor, resource) &&
      (resource.holdingUnitId === actor.unitId ||
        (actor.role === 'supervisor' && isWithinPath(resource.holdingUnitPath, actor.unitPath)))
    );
  },

  petitionVisibility(actor: Actor): PetitionVisibility {
    if (!this.can(actor, 'petition.list')) return { kind: 'none' };
    if (actor.role === 'supervisor') return { kind: 'subtree', path: actor.unitPath };
    return { kind: 'agent', agentId: actor.id };
  },

  /** The subtree whose figures the actor reads by default: a supervisor's own, an admin's own. */
  statsScopeOf(actor: Actor): string {
    return actor.unitPath;
  },

  canSeeStatsOf(actor: Actor, unitPath: string): boolean {
    return this.can(actor, 'stats.view') && isWithinPath(unitPath, actor.unitPath);
  },

  /** Historic cases may be imported into units the admin manages. */
  canImportInto(actor: Actor, unitPath: string): boolean {
    return this.can(actor, 'import.cases') && isWithinPath(unitPath, actor.unitPath);
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

  /**
   * 矛盾纠纷排查 (issue 21): a unit's round is filed by its own mediators (the workstation's, mainly)
   * or by a supervisor over it; it is read by the unit and the supervisors over it.
   */
  canFileScreeningAt(actor: Actor, unit: { id: string; path: string }): boolean {
    if (!this.can(actor, 'screening.file')) return false;
    return actor.role === 'supervisor' ? isWithinPath(unit.path, actor.unitPath) : unit.id === actor.unitId;
  },

  canSeeScreeningOf(actor: Actor, unit: { id: string; path: string }): boolean {
    if (!this.can(actor, 'screening.list')) return false;
    return actor.role === 'supervisor' ? isWithinPath(unit.path, actor.unitPath) : unit.id === actor.unitId;
  },

  /** The rounds a list shows this actor: a supervisor's subtree, a mediator's own unit. */
  screeningScopeOf(actor: Actor): { subtreePath: string } | { unitId: string } {
    return actor.role === 'supervisor' ? { subtreePath: actor.unitPath } : { unitId: actor.unitId };
  },

  rolesAllowed(action: Action): readonly Role[] {
    return rolesFor[action];
  },
};
