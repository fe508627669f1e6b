import type { LegalSource } from '../../workflows/rules/dispute-rules.types';
import {
  civilProcedureLaw,
  peopleMediationLaw,
  peopleMediationProvisions,
} from '../../workflows/rules/shared-rules';

/**
 * The law behind each of the procedure's documents (issue 20), named once and printed on
 * the document it governs. The people's mediation law gives no format: the forms follow the
 * elements the articles ask for (who, when, what was said, who signed).
 */
export const documentLaw = {
  /** 受理通知书: a party applies (§17); before mediating, the parties are told their rights (§23). */
  acceptanceNotice: peopleMediationLaw.article(17),
  /** The parties' rights in people's mediation, printed on the acceptance notice. */
  partiesRights: peopleMediationLaw.article(23),
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
