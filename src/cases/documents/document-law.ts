import type { LegalSource, Track } from '../../workflows/rules/dispute-rules.types';
import { labourLaw } from '../../workflows/rules/labour';
import {
  civilProcedureLaw,
  invitedMediationProvisions,
  peopleMediationLaw,
  peopleMediationProvisions,
} from '../../workflows/rules/shared-rules';

/**
 * The law behind each of the procedure's documents (issue 20), named once and printed on
 * the document it governs. The people's mediation law gives no format: the forms follow the
 * elements the articles ask for (who, when, what was said, who signed).
 */
export const documentLaw = {
  /** 受理通知书 on the people's track: a party applies (§17); the parties are told their rights (§23). */
  acceptanceNotice: peopleMediationLaw.article(17),
  /** 受理通知书 of a labour dispute: a party applies to a labour mediation organisation (§12). */
  acceptanceNoticeLabour: labourLaw.article(12),
  /** 受理通知书 of mediation the court invited (委派调解): the SPC's provisions on invited mediation. */
  acceptanceNoticeJudicial: invitedMediationProvisions.name,
  /** The parties' rights in people's mediation, printed on the acceptance notice. */
  partiesRights: peopleMediationLaw.article(23),
  /** … and their duties (§24): 人民调解工作若干规定 §30 asks both to be told before mediating. */
  partiesDuties: peopleMediationLaw.article(24),
  /** Labour: no agreement within 15 days → arbitration (§14); arbitration within a year (§27). */
  labourArbitrationAfter: labourLaw.article(14),
  labourLimitation: labourLaw.article(27),
  /** Labour: not accepted or not settled → arbitration first, not a lawsuit (§5). */
  labourArbitrationFirst: labourLaw.article(5),
  /**
   * 不予受理告知书: what a committee may not accept (§22), and that it tells the party where
   * to go instead — the competent body or the court (§23).
   */
  refusalNotice: peopleMediationProvisions.article(22, 23),
  /** 调解笔录: "人民调解员应当记录调解情况" (§27). */
  sessionRecord: peopleMediationLaw.article(27),
  /** 回访记录: the committee supervises the agreement's performance (§31 ¶2). */
  followUpRecord: peopleMediationLaw.article(31),
  /**
   * 送达回证: people's mediation has no service rules of its own; the proof of service is
   * taken over from civil procedure (§87: the recipient notes the date and signs).
   */
  serviceReceipt: {
    zh: `参照 ${civilProcedureLaw.article(87).zh}`,
    en: `By analogy with ${civilProcedureLaw.article(87).en}`,
  },
  /**
   * 卷宗封面, 卷内目录: the committee keeps a file of each case — registration, records,
   * agreement (§27). No national rule sets how long it is kept (保管期限): the cover leaves
   * the line to be filled under the local archive rules.
   */
  caseFile: peopleMediationLaw.article(27),
} satisfies Record<string, LegalSource>;

/**
 * The legal basis printed on a 受理通知书, by track: 人民调解法 §17 is people's mediation's
 * only; a labour dispute's is 劳动争议调解仲裁法 §12, mediation the court invited the SPC's
 * provisions, and an administrative body's the article its rules give for its period (`own`).
 */
export function acceptanceNoticeLaw(track: Track, disputeType: string, own: LegalSource): LegalSource {
  if (track === 'judicial') return documentLaw.acceptanceNoticeJudicial;
  if (disputeType === 'labour') return documentLaw.acceptanceNoticeLabour;
  return track === 'people' ? documentLaw.acceptanceNotice : own;
}
