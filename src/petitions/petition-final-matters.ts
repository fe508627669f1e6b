import type { RequestOrigin } from '../audit/audit.service';
import { RuleViolationError } from '../shared/errors';
import type { PetitionRules } from '../workflows/rules/petition-rules.types';

/**
 * A matter closed by a recheck (复核) is closed for good: "信访人对复核意见不服，仍然以同一
 * 事实和理由提出投诉请求的，…不再受理" (信访工作条例 §36). On registration the system looks
 * for final petitions of the same petitioners in the district: the same subject, or the
 * petition the user confirms is the same matter (`sameMatterAs`), is refused with the final
 * decision's reference; the same people with another subject are registered, with a warning.
 */

/** A final petition as the check reads it. */
export interface FinalPetition {
  id: string;
  number: string;
  subject: string;
  finalOn: string;
  unitNameZh: string;
}

/** Subjects compare without spaces, punctuation or case: "拖欠工资！" is "拖欠 工资". */
export function sameSubject(a: string, b: string): boolean {
  const plain = (text: string) => text.replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase();
  return plain(a) === plain(b);
}

export interface FinalMatterReading {
  /** The final petition this registration repeats: refused. */
  repeats: FinalPetition | null;
  /** Final petitions of the same people on other matters: registered, with a warning. */
  earlier: FinalPetition[];
}

export function readFinalMatters(
  subject: string,
  sameMatterAs: FinalPetition | null,
  finalsOfThesePeople: FinalPetition[],
): FinalMatterReading {
  const repeats =
    sameMatterAs ?? finalsOfThesePeople.find((petition) => sameSubject(petition.subject, subject)) ?? null;
  return { repeats, earlier: repeats ? [] : finalsOfThesePeople };
}

/** The 422 a repeated final matter gets: the final decision's reference, with §36. */
export function finalMatterRefusal(
  repeated: FinalPetition,
  field: 'subject' | 'sameMatterAs',
  rules: PetitionRules,
): RuleViolationError {
  const params = {
    number: repeated.number,
    finalOn: repeated.finalOn,
    unit: repeated.unitNameZh,
    source: rules.recheckIsFinal.source.zh,
  };
  return new RuleViolationError(
    'petition.final_decision',
    [{ field, message: 'petitions.validation.final_decision', params }],
    params,
  );
}

/** Who registers, for the audit log, when the route did not pass the request's origin. */
export function originOfActor(actor: { id: string; username: string }): RequestOrigin {
  return { actor: { id: actor.id, username: actor.username }, ip: null };
}
