import type { DisputeRules, OneForumRule, StageDeadline } from './dispute-rules.types';
import { legalInstrument } from './legal-source';
import { generalOneForum } from './one-forum';
import {
  firstRulesEffectiveFrom,
  judicialConfirmationRules,
  judicialTrackMediation,
  peopleMediationBreachGuidance,
} from './shared-rules';

/** Medical disputes (医疗纠纷): 医疗纠纷预防和处理条例 (State Council, 2018). */
const medicalRegulations = legalInstrument({
  zh: '医疗纠纷预防和处理条例',
  en: 'Regulations on the Prevention and Handling of Medical Disputes',
});

/**
 * §38: the medical dispute mediation committee (医调委) concludes within 30 working days
 * of accepting the case; appraisal (鉴定) time is not counted; "因特殊情况需要延长调解期限的，
 * 医疗纠纷人民调解委员会和医患双方可以约定延长调解期限" — the committee and both sides may agree
 * to extend it (EXTEND_PERIOD, by working days); once the period runs out without agreement
 * the mediation counts as failed.
 */
const peopleMediation: StageDeadline = {
  days: 30,
  basis: 'working',
  source: medicalRegulations.article(38),
  pausedBy: ['appraisal'],
  expiryCountsAsFailure: true,
  extensionByAgreement: { source: medicalRegulations.article(38) },
};

/**
 * §40: the health bureau's mediation has the same 30 working days, appraisal not counted,
 * expiry = failure — and, unlike §38, no extension: the regulation gives the bureau none.
 */
const administrativeMediation: StageDeadline = {
  days: 30,
  basis: 'working',
  source: medicalRegulations.article(40),
  pausedBy: ['appraisal'],
  expiryCountsAsFailure: true,
};

/** §40: the health bureau decides within 5 working days of the application whether it accepts. */
export const medicalAdministrativeAcceptance: StageDeadline = {
  days: 5,
  basis: 'working',
  source: medicalRegulations.article(40),
  pausedBy: [],
  expiryCountsAsFailure: false,
};

/**
 * §31 (people's mediation): once a party has sued and the court has accepted, or the health
 * bureau has accepted its mediation, the committee does not accept the dispute (and stops if
 * it has); §40 (the bureau's mediation): likewise once a court or a committee has accepted.
 * Accepted by another forum here: a case of the same matter in mediation or under an
 * agreement (any committee, the bureau, a court), and a case closed by referral to a court —
 * the medical dispute's only other route (§22) — which is refused, not merely warned of:
 * the regulation leaves the committee and the bureau no discretion once a court has it.
 * A referral to arbitration is no forum for a medical dispute (§22 names none): the general
 * warning applies.
 */
export const medicalOneForum: OneForumRule = {
  source: medicalRegulations.article(31, 40),
  afterReferral: [
    { agency: 'court', effect: 'refuse', source: medicalRegulations.article(31, 40) },
    ...generalOneForum.afterReferral.filter((rule) => rule.agency !== 'court'),
  ],
};

export const medicalRules: readonly DisputeRules[] = [
  {
    type: 'medical',
    version: 1,
    effectiveFrom: firstRulesEffectiveFrom,
    firstClass: true,
    administrativeBody: {
      departmentKey: 'health',
      zh: '卫生健康委员会',
      en: 'Health Commission',
    },
    deadlines: {
      people: peopleMediation,
      administrative: administrativeMediation,
      judicial: judicialTrackMediation,
    },
    judicialConfirmation: judicialConfirmationRules,
    // §22 lists the routes: negotiation, people's or administrative mediation, a lawsuit.
    // Administrative mediation is a transfer of track, so on failure a lawsuit remains.
    failureGuidance: ['litigation', 'other'],
    breachGuidance: peopleMediationBreachGuidance,
    // §30 sets the cap for negotiation between the sides; we hold mediation sessions to it too.
    representativeCap: { max: 5, source: medicalRegulations.article(30) },
    hearingWhenMajorityObjects: null,
    oneForum: medicalOneForum,
    failureNote: {
      zh: `超过调解期限未达成调解协议的，视为调解不成（${medicalRegulations.article(38, 40).zh}）；医患双方可以依法向人民法院提起诉讼（${medicalRegulations.article(22).zh}）。人民法院或者卫生主管部门已经受理的，医疗纠纷人民调解委员会不予受理，已经受理的终止调解（${medicalRegulations.article(31).zh}）。`,
      en: `When the period runs out without agreement, mediation counts as failed (${medicalRegulations.article(38, 40).en}); the parties may sue in court (${medicalRegulations.article(22).en}). Once a court or the health bureau has accepted the dispute, the committee does not take it, or stops (${medicalRegulations.article(31).en}).`,
    },
    administrativeAcceptance: medicalAdministrativeAcceptance,
    arbitrationLimitation: null,
  },
];
