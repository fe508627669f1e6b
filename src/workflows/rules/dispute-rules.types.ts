import type { DepartmentKey } from '../../units/unit.entity';
import type { SuspensionReason } from '../case-events/case-events';

/**
 * The shape of a dispute type's rules: data, one file per type, each row carrying
 * its legal source. Code reads these tables; it never restates them.
 */

export const disputeTypes = [
  'land_requisition',
  'demolition_relocation',
  'labour',
  'medical',
  'neighbourhood',
  'family',
  'property_management',
  'environmental',
  'consumer',
  'other',
] as const;
export type DisputeType = (typeof disputeTypes)[number];

/** Calendar days, or Chinese working days (official holidays and 调休 weekends). */
export type DayBasis = 'calendar' | 'working';

/** A legal source, as shown next to a deadline: "劳动争议调解仲裁法 第十四条". */
export interface LegalSource {
  zh: string;
  en: string;
}

/**
 * How long a period runs: a number of calendar or working days, or of calendar months.
 * A month ends on the same date of the last month, or on that month's last day when it
 * has no such date (民法典 §202; 民事诉讼法 §85 counts periods in months too); then, like a
 * calendar-day period, it rolls off a public holiday (src/deadlines/period.ts).
 */
export type PeriodLength =
  | { days: number; basis: DayBasis; months?: never }
  | { months: number; basis: 'calendar'; days?: never };

export type StageDeadline = PeriodLength & {
  source: LegalSource;
  /** Suspension reasons whose time is not counted (e.g. medical appraisal 鉴定). */
  pausedBy: SuspensionReason[];
  /**
   * Once expired the mediation counts as failed (医疗纠纷预防和处理条例 §38, §40): the only
   * steps left are recording the failure, or an extension the parties agree to where the
   * rule allows one.
   */
  expiryCountsAsFailure: boolean;
  /**
   * Day 0 of the period (民事诉讼法 §85: not counted). `stage_start` (the default): the day
   * the case enters this stage — acceptance, and again on every hand-off, the receiving
   * unit getting a period of its own. `application_received`: the day the mediation
   * organisation received the application (the case's `receivedOn`), whatever happens
   * after — hand-offs do not restart it (劳动争议调解仲裁法 §14).
   */
  countsFrom?: 'stage_start' | 'application_received';
  /**
   * The parties and the mediators may agree to extend the period (医疗纠纷预防和处理条例
   * §38), as often as they agree, by days of the period's basis. Absent: the law allows no
   * extension on this track (§40 for the health bureau's mediation).
   */
  extensionByAgreement?: { source: LegalSource };
  /**
   * Once the period has run out without agreement, a party may apply for arbitration
   * (劳动争议调解仲裁法 §14): the case may then be referred to arbitration from mediation.
   */
  expiryOpensArbitration?: boolean;
};

/**
 * A limitation period the parties must know of (劳动争议调解仲裁法 §27): so many years from
 * the day the claimant knew or should have known of the infringement, interrupted by the
 * application for mediation and running anew, in full, from the day the mediation ends.
 */
export interface LimitationPeriod {
  years: number;
  /** The warning goes out this many days before its last day (not at 80 %: a year is long). */
  warnDaysBefore: number;
  source: LegalSource;
  /** What the law adds, shown with it (§27 ¶3, ¶4: suspension; wage arrears while employed). */
  note: LegalSource;
}

export const failureGuidances = [
  'arbitration',
  'litigation',
  'administrative_ruling',
  'payment_order',
  'other',
] as const;
export type FailureGuidance = (typeof failureGuidances)[number];

/**
 * What a labour agreement may concern that opens the payment order when the employer does
 * not perform it (劳动争议调解仲裁法 §16): unpaid wages, work-injury medical costs, economic
 * compensation, damages.
 */
export const paymentOrderMatters = [
  'wages',
  'work_injury_medical_costs',
  'economic_compensation',
  'damages',
] as const;
export type PaymentOrderMatter = (typeof paymentOrderMatters)[number];

/**
 * One guidance given after a breach: its kind, its article, the matters it needs (none:
 * always) and the tracks whose agreements it concerns (none: every track) — 人民调解法 §32
 * speaks of people's mediation agreements only.
 */
export interface BreachGuidance {
  guidance: FailureGuidance;
  source: LegalSource;
  onlyFor?: readonly PaymentOrderMatter[];
  onlyOnTracks?: readonly Track[];
}

/** The administrative bodies the rules name, by key: declared with the units (a department unit carries its key). */
export { type DepartmentKey, departmentKeys } from '../../units/unit.entity';

/**
 * What a case of the same matter closed by referral (REFER_OUT) to `agency` means for a
 * new one (one forum per dispute): the matter was taken there, so the forum stays taken.
 * `refuse`: the law bars accepting it once that forum has it; `warn`: the mediator checks
 * whether that forum accepted it and acknowledges before accepting.
 */
export interface ReferredOutForum {
  agency: 'court' | 'arbitration';
  effect: 'refuse' | 'warn';
  source: LegalSource;
}

/**
 * One forum per dispute (一案一处): a dispute accepted by one forum (a committee, a
 * department, a court) is not accepted in parallel by another — `source` says where the
 * law says so for this type; `afterReferral` what a referral out leaves behind.
 */
export interface OneForumRule {
  source: LegalSource;
  afterReferral: readonly ReferredOutForum[];
}

export const tracks = ['people', 'administrative', 'judicial'] as const;
export type Track = (typeof tracks)[number];

export interface DisputeRules {
  type: DisputeType;
  /** Rules are versioned: a case keeps the version it was accepted under. */
  version: number;
  /** YYYY-MM-DD from which this version applies to newly accepted cases. */
  effectiveFrom: string;
  /** Whether the four named types' dedicated rules apply (else: generic). */
  firstClass: boolean;
  /** The administrative body for the administrative track; `departmentKey` matches a department unit's role. */
  administrativeBody: { departmentKey: DepartmentKey; zh: string; en: string } | null;
  /** Mediation deadline per track (judicial: the court's own procedure). */
  deadlines: Record<Track, StageDeadline>;
  /**
   * Judicial confirmation of a written agreement (人民调解法 §33; 民事诉讼法 §205–§206, §187):
   * the parties' window to apply and the court's period to decide. Whether an agreement can be
   * confirmed is decided per agreement (`notConfirmableReasons`), never by dispute type.
   */
  judicialConfirmation: { applicationWindow: StageDeadline; decisionPeriod: StageDeadline };
  /** Guidance offered when mediation fails, in the order the UI should propose them. */
  failureGuidance: FailureGuidance[];
  /** At most this many representatives a side (medical, petitions: 5); null when the law sets none. */
  representativeCap: { max: number; source: LegalSource } | null;
  /** A hearing should be offered when most owners/members object (land, demolition). */
  hearingWhenMajorityObjects: { source: LegalSource } | null;
  /** What counts as the dispute's forum being taken, and what a referral out leaves behind. */
  oneForum: OneForumRule;
  /**
   * What the parties are told when an agreement is not performed (BREACHED), in order: each
   * guidance with its article, and, where it applies only to agreements on some matters
   * (劳动争议调解仲裁法 §16: the payment order), those matters — the mediator ticks them.
   */
  breachGuidance: BreachGuidance[];
  /** Free text shown to mediators: what the law says happens next on failure. */
  failureNote: LegalSource;
  /**
   * The period within which the administrative body decides whether it accepts a case for
   * administrative mediation (医疗纠纷预防和处理条例 §40: 5 working days). It runs at a
   * department whose key is the body's `departmentKey`, from the application's receipt (a
   * case registered there) or the transfer, until it accepts or declines. Null: no such period.
   */
  administrativeAcceptance: StageDeadline | null;
  /** The arbitration limitation the claimant must keep (labour §27); null where none applies here. */
  arbitrationLimitation: LimitationPeriod | null;
}
