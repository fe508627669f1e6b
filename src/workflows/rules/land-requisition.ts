import type { DisputeRules, StageDeadline } from './dispute-rules.types';
import { legalInstrument } from './legal-source';
import { generalOneForum } from './one-forum';
import {
  firstRulesEffectiveFrom,
  generalMediationByAnalogy,
  generalPeopleMediation,
  judicialConfirmationRules,
  judicialTrackMediation,
  peopleMediationBreachGuidance,
} from './shared-rules';

/** Land requisition (征地): 土地管理法 (as revised in 2019). No statute sets a mediation period. */
const landLaw = legalInstrument({ zh: '土地管理法', en: 'Land Administration Law' });

export const landRequisitionRules: readonly DisputeRules[] = [
  {
    type: 'land_requisition',
    version: 1,
    effectiveFrom: firstRulesEffectiveFrom,
    firstClass: true,
    administrativeBody: {
      departmentKey: 'planning_resources',
      zh: '规划和自然资源局',
      en: 'Planning and Natural Resources Bureau',
    },
    deadlines: {
      people: generalPeopleMediation,
      administrative: generalMediationByAnalogy,
      judicial: judicialTrackMediation,
    },
    // Decided per agreement (民诉法解释 §355): a civil agreement between villagers on sharing
    // compensation can be confirmed; one on ownership or use rights (确权, §355(5)) or with the
    // government (outside civil jurisdiction, §355(1)) cannot — the mediator says which.
    judicialConfirmation: judicialConfirmationRules,
    // The government coordinates, then decides (§14, §47); its decision can be taken to court.
    failureGuidance: ['administrative_ruling', 'litigation'],
    breachGuidance: peopleMediationBreachGuidance,
    representativeCap: null,
    hearingWhenMajorityObjects: { source: landLaw.article(47) },
    oneForum: generalOneForum,
    failureNote: {
      zh: `补偿安置：拟征收土地的补偿安置方案公告至少三十日；多数被征地的农村集体经济组织成员认为方案不符合法律、法规规定的，县级以上地方人民政府应当组织召开听证会（${landLaw.article(47).zh}）。土地所有权和使用权争议：协商不成的，由人民政府处理；当事人对处理决定不服的，可以自接到处理决定通知之日起三十日内向人民法院起诉（${landLaw.article(14).zh}）。`,
      en: `Compensation: the compensation and resettlement plan is announced for at least 30 days; when most members of the collective object that it breaks the law, the county-level government must hold a hearing (${landLaw.article(47).en}). Ownership and use rights: if negotiation fails the government decides; a party may sue within 30 days of being notified of the decision (${landLaw.article(14).en}).`,
    },
    administrativeAcceptance: null,
    arbitrationLimitation: null,
  },
];

/** §14: a party may sue within 30 days of being notified of the government's decision on ownership or use rights. */
export const landRightsDecisionChallengeWindow: StageDeadline = {
  days: 30,
  basis: 'calendar',
  source: landLaw.article(14),
  pausedBy: [],
  expiryCountsAsFailure: false,
};

/** §47: the compensation and resettlement plan stays announced at least this many days before the application. */
export const requisitionAnnouncementMinimumDays = { days: 30, source: landLaw.article(47) } as const;
