import {
  type DisputeRules,
  type LimitationPeriod,
  paymentOrderMatters,
  type StageDeadline,
} from './dispute-rules.types';
import { legalInstrument } from './legal-source';
import { generalOneForum } from './one-forum';
import { firstRulesEffectiveFrom, judicialConfirmationRules, judicialTrackMediation } from './shared-rules';

/** Labour disputes (劳动争议/劳资纠纷): 劳动争议调解仲裁法. */
export const labourLaw = legalInstrument({
  zh: '劳动争议调解仲裁法',
  en: 'Labour Dispute Mediation and Arbitration Law',
});

/**
 * §14: when no agreement is reached within 15 days of the mediation organisation
 * receiving the application, a party may apply for arbitration. The period counts from
 * that receipt — not from acceptance, and a hand-off (上报, 交办, 移交) does not restart
 * it: the application was received once. The right arises on day 15 whatever happened
 * meanwhile, so no suspension stops this clock; and expiry opens arbitration rather than
 * ending the mediation, which may go on if both agree. The same period binds the
 * mediation bodies run by the labour bureau (§10, §14).
 */
const fifteenDays: StageDeadline = {
  days: 15,
  basis: 'calendar',
  source: labourLaw.article(14),
  pausedBy: [],
  expiryCountsAsFailure: false,
  countsFrom: 'application_received',
  expiryOpensArbitration: true,
};

/**
 * §27: a labour dispute goes to arbitration within one year of the day the worker knew or
 * should have known of the infringement. Applying for mediation is "requesting a remedy
 * from the relevant body" (向有关部门请求权利救济): it interrupts the period, which then
 * runs anew, in full, from the day the mediation ends (the procedure's end, as 民法典 §195
 * counts an interruption by a procedure). The worker is warned 30 days before it ends.
 */
export const labourArbitrationLimitation: LimitationPeriod = {
  years: 1,
  warnDaysBefore: 30,
  source: labourLaw.article(27),
  note: {
    zh: `仲裁时效因当事人一方向对方当事人主张权利，或者向有关部门请求权利救济，或者对方当事人同意履行义务而中断，从中断时起重新计算；因不可抗力或者有其他正当理由不能申请仲裁的，时效中止；劳动关系存续期间因拖欠劳动报酬发生争议的，不受一年时效限制，但劳动关系终止的，应当自终止之日起一年内提出（${labourLaw.article(27).zh}）。`,
    en: `The limitation is interrupted when a party claims the right from the other, requests a remedy from the relevant body, or the other party agrees to perform, and runs anew from then; it is suspended by force majeure or another good reason; a claim for unpaid wages while the employment lasts is not bound by the one year, but must be made within one year of the employment ending (${labourLaw.article(27).en}).`,
  },
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
    judicialConfirmation: judicialConfirmationRules,
    // Arbitration comes before any lawsuit in labour matters (§5). Without an agreement there
    // is nothing for a payment order to rest on (§16 needs the agreement), so FAIL offers
    // arbitration only; the payment order is guidance after a breach, below.
    failureGuidance: ['arbitration'],
    // §15: an agreement not performed in time → arbitration; §16: an agreement on unpaid wages,
    // work-injury medical costs, economic compensation or damages the employer does not perform
    // → the worker may apply to the court for a payment order on the strength of the agreement.
    breachGuidance: [
      { guidance: 'arbitration', source: labourLaw.article(15) },
      { guidance: 'payment_order', source: labourLaw.article(16), onlyFor: paymentOrderMatters },
    ],
    // §7 lets ten or more workers elect representatives but sets no maximum: see below.
    representativeCap: null,
    hearingWhenMajorityObjects: null,
    oneForum: generalOneForum,
    failureNote: {
      zh: `自收到调解申请之日起十五日内未达成调解协议的，当事人可以依法申请仲裁（${labourLaw.article(14).zh}）；达成调解协议后一方当事人在约定期限内不履行的，另一方当事人可以依法申请仲裁（${labourLaw.article(15).zh}）；因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，用人单位在约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令（${labourLaw.article(16).zh}）。`,
      en: `If no agreement is reached within 15 days of the application, a party may apply for arbitration (${labourLaw.article(14).en}); if an agreement is not performed in time, the other party may apply for arbitration (${labourLaw.article(15).en}); if an agreement on unpaid wages, work-injury medical costs, severance or compensation is not performed by the employer, the worker may apply to the court for a payment order on the strength of the agreement (${labourLaw.article(16).en}).`,
    },
    // mediation organisations decide acceptance themselves; the bureau's arbitration commission is another forum
    administrativeAcceptance: null,
    arbitrationLimitation: labourArbitrationLimitation,
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
