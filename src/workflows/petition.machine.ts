import { assign, type StateValue, setup } from 'xstate';
import { statePathOf } from './machine-runner';
import type { PetitionCategory } from './rules/petition-rules.types';

/**
 * The petition (信访) statechart, per the Regulations on Petition Work
 * (信访工作条例, 2022; DOMAIN.md "Petitions"). Persisted as `{value, context}`
 * with `petitionMachineVersion`. The periods (decide in 15 days, conclude in 60,
 * ask for 复查/复核 within 30) are counted by the service, which passes the
 * resulting last days in the events; the machine compares dates, it does not
 * compute them.
 */

/**
 * Bump when a persisted `{value, context}` of the previous version would not resolve the same way.
 * 2: the category, the delivery of each opinion, the units of the review levels, the
 * conclusion date, the recheck's hearing and the final mark (migration 1764200100000).
 */
export const petitionMachineVersion = 2;

export interface PetitionMachineInput {
  /** The unit that registered the petition and decides on it. */
  holdingUnitId: string;
  /** §31: which kind of petition it is; only claims have the 60-day conclusion period (§34). */
  category: PetitionCategory;
}

export interface PetitionContext {
  /** The unit that decides now: the registering unit, then the review body, then the recheck body. */
  holdingUnitId: string;
  category: PetitionCategory;
  /** Set when the petition is forwarded (转送/交办) to the unit that should handle it. */
  forwardedToUnitId: string | null;
  /** The petition agent (信访代理员) following it for the petitioner. */
  agentId: string | null;
  /** Dispute cases opened or linked for it (诉访分离). */
  linkedCaseIds: string[];
  /** The handling period was extended (at most once, by at most 30 days). */
  extended: boolean;
  /** Last day (YYYY-MM-DD) of the conclusion period (§34), claims only; moved by the extension. */
  conclusionDueOn: string | null;
  /** The day the latest written opinion (reply, review) was given … */
  opinionGivenOn: string | null;
  /** … and the day it reached the petitioner: the request windows run from it. */
  deliveredOn: string | null;
  /** A later delivery (RECORD_DELIVERY) was recorded for the latest opinion: once per opinion. */
  deliveryRecorded?: boolean;
  /** Last day (YYYY-MM-DD) to ask for a review (复查), computed by the service from the delivery. */
  reviewRequestWindowEndsOn: string | null;
  /** Last day (YYYY-MM-DD) to ask for a recheck (复核), computed by the service from the delivery. */
  recheckRequestWindowEndsOn: string | null;
  /** The unit whose reply is reviewed, the review body (one level up, §35), the recheck body (one further, §36). */
  repliedByUnitId: string | null;
  reviewUnitId: string | null;
  recheckUnitId: string | null;
  /** Closed by the recheck's decision: final, the same matter is not accepted again (§36). */
  final: boolean;
}

/** Events of `POST /petitions/:id/events`, validated (and dated by the service) before they get here. */
export type PetitionEvent =
  | { type: 'ACCEPT'; note?: string; conclusionDueOn?: string | null }
  | { type: 'DECLINE'; reason: string }
  | { type: 'FORWARD'; toUnitId: string; reason?: string }
  | { type: 'EXTEND'; days: number; reason: string; on: string; conclusionDueOn: string }
  | {
      type: 'REPLY';
      opinion: string;
      on: string;
      deliveredOn: string;
      /** Null where no review can be asked (not a claim, §35). */
      reviewRequestWindowEndsOn: string | null;
    }
  | { type: 'RECORD_DELIVERY'; deliveredOn: string; on: string; windowEndsOn: string }
  | { type: 'REQUEST_REVIEW'; requestedOn: string; reason?: string; reviewUnitId: string }
  | {
      type: 'REVIEW_DECIDED';
      opinion: string;
      on: string;
      deliveredOn: string;
      recheckRequestWindowEndsOn: string;
    }
  | { type: 'REQUEST_RECHECK'; requestedOn: string; reason?: string; recheckUnitId: string }
  | { type: 'SUSPEND'; reason: 'hearing'; note?: string }
  | { type: 'RESUME'; note?: string }
  | { type: 'RECHECK_DECIDED'; opinion: string }
  | { type: 'CLOSE'; note?: string }
  | { type: 'LINK_CASE'; caseId: string }
  | { type: 'ASSIGN_AGENT'; agentId: string };

export type PetitionEventType = PetitionEvent['type'];

/** A later delivery is recorded once per opinion, never dated before it was given. */
function deliveryMayBeRecorded(
  context: PetitionContext,
  event: Extract<PetitionEvent, { type: 'RECORD_DELIVERY' }>,
): boolean {
  return (
    !context.deliveryRecorded &&
    context.opinionGivenOn !== null &&
    event.deliveredOn >= context.opinionGivenOn
  );
}

export const petitionMachine = setup({
  types: {} as { context: PetitionContext; events: PetitionEvent; input: PetitionMachineInput },
  guards: {
    // §34: a claim's period, extended once, and only while it has not run out (dates compare as text)
    mayExtend: ({ context, event }) =>
      event.type === 'EXTEND' &&
      context.category === 'claim' &&
      !context.extended &&
      context.conclusionDueOn !== null &&
      event.on <= context.conclusionDueOn,
    // a later delivery: once per opinion, on or after the day it was given, recorded while the
    // window it moves is still open (an expired §35/§36 window is not opened again)
    mayRecordReplyDelivery: ({ context, event }) =>
      event.type === 'RECORD_DELIVERY' &&
      deliveryMayBeRecorded(context, event) &&
      context.reviewRequestWindowEndsOn !== null &&
      event.on <= context.reviewRequestWindowEndsOn,
    mayRecordReviewDelivery: ({ context, event }) =>
      event.type === 'RECORD_DELIVERY' &&
      deliveryMayBeRecorded(context, event) &&
      context.recheckRequestWindowEndsOn !== null &&
      event.on <= context.recheckRequestWindowEndsOn,
    // a request lies between the delivery and the window's last day (the service refuses a future one);
    // only a claim's opinion is reviewed (§34, §35): no window is opened for the others
    withinReviewRequestWindow: ({ context, event }) =>
      event.type === 'REQUEST_REVIEW' &&
      context.category === 'claim' &&
      context.reviewRequestWindowEndsOn !== null &&
      event.requestedOn >= (context.deliveredOn ?? '') &&
      event.requestedOn <= context.reviewRequestWindowEndsOn,
    withinRecheckRequestWindow: ({ context, event }) =>
      event.type === 'REQUEST_RECHECK' &&
      context.category === 'claim' &&
      context.recheckRequestWindowEndsOn !== null &&
      event.requestedOn >= (context.deliveredOn ?? '') &&
      event.requestedOn <= context.recheckRequestWindowEndsOn,
  },
  actions: {
    recordForwarding: assign(({ event }) =>
      event.type === 'FORWARD' ? { forwardedToUnitId: event.toUnitId } : {},
    ),
    startConclusion: assign(({ event }) =>
      event.type === 'ACCEPT' ? { conclusionDueOn: event.conclusionDueOn ?? null } : {},
    ),
    recordExtension: assign(({ event }) =>
      event.type === 'EXTEND' ? { extended: true, conclusionDueOn: event.conclusionDueOn } : {},
    ),
    openReviewWindow: assign(({ context, event }) =>
      event.type === 'REPLY'
        ? {
            reviewRequestWindowEndsOn: event.reviewRequestWindowEndsOn,
            opinionGivenOn: event.on,
            deliveredOn: event.deliveredOn,
            deliveryRecorded: false,
            repliedByUnitId: context.holdingUnitId,
          }
        : {},
    ),
    moveReviewWindow: assign(({ event }) =>
      event.type === 'RECORD_DELIVERY'
        ? {
            deliveredOn: event.deliveredOn,
            reviewRequestWindowEndsOn: event.windowEndsOn,
            deliveryRecorded: true,
          }
        : {},
    ),
    moveRecheckWindow: assign(({ event }) =>
      event.type === 'RECORD_DELIVERY'
        ? {
            deliveredOn: event.deliveredOn,
            recheckRequestWindowEndsOn: event.windowEndsOn,
            deliveryRecorded: true,
          }
        : {},
    ),
    // §35: the review goes to the body one level up, which now holds the petition
    sendToReviewBody: assign(({ event }) =>
      event.type === 'REQUEST_REVIEW'
        ? { reviewUnitId: event.reviewUnitId, holdingUnitId: event.reviewUnitId }
        : {},
    ),
    openRecheckWindow: assign(({ event }) =>
      event.type === 'REVIEW_DECIDED'
        ? {
            recheckRequestWindowEndsOn: event.recheckRequestWindowEndsOn,
            opinionGivenOn: event.on,
            deliveredOn: event.deliveredOn,
            deliveryRecorded: false,
          }
        : {},
    ),
    // §36: the recheck goes one level further up
    sendToRecheckBody: assign(({ event }) =>
      event.type === 'REQUEST_RECHECK'
        ? { recheckUnitId: event.recheckUnitId, holdingUnitId: event.recheckUnitId }
        : {},
    ),
    markFinal: assign({ final: true }),
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
    category: input.category,
    forwardedToUnitId: null,
    agentId: null,
    linkedCaseIds: [],
    extended: false,
    conclusionDueOn: null,
    opinionGivenOn: null,
    deliveredOn: null,
    deliveryRecorded: false,
    reviewRequestWindowEndsOn: null,
    recheckRequestWindowEndsOn: null,
    repliedByUnitId: null,
    reviewUnitId: null,
    recheckUnitId: null,
    final: false,
  }),
  initial: 'registered',
  states: {
    // decide within 15 days whether to accept
    registered: {
      on: {
        ACCEPT: { target: 'accepted', actions: 'startConclusion' },
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
        // claims: conclude within 60 days of acceptance; one extension of at most 30 days, before they run out (§34)
        handling: {
          on: {
            EXTEND: { guard: 'mayExtend', actions: 'recordExtension' },
            REPLY: { target: 'replied', actions: 'openReviewWindow' },
          },
        },
        // 30 days from the reply's delivery to ask for a review (§35)
        replied: {
          on: {
            RECORD_DELIVERY: { guard: 'mayRecordReplyDelivery', actions: 'moveReviewWindow' },
            REQUEST_REVIEW: {
              guard: 'withinReviewRequestWindow',
              target: 'review',
              actions: 'sendToReviewBody',
            },
            CLOSE: '#petition.closed',
          },
        },
        // 复查 by the body one level up: decided within 30 days
        review: {
          on: {
            REVIEW_DECIDED: { target: 'reviewed', actions: 'openRecheckWindow' },
          },
        },
        // 30 days from the review opinion's delivery to ask for a recheck (§36)
        reviewed: {
          on: {
            RECORD_DELIVERY: { guard: 'mayRecordReviewDelivery', actions: 'moveRecheckWindow' },
            REQUEST_RECHECK: {
              guard: 'withinRecheckRequestWindow',
              target: 'recheck',
              actions: 'sendToRecheckBody',
            },
            CLOSE: '#petition.closed',
          },
        },
        // 复核 one level further up: decided within 30 days; the decision is final
        recheck: {
          on: {
            SUSPEND: 'recheckHearing',
            RECHECK_DECIDED: { target: '#petition.closed', actions: 'markFinal' },
          },
        },
        // a hearing (听证): its time is not counted in the 30 days (§36)
        recheckHearing: {
          on: {
            RESUME: 'recheck',
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
  'accepted.recheckHearing',
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
 * are `today` (YYYY-MM-DD, Asia/Shanghai): a request made, an extension asked, a
 * delivery recorded now. Ids are placeholders: no guard reads them.
 */
export function petitionEventProbes(today: string): PetitionEvent[] {
  return [
    { type: 'ACCEPT' },
    { type: 'DECLINE', reason: 'probe' },
    { type: 'FORWARD', toUnitId: 'probe-unit' },
    { type: 'EXTEND', days: 30, reason: 'probe', on: today, conclusionDueOn: today },
    { type: 'REPLY', opinion: 'probe', on: today, deliveredOn: today, reviewRequestWindowEndsOn: today },
    { type: 'RECORD_DELIVERY', deliveredOn: today, on: today, windowEndsOn: today },
    { type: 'REQUEST_REVIEW', requestedOn: today, reviewUnitId: 'probe-unit' },
    {
      type: 'REVIEW_DECIDED',
      opinion: 'probe',
      on: today,
      deliveredOn: today,
      recheckRequestWindowEndsOn: today,
    },
    { type: 'REQUEST_RECHECK', requestedOn: today, recheckUnitId: 'probe-unit' },
    { type: 'SUSPEND', reason: 'hearing' },
    { type: 'RESUME' },
    { type: 'RECHECK_DECIDED', opinion: 'probe' },
    { type: 'CLOSE' },
    { type: 'LINK_CASE', caseId: 'probe-case' },
    { type: 'ASSIGN_AGENT', agentId: 'probe-agent' },
  ];
}
