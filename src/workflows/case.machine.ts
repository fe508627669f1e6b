import { and, assign, not, type StateValue, setup } from 'xstate';
import { levelAbove, type MediationLevel, mediationLevels } from '../units/unit.entity';
import { allowedTransfers, type CaseEvent } from './case-events/case-events';
import type { CaseContext, CaseMachineInput, CaseOutcome } from './case-machine.types';
import { statePathOf } from './machine-runner';

export { caseEventProbes } from './case-event-probes';
// What the machine carries and takes, for those that read its snapshots and send it events.
export type { CaseEvent, CaseEventType } from './case-events/case-events';
export { allowedTransfers } from './case-events/case-events';
export {
  type AgreementForm,
  type CaseContext,
  type CaseMachineInput,
  type CaseOutcome,
  type CaseRulesExcerpt,
  caseRulesExcerpt,
  type SuspensionReason,
} from './case-machine.types';

/**
 * The dispute case statechart (DOMAIN.md, "The dispute case workflow"), one
 * machine for every dispute type: what differs per type arrives as data in
 * `input.rules`. Persisted as `{value, context}` with `caseMachineVersion`; the
 * context is plain JSON. Deadlines are not here (no `after`): they are data on
 * the case and jobs in the queue. Who may send an event is the policy module's
 * business, not the machine's.
 */

/** Bump when a persisted `{value, context}` of the previous version would not resolve the same way. */
export const caseMachineVersion = 1;

/** 交办 goes one rung down the people's-mediation ladder (上报 one up: `levelAbove`). */
const levelBelow = (level: MediationLevel): MediationLevel | null =>
  mediationLevels[mediationLevels.indexOf(level) - 1] ?? null;

const clearedAgreement = {
  agreementForm: null,
  agreementPerformBy: null,
  judiciallyConfirmed: false,
  confirmationWindowEndsOn: null,
  agreementReachedOn: null,
  agreementUnitId: null,
  confirmationCourtId: null,
  confirmationAppliedOn: null,
} satisfies Partial<CaseContext>;

export const caseMachine = setup({
  types: {} as { context: CaseContext; events: CaseEvent; input: CaseMachineInput },
  guards: {
    // a planned session can be called off only while one is to come (the schedule keeps which: src/schedule)
    hasSessionToCome: ({ context }) => Boolean(context.nextSession),
    isPeoplesTrack: ({ context }) => context.track === 'people',
    isBelowDistrictLevel: ({ context }) => context.level !== null && levelAbove(context.level) !== null,
    isAboveCommunityLevel: ({ context }) => context.level !== null && levelBelow(context.level) !== null,
    isAllowedTransfer: ({ context, event }) =>
      event.type === 'TRANSFER' &&
      context.track !== null &&
      allowedTransfers[context.track].includes(event.toTrack),
    isGuidanceOfferedForType: ({ context, event }) =>
      event.type === 'FAIL' && context.rules.failureGuidance.includes(event.guidance),
    // 医疗纠纷预防和处理条例 §38: the committee and both sides may agree to extend; §40 gives the bureau no such thing
    isPeriodExtendableOnTrack: ({ context }) =>
      context.track !== null && context.rules.extendableTracks.includes(context.track),
    // 劳动争议调解仲裁法 §14: no agreement within the period → a party may apply for arbitration
    isArbitrationOpenAfterPeriod: ({ context, event }) =>
      event.type === 'REFER_OUT' &&
      event.agency === 'arbitration' &&
      event.periodRunOut &&
      context.track !== null &&
      context.rules.arbitrationOnceExpiredTracks.includes(context.track),
    // 医疗纠纷预防和处理条例 §40: the health bureau decides within 5 working days whether it accepts
    isTransferForDepartmentToDecide: ({ context, event }) =>
      event.type === 'TRANSFER' &&
      event.toTrack === 'administrative' &&
      context.rules.departmentDecidesAcceptance,
    // 人民调解法 §33, 民事诉讼法 §205: a written agreement from people's mediation or from the
    // court's 委派调解 (the judicial track), recorded as one the court can confirm (the service
    // then gave it a window; 民诉法解释 §355 lists what it cannot)
    isConfirmableAgreement: ({ context }) =>
      context.agreementForm === 'written' &&
      (context.track === 'people' || context.track === 'judicial') &&
      context.confirmationWindowEndsOn !== null,
    withinConfirmationWindow: ({ context, event }) =>
      event.type === 'REQUEST_JUDICIAL_CONFIRMATION' &&
      context.confirmationWindowEndsOn !== null &&
      event.appliedOn <= context.confirmationWindowEndsOn, // YYYY-MM-DD compares as text
    wasJudiciallyConfirmed: ({ context }) => context.judiciallyConfirmed,
  },
  actions: {
    recordAcceptance: assign(({ event }) =>
      event.type === 'ACCEPT'
        ? {
            track: event.track,
            level: event.track === 'people' ? event.level : null,
            holdingUnitId: event.unitId,
          }
        : {},
    ),
    recordOutcome: assign((_, params: { outcome: CaseOutcome }) => ({ outcome: params.outcome })),
    assignMediator: assign(({ event }) => (event.type === 'ASSIGN' ? { mediatorId: event.mediatorId } : {})),
    releaseMediator: assign({ mediatorId: null }),
    // a session held is no longer one to come: the next one still planned is (the schedule says which)
    countSession: assign(({ context, event }) => ({
      sessionsHeld: context.sessionsHeld + 1,
      nextSession: event.type === 'LOG_SESSION' ? (event.nextSession ?? null) : null,
    })),
    // the next one planned, as the schedule read it (issue 21); without it, the one just planned
    scheduleSession: assign(({ event }) =>
      event.type === 'SCHEDULE_SESSION'
        ? {
            nextSession:
              event.nextSession !== undefined
                ? event.nextSession
                : { at: event.at, ...(event.place ? { place: event.place } : {}) },
          }
        : event.type === 'CANCEL_SESSION'
          ? { nextSession: event.nextSession ?? null }
          : {},
    ),
    clearNextSession: assign({ nextSession: null }),
    gradeRisk: assign(({ event }) => (event.type === 'SET_RISK_GRADE' ? { riskGrade: event.riskGrade } : {})),
    recordSuspension: assign(({ event }) =>
      event.type === 'SUSPEND' ? { suspendedReason: event.reason } : {},
    ),
    clearSuspension: assign({ suspendedReason: null }),
    recordAgreement: assign(({ event }) =>
      event.type === 'REACH_AGREEMENT'
        ? {
            ...clearedAgreement,
            agreementForm: event.form,
            agreementPerformBy: event.performBy ?? null,
            confirmationWindowEndsOn: event.confirmationWindowEndsOn,
            agreementReachedOn: event.reachedOn,
          }
        : {},
    ),
    clearAgreement: assign(clearedAgreement),
    moveUpOneLevel: assign(({ context, event }) =>
      event.type === 'ESCALATE' && context.level !== null
        ? { level: levelAbove(context.level) ?? context.level, holdingUnitId: event.unitId }
        : {},
    ),
    moveDownOneLevel: assign(({ context, event }) =>
      event.type === 'RETURN_DOWN' && context.level !== null
        ? { level: levelBelow(context.level) ?? context.level, holdingUnitId: event.unitId }
        : {},
    ),
    recordTransfer: assign(({ event }) =>
      event.type === 'TRANSFER'
        ? {
            track: event.toTrack,
            level: event.toTrack === 'people' ? event.level : null,
            holdingUnitId: event.unitId,
          }
        : {},
    ),
    countFollowUp: assign(({ context }) => ({ followUpsRecorded: context.followUpsRecorded + 1 })),
    countExtension: assign(({ context }) => ({ extensionsAgreed: context.extensionsAgreed + 1 })),
    handToDepartmentForDecision: assign(({ event }) =>
      event.type === 'TRANSFER'
        ? { track: null, level: null, holdingUnitId: event.unitId, mediatorId: null }
        : {},
    ),
    // the court the parties applied to holds the case while it decides (民事诉讼法 §205, §206)
    sendToCourt: assign(({ context, event }) =>
      event.type === 'REQUEST_JUDICIAL_CONFIRMATION'
        ? {
            agreementUnitId: context.holdingUnitId,
            confirmationCourtId: event.court,
            confirmationAppliedOn: event.appliedOn,
            holdingUnitId: event.court,
          }
        : {},
    ),
    // with its ruling the case goes back to the unit that held it (cases sent before the court
    // held them never left it)
    returnFromCourt: assign(({ context }) => ({
      holdingUnitId: context.agreementUnitId ?? context.holdingUnitId,
    })),
    recordJudicialConfirmation: assign({ judiciallyConfirmed: true }),
    reopen: assign({ ...clearedAgreement, outcome: null, track: null, level: null, mediatorId: null }),
  },
}).createMachine({
  id: 'case',
  version: String(caseMachineVersion),
  context: ({ input }) => ({
    type: input.type,
    rules: {
      ...input.rules,
      failureGuidance: [...input.rules.failureGuidance],
      extendableTracks: [...input.rules.extendableTracks],
      arbitrationOnceExpiredTracks: [...input.rules.arbitrationOnceExpiredTracks],
    },
    track: null,
    level: null,
    holdingUnitId: input.holdingUnitId,
    mediatorId: null,
    outcome: null,
    ...clearedAgreement,
    suspendedReason: null,
    riskGrade: input.riskGrade ?? null,
    sessionsHeld: 0,
    followUpsRecorded: 0,
    extensionsAgreed: 0,
  }),
  initial: 'registered',
  states: {
    registered: {
      on: { SUBMIT: 'screening', SET_RISK_GRADE: { actions: 'gradeRisk' } },
    },

    screening: {
      on: {
        SET_RISK_GRADE: { actions: 'gradeRisk' },
        ACCEPT: { target: 'mediation', actions: 'recordAcceptance' },
        DECLINE: {
          target: 'closed',
          actions: { type: 'recordOutcome', params: { outcome: 'not_accepted' } },
        },
        REFER_OUT: {
          target: 'closed',
          actions: { type: 'recordOutcome', params: { outcome: 'referred_out' } },
        },
      },
    },

    mediation: {
      // a new round of mediation (also after a breach or a rejected confirmation) starts without an agreement
      entry: 'clearAgreement',
      // a session still to come is off once mediation ends (an agreement, a closure, the health bureau deciding)
      exit: 'clearNextSession',
      initial: 'awaitingMediator',
      on: {
        // A supervisor may reassign a case at any point of mediation (DOMAIN.md: "reassigns");
        // awaitingMediator overrides this to start the mediation.
        ASSIGN: { actions: 'assignMediator' },
        // The risk is graded anew whenever it changes, while the case is open (registered to agreement).
        SET_RISK_GRADE: { actions: 'gradeRisk' },
        // A party may end mediation at any time (人民调解法 §23), also before a mediator is
        // assigned or while suspended for an appraisal.
        WITHDRAW: { target: 'closed', actions: { type: 'recordOutcome', params: { outcome: 'withdrawn' } } },
        // Mediation fails when a party refuses it (人民调解法 §17) — possibly before any
        // session — or once its period expires or a court or the health bureau takes the
        // matter (医疗纠纷预防和处理条例), also during an appraisal.
        FAIL: {
          guard: 'isGuidanceOfferedForType',
          target: 'closed',
          actions: { type: 'recordOutcome', params: { outcome: 'unresolved' } },
        },
        // The parties agree to a longer period, also once it has run out (then only this or FAIL
        // is left: the service's gate, src/cases/case-period.ts); the service moves the due date.
        EXTEND_PERIOD: { guard: 'isPeriodExtendableOnTrack', actions: 'countExtension' },
        // Labour: once the period has run out without agreement, a party takes the dispute to
        // arbitration — referred out, so the forum stays taken (one active forum per dispute).
        REFER_OUT: {
          guard: 'isArbitrationOpenAfterPeriod',
          target: 'closed',
          actions: { type: 'recordOutcome', params: { outcome: 'referred_out' } },
        },
      },
      states: {
        awaitingMediator: {
          entry: 'releaseMediator',
          on: {
            ASSIGN: { target: 'inProgress', actions: 'assignMediator' },
          },
        },
        inProgress: {
          on: {
            LOG_SESSION: { actions: 'countSession' },
            SCHEDULE_SESSION: { actions: 'scheduleSession' },
            CANCEL_SESSION: { guard: 'hasSessionToCome', actions: 'scheduleSession' },
            SUSPEND: { target: 'suspended', actions: 'recordSuspension' },
            REACH_AGREEMENT: { target: '#case.agreement', actions: 'recordAgreement' },
            ESCALATE: {
              guard: and(['isPeoplesTrack', 'isBelowDistrictLevel']),
              target: 'awaitingMediator',
              actions: ['moveUpOneLevel', 'clearNextSession'],
            },
            RETURN_DOWN: {
              guard: and(['isPeoplesTrack', 'isAboveCommunityLevel']),
              target: 'awaitingMediator',
              actions: ['moveDownOneLevel', 'clearNextSession'],
            },
            TRANSFER: [
              // medical → the health bureau: it decides first whether it accepts (§40), in screening
              {
                guard: and(['isAllowedTransfer', 'isTransferForDepartmentToDecide']),
                target: '#case.screening',
                actions: 'handToDepartmentForDecision',
              },
              {
                guard: 'isAllowedTransfer',
                target: 'awaitingMediator',
                actions: ['recordTransfer', 'clearNextSession'],
              },
            ],
          },
        },
        // the deadline clock stops here (the service pauses it on entering this state)
        suspended: {
          exit: 'clearSuspension',
          on: {
            RESUME: 'inProgress',
          },
        },
      },
    },

    agreement: {
      initial: 'awaitingFulfilment',
      states: {
        awaitingFulfilment: {
          on: {
            // while the court decides (judicialConfirmation) nothing else happens to the case
            SET_RISK_GRADE: { actions: 'gradeRisk' },
            RECORD_FOLLOW_UP: { actions: 'countFollowUp' },
            FULFILLED: {
              target: '#case.closed',
              actions: { type: 'recordOutcome', params: { outcome: 'resolved' } },
            },
            BREACHED: [
              {
                guard: 'wasJudiciallyConfirmed',
                target: '#case.closed',
                actions: { type: 'recordOutcome', params: { outcome: 'enforcement_referred' } },
              },
              {
                target: '#case.closed',
                actions: { type: 'recordOutcome', params: { outcome: 'unresolved' } },
              },
            ],
            RESUME_MEDIATION: '#case.mediation.inProgress',
            // 人民调解法 §33: both parties apply within 30 days of a written agreement the court can confirm
            REQUEST_JUDICIAL_CONFIRMATION: {
              guard: and([
                'isConfirmableAgreement',
                'withinConfirmationWindow',
                not('wasJudiciallyConfirmed'),
              ]),
              target: 'judicialConfirmation',
              actions: 'sendToCourt',
            },
          },
        },
        judicialConfirmation: {
          // the court decides (民事诉讼法 §206): a ruling that the agreement is valid, or rejecting the application
          on: {
            CONFIRMED: {
              target: 'awaitingFulfilment',
              actions: ['returnFromCourt', 'recordJudicialConfirmation'],
            },
            // back to mediation on the track the agreement came from (people's, or the court's 委派调解),
            // where the parties may change the agreement or reach a new one (§206)
            CONFIRMATION_REJECTED: { target: '#case.mediation.inProgress', actions: 'returnFromCourt' },
          },
        },
      },
    },

    // Not a final state: a supervisor may reopen a closed case (the policy module decides who).
    closed: {
      on: {
        REOPEN: { target: 'screening', actions: 'reopen' },
      },
    },
  },
});

/** Every state a case can rest in, as `caseStatePath()` writes it. */
export const caseStatePaths = [
  'registered',
  'screening',
  'mediation.awaitingMediator',
  'mediation.inProgress',
  'mediation.suspended',
  'agreement.awaitingFulfilment',
  'agreement.judicialConfirmation',
  'closed',
] as const;
export type CaseStatePath = (typeof caseStatePaths)[number];

/** `{ mediation: 'inProgress' }` → `mediation.inProgress`, for the case's queryable state column. */
export function caseStatePath(value: StateValue): CaseStatePath {
  const path = statePathOf(value);
  if (!(caseStatePaths as readonly string[]).includes(path)) throw new Error(`Not a case state: ${path}`);
  return path as CaseStatePath;
}
