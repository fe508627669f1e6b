import type { DisputeRules } from './dispute-rules.types';
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

/** Expropriation of buildings on state-owned land (房屋征收/拆迁). No statute sets a mediation period. */
const expropriationRegulations = legalInstrument({
  zh: '国有土地上房屋征收与补偿条例',
  en: 'Regulations on the Expropriation of Buildings on State-owned Land and Compensation',
});

export const demolitionRelocationRules: readonly DisputeRules[] = [
  {
    type: 'demolition_relocation',
    version: 1,
    effectiveFrom: firstRulesEffectiveFrom,
    firstClass: true,
    administrativeBody: {
      departmentKey: 'housing_expropriation',
      zh: '房屋征收部门',
      en: 'Housing expropriation department',
    },
    deadlines: {
      people: generalPeopleMediation,
      administrative: generalMediationByAnalogy,
      judicial: judicialTrackMediation,
    },
    // Decided per agreement (民诉法解释 §355): a compensation agreement with the expropriation
    // department is an administrative one, outside civil jurisdiction (§355(1)); a civil agreement
    // between family members on sharing the compensation can be confirmed.
    judicialConfirmation: judicialConfirmationRules,
    // Without an agreement the government decides compensation (§26); the decision is
    // challenged by administrative reconsideration or an administrative lawsuit.
    failureGuidance: ['administrative_ruling', 'litigation'],
    breachGuidance: peopleMediationBreachGuidance,
    representativeCap: null,
    // §11: for old-town redevelopment, when most owners object to the compensation plan.
    hearingWhenMajorityObjects: { source: expropriationRegulations.article(11) },
    oneForum: generalOneForum,
    failureNote: {
      zh: `在签约期限内达不成补偿协议的，由房屋征收部门报请作出房屋征收决定的市、县级人民政府按照征收补偿方案作出补偿决定；被征收人对补偿决定不服的，可以依法申请行政复议，也可以依法提起行政诉讼（${expropriationRegulations.article(26).zh}）。任何单位和个人不得采取暴力、威胁或者违反规定中断供水、供热、供气、供电和道路通行等非法方式迫使被征收人搬迁（${expropriationRegulations.article(27).zh}）。`,
      en: `If no compensation agreement is signed within the signing period, the city or county government that decided the expropriation makes a compensation decision; the owner may challenge it by administrative reconsideration or an administrative lawsuit (${expropriationRegulations.article(26).en}). Nobody may force the owner out by violence, threats, or cutting water, heating, gas, power or road access (${expropriationRegulations.article(27).en}).`,
    },
    administrativeAcceptance: null,
    arbitrationLimitation: null,
  },
];
