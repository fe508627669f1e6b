import type { DisputeRules, StageDeadline } from './dispute-rules.types';
import { legalInstrument } from './legal-source';
import { firstRulesEffectiveFrom, judicialConfirmationApplies, judicialTrackMediation } from './shared-rules';

/** Labour disputes (劳动争议/劳资纠纷): 劳动争议调解仲裁法. */
const labourLaw = legalInstrument({
  zh: '劳动争议调解仲裁法',
  en: 'Labour Dispute Mediation and Arbitration Law',
});

/**
 * §14: when no agreement is reached within 15 days of the mediation organisation
 * receiving the application, a party may apply for arbitration. That right arises on
 * day 15 whatever happened meanwhile, so no suspension stops this clock; and expiry
 * opens arbitration rather than ending the mediation, which may go on if both agree.
 * The same period binds the mediation bodies run by the labour bureau (§10, §14).
 */
const fifteenDays: StageDeadline = {
  days: 15,
  basis: 'calendar',
  source: labourLaw.article(14),
  pausedBy: [],
  expiryCountsAsFailure: false,
};

export const labourRules: readonly DisputeRules[] = [
  {
    type: 'labour',
    version: 1,
    effectiveFrom: firstRulesEffectiveFrom,
    firstClass: true,
    administrativeBody: {
      departmentKey: 'human_resources',
      zh: '人力资源和社会保障局（劳动人事争议仲裁委员会）',
      en: 'Human Resources and Social Security Bureau (labour dispute arbitration commission)',
    },
    deadlines: { people: fifteenDays, administrative: fifteenDays, judicial: judicialTrackMediation },
    judicialConfirmation: judicialConfirmationApplies,
    // Arbitration comes before any lawsuit in labour matters (§5), so it is proposed first;
    // the payment order is the wage earner's short cut once a wage agreement is not paid (§16).
    failureGuidance: ['arbitration', 'payment_order'],
    // §7 lets ten or more workers elect representatives but sets no maximum: see below.
    representativeCap: null,
    hearingWhenMajorityObjects: null,
    failureNote: {
      zh: `自收到调解申请之日起十五日内未达成调解协议的，当事人可以依法申请仲裁（${labourLaw.article(14).zh}）；达成调解协议后一方当事人在约定期限内不履行的，另一方当事人可以依法申请仲裁（${labourLaw.article(15).zh}）；因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，用人单位在约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令（${labourLaw.article(16).zh}）。`,
      en: `If no agreement is reached within 15 days of the application, a party may apply for arbitration (${labourLaw.article(14).en}); if an agreement is not performed in time, the other party may apply for arbitration (${labourLaw.article(15).en}); if an agreement on unpaid wages, work-injury medical costs, severance or compensation is not performed by the employer, the worker may apply to the court for a payment order on the strength of the agreement (${labourLaw.article(16).en}).`,
    },
  },
];

/**
 * §7: when ten or more workers share one claim they may elect representatives for
 * mediation, arbitration or litigation. A threshold for a group dispute, not a cap, so
 * it lives here beside the table rather than in `representativeCap`.
 */
export const labourGroupRepresentation = {
  minWorkers: 10,
  source: labourLaw.article(7),
} as const;
