import type { LegalSource } from './dispute-rules.types';
import { legalInstrument } from './legal-source';
import type { PetitionDeadline, PetitionRules } from './petition-rules.types';

/** 信访工作条例 (2022), in force from 2022-05-01. Its periods are in days: calendar days. */
export const petitionRegulations = legalInstrument({
  zh: '信访工作条例',
  en: 'Regulations on Petition Work (2022)',
});

/** Administrative periods: no suspension stops them, and expiry makes the case overdue, never failed. */
const calendarDays = (
  days: number,
  runsFrom: PetitionDeadline['runsFrom'],
  source: LegalSource,
): PetitionDeadline => ({
  days,
  basis: 'calendar',
  source,
  runsFrom,
  pausedBy: [],
  expiryCountsAsFailure: false,
});

export const petitionRules: readonly PetitionRules[] = [
  {
    version: 1,
    effectiveFrom: '2022-05-01',
    // §22 binds the petition bureaus, §23 every other body receiving a petition directly.
    decideAndNotify: calendarDays(15, 'petition_received', petitionRegulations.article(22, 23)),
    conclude: calendarDays(60, 'petition_accepted', petitionRegulations.article(34)),
    // §31 sorts petitions into three kinds; §34's 60 days (and its extension) bind claims (申诉求决类)
    concludeApplies: { categories: ['claim'], source: petitionRegulations.article(31, 34) },
    extension: {
      maxTimes: 1,
      maxDays: 30,
      requiresApproval: true,
      notifyPetitioner: true,
      source: petitionRegulations.article(34),
    },
    // §35 reviews the 信访处理意见 a claim (申诉求决类) is concluded with (§34): "信访人对信访处理意见
    // 不服的" asks the body one level up, and §36 rechecks that review. A proposal (§32) is
    // studied and answered, adopted or not; a complaint or report (§33) is received, handled
    // and answered by the discipline-inspection bodies (纪检监察) or the competent body under
    // their own rules. Neither ends in a 信访处理意见 to be reviewed, so neither opens a
    // review window nor a recheck.
    reviewApplies: { categories: ['claim'], source: petitionRegulations.article(34, 35) },
    reviewRequestWindow: calendarDays(30, 'reply_received', petitionRegulations.article(35)),
    // "自收到复查请求之日起30日内": the body's 30 days run from the day it received the request
    // (recorded here), not from the day it was posted (time in transit protects the petitioner only)
    reviewDecision: calendarDays(30, 'review_request_received', petitionRegulations.article(35)),
    recheckRequestWindow: calendarDays(30, 'review_opinion_received', petitionRegulations.article(36)),
    // §36: the recheck body may hold a hearing; the hearing's time is not counted.
    recheckDecision: {
      ...calendarDays(30, 'recheck_request_received', petitionRegulations.article(36)),
      pausedBy: ['hearing'],
    },
    recheckIsFinal: { source: petitionRegulations.article(36) },
    reviewOneLevelUp: { source: petitionRegulations.article(35) },
    recheckOneLevelUp: { source: petitionRegulations.article(36) },
    representativeCap: { max: 5, source: petitionRegulations.article(20) },
    // The regulations cap representatives at 5 (§20); from 5 people a visit is treated as a group petition.
    groupPetitionThreshold: { minPeople: 5, source: petitionRegulations.article(20) },
    duplicateUpwardNotAccepted: { source: petitionRegulations.article(19) },
  },
];
