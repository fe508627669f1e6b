import type { DisputeRules, DisputeType } from './dispute-rules.types';
import { generalOneForum } from './one-forum';
import {
  firstRulesEffectiveFrom,
  generalMediationByAnalogy,
  generalPeopleMediation,
  judicialConfirmationRules,
  judicialTrackMediation,
  peopleMediationBreachGuidance,
  peopleMediationFailureNote,
} from './shared-rules';

/**
 * The types without a law of their own: the general people's-mediation rules apply
 * (人民调解工作若干规定 §33: normally within one month; 人民调解法 §26 on failure).
 */
export const genericDisputeTypes = [
  'neighbourhood',
  'family',
  'property_management',
  'environmental',
  'consumer',
  'other',
] as const satisfies readonly DisputeType[];
export type GenericDisputeType = (typeof genericDisputeTypes)[number];

/** Version 1 of the generic rules for one type; they differ only in `type`. */
export function genericRules(type: GenericDisputeType): DisputeRules {
  return {
    type,
    version: 1,
    effectiveFrom: firstRulesEffectiveFrom,
    firstClass: false,
    // The department, if any, is chosen when the case is transferred.
    administrativeBody: null,
    deadlines: {
      people: generalPeopleMediation,
      administrative: generalMediationByAnalogy,
      judicial: judicialTrackMediation,
    },
    // Family agreements on status (marriage, adoption) are not confirmed by the court
    // (民诉法解释 §355(3)), their property and maintenance terms are: the mediator says which, per agreement.
    judicialConfirmation: judicialConfirmationRules,
    // 人民调解法 §26 names arbitration, administrative and judicial routes; a lawsuit is the usual one here.
    failureGuidance: ['litigation', 'arbitration', 'other'],
    breachGuidance: peopleMediationBreachGuidance,
    representativeCap: null,
    hearingWhenMajorityObjects: null,
    oneForum: generalOneForum,
    failureNote: peopleMediationFailureNote,
    administrativeAcceptance: null,
    arbitrationLimitation: null,
  };
}

/** Every generic type with its versions; the Record type makes the list exhaustive. */
export const genericRulesByType: Record<GenericDisputeType, readonly DisputeRules[]> = {
  neighbourhood: [genericRules('neighbourhood')],
  family: [genericRules('family')],
  property_management: [genericRules('property_management')],
  environmental: [genericRules('environmental')],
  consumer: [genericRules('consumer')],
  other: [genericRules('other')],
};
