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
  pausedBy: Array<'appraisal' | 'hearing' | 'other'>;
  /** Once expired the mediation counts as failed (医疗纠纷预防和处理条例 §38). */
  expiryCountsAsFailure: boolean;
};

export const failureGuidances = [
  'arbitration',
  'litigation',
  'administrative_ruling',
  'payment_order',
  'other',
] as const;
export type FailureGuidance = (typeof failureGuidances)[number];

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
  administrativeBody: { departmentKey: string; zh: string; en: string } | null;
  /** Mediation deadline per track (judicial: the court's own procedure). */
  deadlines: Record<Track, StageDeadline>;
  /** Whether a written people's-mediation agreement may go to judicial confirmation (人民调解法 §33). */
  judicialConfirmation: { applies: boolean; applicationWindow: StageDeadline };
  /** Guidance offered when mediation fails, in the order the UI should propose them. */
  failureGuidance: FailureGuidance[];
  /** At most this many representatives a side (medical, petitions: 5); null when the law sets none. */
  representativeCap: { max: number; source: LegalSource } | null;
  /** A hearing should be offered when most owners/members object (land, demolition). */
  hearingWhenMajorityObjects: { source: LegalSource } | null;
  /** Free text shown to mediators: what the law says happens next on failure. */
  failureNote: LegalSource;
}
