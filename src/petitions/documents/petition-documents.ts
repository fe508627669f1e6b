import type { PetitionEventType } from '../../workflows/petition.machine';
import { petitionRegulations } from '../../workflows/rules/petition';
import type { PetitionRules } from '../../workflows/rules/petition-rules.types';
import type { PetitionEventRecord } from '../../workflows/workflow-event.entity';

/**
 * The written documents of a petition's procedure (信访工作条例, 2022), each issued by one
 * event of its timeline and printed from one template (templates/documents/petition-*.hbs).
 */
export const petitionDocumentKinds = ['acceptance', 'refusal', 'reply', 'review', 'recheck'] as const;
export type PetitionDocumentKind = (typeof petitionDocumentKinds)[number];

export interface PetitionDocumentSpec {
  /** Where it is printed: `/petitions/:id/documents/<slug>`. */
  slug: string;
  /** The event that issues it: the document exists once the petition's timeline holds it. */
  issuedBy: PetitionEventType;
  /** Its template under templates/documents/. */
  template: string;
}

export const petitionDocuments: Record<PetitionDocumentKind, PetitionDocumentSpec> = {
  // 信访事项受理告知书
  acceptance: { slug: 'acceptance-notice', issuedBy: 'ACCEPT', template: 'petition-acceptance' },
  // 信访事项不予受理告知书
  refusal: { slug: 'refusal-notice', issuedBy: 'DECLINE', template: 'petition-refusal' },
  // 信访事项处理意见书
  reply: { slug: 'handling-opinion', issuedBy: 'REPLY', template: 'petition-opinion' },
  // 信访事项复查意见书
  review: { slug: 'review-opinion', issuedBy: 'REVIEW_DECIDED', template: 'petition-opinion' },
  // 信访事项复核意见书
  recheck: { slug: 'recheck-opinion', issuedBy: 'RECHECK_DECIDED', template: 'petition-opinion' },
};

/**
 * The articles each document cites. Where the petition rules already carry the article (the
 * 15 days to decide and tell, §22/§23; the 60 days, §34; the review and recheck windows, §35/§36;
 * the final recheck, §36), the document reads it from them; the rest is what only the documents say.
 */
export function petitionDocumentLaw(rules: PetitionRules) {
  return {
    /** The written notice, within 15 days of receipt, whether the petition is accepted (§22, §23). */
    decision: rules.decideAndNotify.source,
    /** §31: which kind of matter it is (建议意见类, 检举控告类, 申诉求决类). */
    category: petitionRegulations.article(31),
    /** §34: a claim is concluded within 60 days of acceptance (one extension of at most 30). */
    conclusion: rules.conclude.source,
    /** Only a claim runs that period and ends in a reviewable 信访处理意见 (§31, §34, §35). */
    conclusionApplies: rules.concludeApplies.source,
    reviewApplies: rules.reviewApplies.source,
    /**
     * Where a refused petition goes instead: the body that has the power to handle it (§23), and a
     * claim the law sends to a court, to arbitration or to administrative reconsideration goes
     * that way (诉访分离, §31).
     */
    otherRoutes: petitionRegulations.article(23, 31),
    reviewWindow: rules.reviewRequestWindow.source,
    recheckWindow: rules.recheckRequestWindow.source,
    final: rules.recheckIsFinal.source,
  };
}

/** The latest event of a type on the timeline (a petition is accepted, replied to … once), or null. */
export function lastEvent(
  events: PetitionEventRecord[],
  type: PetitionEventType,
): PetitionEventRecord | null {
  for (let index = events.length - 1; index >= 0; index--)
    if (events[index].type === type) return events[index];
  return null;
}
