import { assign, type StateValue, setup } from 'xstate';
import { statePathOf } from './machine-runner';

/**
 * The petition (信访) statechart, per the Regulations on Petition Work
 * (信访工作条例, 2022; DOMAIN.md "Petitions"). Persisted as `{value, context}`
 * with `petitionMachineVersion`. The periods (decide in 15 days, conclude in 60,
 * ask for 复查/复核 within 30) are counted by the service, which passes the
 * resulting last days in the events; the machine compares dates, it does not
 * compute them.
 */

/** Bump when a persisted `{value, context}` of the previous version would not resolve the same way. */
export const petitionMachineVersion = 1;

export interface PetitionMachineInput {
  /** The unit that registered the petition and decides on it. */
  holdingUnitId: string;
}

export interface PetitionContext {
  holdingUnitId: string;
  /** Set when the petition is forwarded (转送/交办) to the unit that should handle it. */
  forwardedToUnitId: string | null;
  /** The petition agent (信访代理员) following it for the petitioner. */
  agentId: string | null;
  /** Dispute cases opened or linked for it (诉访分离). */
  linkedCaseIds: string[];
  /** The handling period was extended (at most once, by at most 30 days). */
  extended: boolean;
  /** Last day (YYYY-MM-DD) to ask for a review (复查), computed by the service from the reply. */
  reviewRequestWindowEndsOn: string | null;
  /** Last day (YYYY-MM-DD) to ask for a recheck (复核), computed by the service from the review decision. */
  recheckRequestWindowEndsOn: string | null;
}

/** Events of `POST /petitions/:id/events`, validated before they get here. */
export type PetitionEvent =
  | { type: 'ACCEPT'; note?: string }
  | { type: 'DECLINE'; reason: string }
  | { type: 'FORWARD'; toUnitId: string; reason?: string }
  | { type: 'EXTEND'; days: number; reason: string }
  | { type: 'REPLY'; opinion: string; reviewRequestWindowEndsOn: string }
  | { type: 'REQUEST_REVIEW'; requestedOn: string; reason?: string }
  | { type: 'REVIEW_DECIDED'; opinion: string; recheckRequestWindowEndsOn: string }
  | { type: 'REQUEST_RECHECK'; requestedOn: string; reason?: string }
  | { type: 'RECHECK_DECIDED'; opinion: string }
  | { type: 'CLOSE'; note?: string }
  | { type: 'LINK_CASE'; caseId: string }
  | { type: 'ASSIGN_AGENT'; agentId: string };

export type PetitionEventType = PetitionEvent['type'];

export const petitionMachine = setup({
  types: {} as { context: PetitionContext; events: PetitionEvent; input: PetitionMachineInput },
  guards: {
    hasNotBeenExtended: ({ context }) => !context.extended,
    // YYYY-MM-DD dates compare as text
    withinReviewRequestWindow: ({ context, event }) =>
      event.type === 'REQUEST_REVIEW' &&
      context.reviewRequestWindowEndsOn !== null &&
      event.requestedOn <= context.reviewRequestWindowEndsOn,
    withinRecheckRequestWindow: ({ context, event }) =>
      event.type === 'REQUEST_RECHECK' &&
      context.recheckRequestWindowEndsOn !== null &&
      event.requestedOn <= context.recheckRequestWindowEndsOn,
  },
  actions: {
    recordForwarding: assign(({ event }) =>
      event.type === 'FORWARD' ? { forwardedToUnitId: event.toUnitId } : {},
    ),
    recordExtension: assign({ extended: true }),
    openReviewWindow: assign(({ event }) =>
      event.type === 'REPLY' ? { reviewRequestWindowEndsOn: event.reviewRequestWindowEndsOn } : {},
    ),
    openRecheckWindow: assign(({ event }) =>
      event.type === 'REVIEW_DECIDED' ? { recheckRequestWindowEndsOn: event.recheckRequestWindowEndsOn } : {},
    ),
    linkCase: assign(({ context, event }) =>
      event.type === 'LINK_CASE' && !context.linkedCaseIds.includes(event.caseId)
        ? { linkedCaseIds: [...context.linkedCaseIds, event.caseId] }
        : {},
    ),
    assignAgent: assign(({ event }) => (event.type === 'ASSIGN_AGENT' ? { agentId: event.agentId } : {})),
  },
}).createMachine({
  id: 'petition',
  version: String(petitionMachineVersion),
  context: ({ input }) => ({
    holdingUnitId: input.holdingUnitId,
    forwardedToUnitId: null,
    agentId: null,
    linkedCaseIds: [],
    extended: false,
    reviewRequestWindowEndsOn: null,
    recheckRequestWindowEndsOn: null,
  }),
  initial: 'registered',
  states: {
    // decide within 15 days whether to accept
    registered: {
      on: {
        ACCEPT: 'accepted',
        DECLINE: 'notAccepted',
        FORWARD: { target: 'forwarded', actions: 'recordForwarding' },
        LINK_CASE: { actions: 'linkCase' },
        ASSIGN_AGENT: { actions: 'assignAgent' },
      },
    },

    notAccepted: { type: 'final' },

    // 转送/交办: the receiving unit registers and decides on its own petition
    forwarded: { type: 'final' },

    // Accepted (受理) is the whole open life of the petition after the decision: handling
    // begins on acceptance, and the 复查/复核 stages belong to the same accepted petition.
    accepted: {
      initial: 'handling',
      on: {
        LINK_CASE: { actions: 'linkCase' },
        ASSIGN_AGENT: { actions: 'assignAgent' },
      },
      states: {
        // conclude within 60 days of acceptance; one extension of at most 30 days, with approval and notice
        handling: {
          on: {
            EXTEND: { guard: 'hasNotBeenExtended', actions: 'recordExtension' },
            REPLY: { target: 'replied', actions: 'openReviewWindow' },
          },
        },
        // 30 days to ask for a review (§35)
        replied: {
          on: {
            REQUEST_REVIEW: { guard: 'withinReviewRequestWindow', target: 'review' },
            CLOSE: '#petition.closed',
          },
        },
        // 复查: decided within 30 days
        review: {
          on: {
            REVIEW_DECIDED: { target: 'reviewed', actions: 'openRecheckWindow' },
          },
        },
        // 30 days to ask for a recheck (§36)
        reviewed: {
          on: {
            REQUEST_RECHECK: { guard: 'withinRecheckRequestWindow', target: 'recheck' },
            CLOSE: '#petition.closed',
          },
        },
        // 复核: decided within 30 days, hearing time not counted; the decision is final
        recheck: {
          on: {
            RECHECK_DECIDED: '#petition.closed',
          },
        },
      },
    },

    closed: { type: 'final' },
  },
});

/** Every state a petition can rest in, as `petitionStatePath()` writes it. */
export const petitionStatePaths = [
  'registered',
  'notAccepted',
  'forwarded',
  'accepted.handling',
  'accepted.replied',
  'accepted.review',
  'accepted.reviewed',
  'accepted.recheck',
  'closed',
] as const;
export type PetitionStatePath = (typeof petitionStatePaths)[number];

/** `{ accepted: 'handling' }` → `accepted.handling`, for the petition's queryable state column. */
export function petitionStatePath(value: StateValue): PetitionStatePath {
  const path = statePathOf(value);
  if (!(petitionStatePaths as readonly string[]).includes(path))
    throw new Error(`Not a petition state: ${path}`);
  return path as PetitionStatePath;
}

/**
 * Probe events for `allowedEvents()`: one per event type. Dates a guard compares
 * are `today` (YYYY-MM-DD, Asia/Shanghai): a request made now. Ids are
 * placeholders: no guard reads them.
 */
export function petitionEventProbes(today: string): PetitionEvent[] {
  return [
    { type: 'ACCEPT' },
    { type: 'DECLINE', reason: 'probe' },
    { type: 'FORWARD', toUnitId: 'probe-unit' },
    { type: 'EXTEND', days: 30, reason: 'probe' },
    { type: 'REPLY', opinion: 'probe', reviewRequestWindowEndsOn: today },
    { type: 'REQUEST_REVIEW', requestedOn: today },
    { type: 'REVIEW_DECIDED', opinion: 'probe', recheckRequestWindowEndsOn: today },
    { type: 'REQUEST_RECHECK', requestedOn: today },
    { type: 'RECHECK_DECIDED', opinion: 'probe' },
    { type: 'CLOSE' },
    { type: 'LINK_CASE', caseId: 'probe-case' },
    { type: 'ASSIGN_AGENT', agentId: 'probe-agent' },
  ];
}
