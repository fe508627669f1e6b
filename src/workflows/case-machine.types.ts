import type { MediationLevel } from '../units/unit.entity';
import type { AgreementForm, SuspensionReason } from './case-events/case-events';

export type { AgreementForm, SuspensionReason };

import {
  type DisputeRules,
  type DisputeType,
  type FailureGuidance,
  type Track,
  tracks,
} from './rules/dispute-rules.types';

/**
 * What the case statechart (case.machine.ts) carries: its context, its input at
 * registration, and the excerpt of a dispute type's rules it decides with. The events it
 * takes are declared with their payloads in case-events/.
 */

export type CaseOutcome =
  | 'resolved'
  | 'unresolved'
  | 'withdrawn'
  | 'not_accepted'
  | 'referred_out'
  | 'enforcement_referred';

/** The part of the type's rules (rules/<type>.ts) the machine decides with, copied in at registration. */
export interface CaseRulesExcerpt {
  failureGuidance: FailureGuidance[];
  /** Tracks whose period the parties may agree to extend (医疗纠纷预防和处理条例 §38: the people's). */
  extendableTracks: Track[];
  /** Tracks whose period, once run out, lets a party go to arbitration (劳动争议调解仲裁法 §14). */
  arbitrationOnceExpiredTracks: Track[];
  /** The administrative body decides whether it takes a case handed to it (医疗纠纷预防和处理条例 §40). */
  departmentDecidesAcceptance: boolean;
}

/** What the machine reads of a type's rules, as the registration copies it into the context. */
export function caseRulesExcerpt(rules: DisputeRules): CaseRulesExcerpt {
  return {
    failureGuidance: [...rules.failureGuidance],
    extendableTracks: tracks.filter((track) => rules.deadlines[track].extensionByAgreement !== undefined),
    arbitrationOnceExpiredTracks: tracks.filter(
      (track) => rules.deadlines[track].expiryOpensArbitration === true,
    ),
    departmentDecidesAcceptance: rules.administrativeAcceptance !== null,
  };
}

export interface CaseMachineInput {
  type: DisputeType;
  rules: CaseRulesExcerpt;
  /** The unit the case is registered at; it screens the case. */
  holdingUnitId: string;
  /** 风险等级 graded at intake (rules/risk-grade.ts), if it was. */
  riskGrade?: number | null;
}

export interface CaseContext {
  type: DisputeType;
  rules: CaseRulesExcerpt;
  /** Null until accepted (and again after a reopen, until re-accepted). */
  track: Track | null;
  /** People's track only; null on the administrative and judicial tracks. */
  level: MediationLevel | null;
  holdingUnitId: string;
  mediatorId: string | null;
  /** Set on closing; null while the case is open. */
  outcome: CaseOutcome | null;
  agreementForm: AgreementForm | null;
  /** YYYY-MM-DD by which the agreement is to be performed, if it says so. */
  agreementPerformBy: string | null;
  judiciallyConfirmed: boolean;
  /**
   * Last day (YYYY-MM-DD) to apply for judicial confirmation, computed by the service (人民调解法 §33);
   * null when the agreement cannot be confirmed (oral, administrative, or so recorded on it).
   */
  confirmationWindowEndsOn: string | null;
  /** The day the agreement took effect (YYYY-MM-DD): an application for confirmation cannot precede it. */
  agreementReachedOn?: string | null;
  /**
   * While a court decides on confirming the agreement it holds the case (`holdingUnitId`); this
   * is the unit that held it before and gets it back with the ruling.
   */
  agreementUnitId?: string | null;
  /** The court the application went to (民事诉讼法 §205); it alone rules on it. */
  confirmationCourtId?: string | null;
  /** The day the parties applied for confirmation (YYYY-MM-DD): the court's ruling cannot precede it. */
  confirmationAppliedOn?: string | null;
  suspendedReason: SuspensionReason | null;
  /**
   * The session the mediators scheduled (SCHEDULE_SESSION), until it is held (LOG_SESSION), the
   * case leaves the unit or mediation ends; the parties' lookup shows it. Absent in snapshots from
   * before issue 20, which is the same as none.
   */
  nextSession?: { at: string; place?: string } | null;
  /** 风险等级 1–4 (rules/risk-grade.ts): at intake, then SET_RISK_GRADE; absent in snapshots from before issue 21 (none). */
  riskGrade?: number | null;
  sessionsHeld: number;
  followUpsRecorded: number;
  /** How many extensions of a period the parties agreed to (医疗纠纷预防和处理条例 §38); only counts. */
  extensionsAgreed: number;
}
