import type { DisputeType, LegalSource } from './dispute-rules.types';
import { peopleMediationLaw } from './shared-rules';

/**
 * When the follow-up visit (回访) after an agreement is planned (issue 21). 人民调解法 §31 ¶2
 * says the committee supervises the performance of the agreement (对调解协议的履行情况进行监督)
 * but gives no number of days: the 30 days are local practice (many committees' rules say
 * "回访 within one month"), marked so, and set per dispute type here — change a row to change
 * the practice. The appointment lands on the working morning of that day (the time below).
 */
export interface FollowUpRule {
  /** Calendar days after the agreement was reached. */
  days: number;
  /** The hour (Asia/Shanghai) of the planned visit. */
  hour: number;
  /** The law's word on following up, and whether the number of days is local practice. */
  source: LegalSource;
  localPractice: boolean;
}

const supervisedPerformance: LegalSource = {
  zh: `${peopleMediationLaw.article(31).zh}（回访期限为本地做法，法律未规定）`,
  en: `${peopleMediationLaw.article(31).en} (the number of days is local practice; the law sets none)`,
};

const localPractice: FollowUpRule = { days: 30, hour: 9, source: supervisedPerformance, localPractice: true };

/** The follow-up rule of each dispute type (every type: local practice, 30 days, for now). */
const followUpRules: Partial<Record<DisputeType, FollowUpRule>> = {};

export function followUpRuleFor(type: string): FollowUpRule {
  return followUpRules[type as DisputeType] ?? localPractice;
}
