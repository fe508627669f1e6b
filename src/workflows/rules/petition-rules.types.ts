import type { LegalSource, StageDeadline } from './dispute-rules.types';

/**
 * The shape of the petition (信访) rules: data, like the dispute tables, each clock with
 * its article. A clock reuses the dispute `StageDeadline` and says which event starts it.
 */
export type PetitionDeadline = StageDeadline & {
  /** The event whose day is day 0 of the period (民事诉讼法 §85 counting). */
  runsFrom:
    | 'petition_received'
    | 'petition_accepted'
    | 'reply_received'
    | 'review_request_received'
    | 'review_opinion_received'
    | 'recheck_request_received';
};

/**
 * What a petition asks for (信访工作条例 §31): a proposal or opinion (建议意见类, `proposal`, §32), a
 * complaint or report (检举控告类, §33), or a claim to be decided (申诉求决类, §34). The
 * category selects the clocks: only claims are concluded within the 60 days of §34.
 */
export const petitionCategories = ['proposal', 'complaint', 'claim'] as const;
export type PetitionCategory = (typeof petitionCategories)[number];

export interface PetitionRules {
  version: number;
  /** YYYY-MM-DD from which this version applies to newly registered petitions. */
  effectiveFrom: string;
  /** Decide how the petition is handled (accept, refuse, forward) and tell the petitioner. */
  decideAndNotify: PetitionDeadline;
  /** Conclude an accepted petition with a written opinion. */
  conclude: PetitionDeadline;
  /** The categories the conclusion period (and its extension) applies to. */
  concludeApplies: { categories: readonly PetitionCategory[]; source: LegalSource };
  /** At most `maxTimes` extensions of at most `maxDays`, approved by the unit's head, with the reason told to the petitioner. */
  extension: {
    maxTimes: number;
    maxDays: number;
    requiresApproval: boolean;
    notifyPetitioner: boolean;
    source: LegalSource;
  };
  /** The categories whose opinion may be reviewed (复查) and rechecked (复核): claims only. */
  reviewApplies: { categories: readonly PetitionCategory[]; source: LegalSource };
  /** 复查: how long the petitioner has to ask the next level up, and how long that level has to answer. */
  reviewRequestWindow: PetitionDeadline;
  reviewDecision: PetitionDeadline;
  /** 复核: likewise one more level up; hearing time is not counted; the opinion is final. */
  recheckRequestWindow: PetitionDeadline;
  recheckDecision: PetitionDeadline;
  recheckIsFinal: { source: LegalSource };
  /**
   * Where the review (复查) and the recheck (复核) are decided: the body one level above the
   * one whose opinion is reviewed (§35), and one further up (§36).
   */
  reviewOneLevelUp: { source: LegalSource };
  recheckOneLevelUp: { source: LegalSource };
  /** People visiting together with one matter elect at most this many representatives. */
  representativeCap: { max: number; source: LegalSource };
  /** From this many people a petition is flagged as a group petition (集体访). */
  groupPetitionThreshold: { minPeople: number; source: LegalSource };
  /** While a petition is handled, the same matter filed with a higher level is not accepted there. */
  duplicateUpwardNotAccepted: { source: LegalSource };
}
