import type { DisputeRules, LegalSource, StageDeadline } from './dispute-rules.types';
import { byAnalogy, legalInstrument, together } from './legal-source';

/**
 * What several dispute types share: the general people's-mediation rules, the court's
 * mediation track and judicial confirmation. The per-type files use these and set only
 * what their own law changes.
 */

export const peopleMediationLaw = legalInstrument({ zh: '人民调解法', en: 'People’s Mediation Law' });
export const peopleMediationProvisions = legalInstrument({
  zh: '人民调解工作若干规定',
  en: 'Several Provisions on People’s Mediation Work (Ministry of Justice, 2002)',
});
export const civilProcedureLaw = legalInstrument({ zh: '民事诉讼法', en: 'Civil Procedure Law (2023)' });
/** The SPC rules on mediation by court-invited mediators (委派调解 before filing, 委托调解 after). */
export const invitedMediationProvisions = legalInstrument({
  zh: '最高人民法院关于人民法院特邀调解的规定',
  en: 'SPC Provisions on Specially Invited Mediation by People’s Courts (Fa Shi [2016] No. 14)',
});

/**
 * Version 1 of every table. Its articles are cited as numbered in the Civil Procedure Law
 * as revised in 2023, in force from 2024-01-01 (§85 counting, §205/§206 confirmation).
 */
export const firstRulesEffectiveFrom = '2024-01-01';

/**
 * 人民调解工作若干规定 §33: "人民调解委员会调解纠纷，一般在一个月内调结" — one calendar
 * month, ending on the same date of the next month or that month's last day (民法典 §202),
 * rolled off a public holiday (民事诉讼法 §85). A working target, not a bar: expiry is not
 * failure, and any suspension stops it because the month is meant for the mediation itself.
 */
export const generalPeopleMediation: StageDeadline = {
  months: 1,
  basis: 'calendar',
  source: peopleMediationProvisions.article(33),
  pausedBy: ['appraisal', 'hearing', 'other'],
  expiryCountsAsFailure: false,
};

/** For a track the law gives no period: the general month, marked as borrowed (参照). */
export const generalMediationByAnalogy: StageDeadline = {
  ...generalPeopleMediation,
  source: byAnalogy(generalPeopleMediation.source),
};

/**
 * The judicial track: mediation delegated or entrusted by the court runs 30 days, longer
 * only with both parties' consent, so suspensions do not stop it and expiry sends the
 * dispute back to the court's own procedure rather than counting as failed mediation.
 */
export const judicialTrackMediation: StageDeadline = {
  days: 30,
  basis: 'calendar',
  source: invitedMediationProvisions.name,
  pausedBy: [],
  expiryCountsAsFailure: false,
};

/**
 * 人民调解法 §33, 民事诉讼法 §205: both parties apply jointly within 30 days of the
 * agreement taking effect. Missing the window ends the option, not the agreement.
 */
export const judicialConfirmationWindow: StageDeadline = {
  days: 30,
  basis: 'calendar',
  source: together(peopleMediationLaw.article(33), civilProcedureLaw.article(205)),
  pausedBy: [],
  expiryCountsAsFailure: false,
};

/** The court's side: a special-procedure case is decided within 30 days of filing (§187), by a ruling (§206). */
export const judicialConfirmationDecision: StageDeadline = {
  days: 30,
  basis: 'calendar',
  source: civilProcedureLaw.article(187, 206),
  pausedBy: [],
  expiryCountsAsFailure: false,
};

/** The same for every type: whether an agreement can be confirmed is decided on the agreement. */
export const judicialConfirmationRules: DisputeRules['judicialConfirmation'] = {
  applicationWindow: judicialConfirmationWindow,
  decisionPeriod: judicialConfirmationDecision,
};

/** 最高人民法院关于适用《中华人民共和国民事诉讼法》的解释 (法释〔2022〕11号). */
export const civilProcedureInterpretation = legalInstrument({
  zh: '最高人民法院关于适用《中华人民共和国民事诉讼法》的解释',
  en: 'SPC Interpretation on the Application of the Civil Procedure Law (Fa Shi [2022] No. 11)',
});

/**
 * Why a written agreement cannot go to judicial confirmation, as the mediator records it on
 * the agreement (not by dispute type: a civil agreement on sharing requisition compensation
 * can be confirmed, a decision on who owns the land cannot). 民诉法解释 §355: the court does
 * not accept an application (1) outside the courts' civil jurisdiction (an administrative
 * agreement with the government, for one), (3) on personal status — marriage, parentage,
 * adoption, (4) that needs another special procedure, public summons or bankruptcy, (5) on
 * determining real rights or intellectual property (确权).
 */
export const notConfirmableReasons = {
  outside_civil_jurisdiction: civilProcedureInterpretation.article(355),
  personal_status: civilProcedureInterpretation.article(355),
  other_procedure: civilProcedureInterpretation.article(355),
  ownership: civilProcedureInterpretation.article(355),
} as const satisfies Record<string, LegalSource>;
export type NotConfirmableReason = keyof typeof notConfirmableReasons;
export const notConfirmableReasonList = Object.keys(notConfirmableReasons) as NotConfirmableReason[];

/**
 * 人民调解法 §32: a dispute over performing the agreement may be taken to court. Told after a
 * breach of an agreement the court did not confirm (a confirmed one goes to enforcement, §206)
 * — of a people's mediation agreement only: §32 says nothing of an administrative body's
 * agreement or of one from the court's 委派调解, for which no guidance is recorded.
 */
export const peopleMediationBreachGuidance: DisputeRules['breachGuidance'] = [
  { guidance: 'litigation', source: peopleMediationLaw.article(32), onlyOnTracks: ['people'] },
];

/** 人民调解法 §26: failed mediation is closed and the parties are told their other remedies. */
export const peopleMediationFailureNote: LegalSource = {
  zh: `调解不成的，应当终止调解，并告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（${peopleMediationLaw.article(26).zh}）。`,
  en: `When mediation fails it is closed, and the parties are told they may seek arbitration, administrative or judicial remedies (${peopleMediationLaw.article(26).en}).`,
};
