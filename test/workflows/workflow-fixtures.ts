import {
  type CaseContext,
  type CaseEvent,
  type CaseMachineInput,
  type CaseRulesExcerpt,
  caseMachine,
} from '../../src/workflows/case.machine';
import { applyEvent, type PersistedState, startMachine } from '../../src/workflows/machine-runner';
import {
  type PetitionContext,
  type PetitionEvent,
  petitionMachine,
} from '../../src/workflows/petition.machine';
import type { PetitionCategory } from '../../src/workflows/rules/petition-rules.types';

/** Builders for workflow specs: states are reached by sending the events a user would send. */

export type PersistedCase = PersistedState<CaseContext>;
export type PersistedPetition = PersistedState<PetitionContext>;

/** People's mediation with judicial confirmation (e.g. neighbourhood, labour). */
export const rulesWithConfirmation: CaseRulesExcerpt = {
  failureGuidance: ['arbitration', 'litigation', 'payment_order', 'other'],
  extendableTracks: [],
  arbitrationOnceExpiredTracks: [],
  departmentDecidesAcceptance: false,
};

/** A type whose failed mediation leads to the government's ruling (land, demolition); its agreements are confirmable or not one by one. */
export const rulesWithoutConfirmation: CaseRulesExcerpt = {
  failureGuidance: ['administrative_ruling', 'litigation'],
  extendableTracks: [],
  arbitrationOnceExpiredTracks: [],
  departmentDecidesAcceptance: false,
};

export function newCase(input: Partial<CaseMachineInput> = {}): PersistedCase {
  return startMachine(caseMachine, {
    type: 'neighbourhood',
    rules: rulesWithConfirmation,
    holdingUnitId: 'community-1',
    ...input,
  });
}

export function sendCase(persisted: PersistedCase, ...events: CaseEvent[]): PersistedCase {
  return events.reduce((state, event) => applyEvent(caseMachine, state, event).next, persisted);
}

export const caseEvents = {
  submit: { type: 'SUBMIT' },
  acceptPeople: (
    level: 'community' | 'street' | 'district' = 'community',
    unitId = `${level}-1`,
  ): CaseEvent => ({
    type: 'ACCEPT',
    track: 'people',
    level,
    unitId,
  }),
  acceptOn: (track: 'administrative' | 'judicial', unitId = `${track}-1`): CaseEvent => ({
    type: 'ACCEPT',
    track,
    unitId,
  }),
  assign: (mediatorId = 'mediator-1'): CaseEvent => ({ type: 'ASSIGN', mediatorId }),
  logSession: {
    type: 'LOG_SESSION',
    kind: 'session',
    heldAt: '2024-05-02T10:00:00+08:00',
    minutes: '双方陈述',
  },
  suspend: { type: 'SUSPEND', reason: 'appraisal' },
  resume: { type: 'RESUME' },
  agree: (
    form: 'written' | 'oral' = 'written',
    confirmationWindowEndsOn: string | null = '2024-06-01',
  ): CaseEvent => ({
    type: 'REACH_AGREEMENT',
    form,
    terms: '分期支付',
    performBy: '2024-07-01',
    confirmationWindowEndsOn,
    reachedOn: '2024-05-02',
  }),
  escalate: (unitId = 'street-1'): CaseEvent => ({
    type: 'ESCALATE',
    reasonCode: 'beyond_authority',
    reason: '超出本级职权',
    unitId,
  }),
  returnDown: (unitId = 'community-1'): CaseEvent => ({
    type: 'RETURN_DOWN',
    instructions: '就地化解',
    unitId,
  }),
  transferTo: (toTrack: 'people' | 'administrative' | 'judicial'): CaseEvent =>
    toTrack === 'people'
      ? { type: 'TRANSFER', toTrack, level: 'street', unitId: 'street-1', reason: '委派调解' }
      : { type: 'TRANSFER', toTrack, unitId: `${toTrack}-1`, reason: '委派调解' },
  fail: (
    guidance:
      | 'arbitration'
      | 'litigation'
      | 'administrative_ruling'
      | 'payment_order'
      | 'other' = 'litigation',
  ): CaseEvent => ({
    type: 'FAIL',
    reason: '调解不成',
    guidance,
  }),
  withdraw: { type: 'WITHDRAW', by: 'applicant' },
  requestConfirmation: (appliedOn = '2024-05-20'): CaseEvent => ({
    type: 'REQUEST_JUDICIAL_CONFIRMATION',
    court: 'court-1',
    appliedOn,
    jointlyApplied: true,
  }),
  confirmed: { type: 'CONFIRMED', rulingNo: '(2024)沪0112民特1号', ruledOn: '2024-06-10' },
  confirmationRejected: { type: 'CONFIRMATION_REJECTED', reason: '协议内容违法' },
  followUp: { type: 'RECORD_FOLLOW_UP', visitedAt: '2024-06-15', note: '已付第一期', performed: 'partial' },
  fulfilled: { type: 'FULFILLED' },
  breached: { type: 'BREACHED', note: '未按期支付', guidance: [] },
  resumeMediation: { type: 'RESUME_MEDIATION' },
  reopen: { type: 'REOPEN', reason: '当事人反映协议未履行' },
} satisfies Record<string, CaseEvent | ((...args: never[]) => CaseEvent)>;

export function caseInScreening(input: Partial<CaseMachineInput> = {}): PersistedCase {
  return sendCase(newCase(input), caseEvents.submit);
}

/** A case in mediation.inProgress on the people's track at `level`, or on another track. */
export function caseInProgress(
  on: { level?: 'community' | 'street' | 'district'; track?: 'people' | 'administrative' | 'judicial' } = {},
  input: Partial<CaseMachineInput> = {},
): PersistedCase {
  const accept =
    on.track === undefined || on.track === 'people'
      ? caseEvents.acceptPeople(on.level ?? 'community')
      : caseEvents.acceptOn(on.track);
  return sendCase(caseInScreening(input), accept, caseEvents.assign());
}

/** A case awaiting fulfilment of an agreement reached in mediation. */
export function caseWithAgreement(
  agreement: {
    form?: 'written' | 'oral';
    windowEndsOn?: string | null;
    track?: 'people' | 'administrative' | 'judicial';
  } = {},
  input: Partial<CaseMachineInput> = {},
): PersistedCase {
  return sendCase(
    caseInProgress({ track: agreement.track }, input),
    caseEvents.agree(
      agreement.form ?? 'written',
      agreement.windowEndsOn === undefined ? '2024-06-01' : agreement.windowEndsOn,
    ),
  );
}

export function newPetition(category: PetitionCategory = 'claim'): PersistedPetition {
  return startMachine(petitionMachine, { holdingUnitId: 'street-1', category });
}

export function sendPetition(persisted: PersistedPetition, ...events: PetitionEvent[]): PersistedPetition {
  return events.reduce((state, event) => applyEvent(petitionMachine, state, event).next, persisted);
}

/** Petition events as the service resolves them: dated, with the windows and units it looked up. */
export const petitionEvents = {
  accept: { type: 'ACCEPT', conclusionDueOn: '2024-07-30' },
  decline: { type: 'DECLINE', reason: '不属于信访事项' },
  forward: (toUnitId = 'department-1'): PetitionEvent => ({ type: 'FORWARD', toUnitId }),
  extend: { type: 'EXTEND', days: 30, reason: '情况复杂', on: '2024-06-15', conclusionDueOn: '2024-08-29' },
  extendOn: (on: string, conclusionDueOn = '2024-08-29'): PetitionEvent => ({
    type: 'EXTEND',
    days: 30,
    reason: '情况复杂',
    on,
    conclusionDueOn,
  }),
  reply: (reviewRequestWindowEndsOn = '2024-06-30', deliveredOn = '2024-05-31'): PetitionEvent => ({
    type: 'REPLY',
    opinion: '支持诉求',
    on: '2024-05-31',
    deliveredOn,
    reviewRequestWindowEndsOn,
  }),
  recordDelivery: (deliveredOn: string, windowEndsOn: string, on = deliveredOn): PetitionEvent => ({
    type: 'RECORD_DELIVERY',
    deliveredOn,
    on,
    windowEndsOn,
  }),
  requestReview: (requestedOn = '2024-06-10', reviewUnitId = 'district-1'): PetitionEvent => ({
    type: 'REQUEST_REVIEW',
    requestedOn,
    reviewUnitId,
  }),
  reviewDecided: (recheckRequestWindowEndsOn = '2024-08-15', deliveredOn = '2024-07-16'): PetitionEvent => ({
    type: 'REVIEW_DECIDED',
    opinion: '维持原处理意见',
    on: '2024-07-16',
    deliveredOn,
    recheckRequestWindowEndsOn,
  }),
  requestRecheck: (requestedOn = '2024-08-01', recheckUnitId = 'city-1'): PetitionEvent => ({
    type: 'REQUEST_RECHECK',
    requestedOn,
    recheckUnitId,
  }),
  suspendForHearing: { type: 'SUSPEND', reason: 'hearing' },
  resume: { type: 'RESUME' },
  recheckDecided: { type: 'RECHECK_DECIDED', opinion: '维持复查意见' },
  close: { type: 'CLOSE' },
  linkCase: (caseId = 'case-1'): PetitionEvent => ({ type: 'LINK_CASE', caseId }),
  assignAgent: (agentId = 'agent-1'): PetitionEvent => ({ type: 'ASSIGN_AGENT', agentId }),
} satisfies Record<string, PetitionEvent | ((...args: never[]) => PetitionEvent)>;
