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
    | 'review_requested'
    | 'review_opinion_received'
    | 'recheck_requested';
};

export interface PetitionRules {
  version: number;
  /** YYYY-MM-DD from which this version applies to newly registered petitions. */
  effectiveFrom: string;
  /** Decide how the petition is handled (accept, refuse, forward) and tell the petitioner. */
  decideAndNotify: PetitionDeadline;
  /** Conclude an accepted petition with a written opinion. */
  conclude: PetitionDeadline;
  /** At most `maxTimes` extensions of at most `maxDays`, approved by the unit's head, with the reason told to the petitioner. */
  extension: {
    maxTimes: number;
    maxDays: number;
    requiresApproval: boolean;
    notifyPetitioner: boolean;
    source: LegalSource;
  };
  /** 复查: how long the petitioner has to ask the next level up, and how long that level has to answer. */
  reviewRequestWindow: PetitionDeadline;
  reviewDecision: PetitionDeadline;
  /** 复核: likewise one more level up; hearing time is not counted; the opinion is final. */
  recheckRequestWindow: PetitionDeadline;
  recheckDecision: PetitionDeadline;
  recheckIsFinal: { source: LegalSource };
  /** People visiting together with one matter elect at most this many representatives. */
  representativeCap: { max: number; source: LegalSource };
  /** From this many people a petition is flagged as a group petition (集体访). */
  groupPetitionThreshold: { minPeople: number; source: LegalSource };
  /** While a petition is handled, the same matter filed with a higher level is not accepted there. */
  duplicateUpwardNotAccepted: { source: LegalSource };
}
