import { demolitionRelocationRules } from './demolition-relocation';
import { type DisputeRules, type DisputeType, disputeTypes } from './dispute-rules.types';
import { genericRulesByType } from './generic';
import { labourRules } from './labour';
import { landRequisitionRules } from './land-requisition';
import { medicalRules } from './medical';
import { petitionRules } from './petition';
import type { PetitionRules } from './petition-rules.types';

/**
 * The registry of rules tables. A case is accepted under the latest version of its
 * type's rules and keeps that version number; reading its deadlines later asks for that
 * version, so a new table never changes the rules of a case already under way.
 */

export { type DisputeType, disputeTypes } from './dispute-rules.types';

const rulesByType: Record<DisputeType, readonly DisputeRules[]> = {
  land_requisition: landRequisitionRules,
  demolition_relocation: demolitionRelocationRules,
  labour: labourRules,
  medical: medicalRules,
  ...genericRulesByType,
};

/** A type or version with no rules table: a programming or data error, never the user's. */
export class UnknownRulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownRulesError';
  }
}

export function isDisputeType(value: string): value is DisputeType {
  return (disputeTypes as readonly string[]).includes(value);
}

/** The rules of `type` in `version`, or in the latest version when none is given. */
export function rulesFor(type: string, version?: number): DisputeRules {
  if (!isDisputeType(type)) {
    throw new UnknownRulesError(
      `no dispute rules for type "${type}"; known types: ${disputeTypes.join(', ')}`,
    );
  }
  return pickVersion(rulesByType[type], version, `dispute rules for "${type}"`);
}

export function latestRulesVersion(type: string): number {
  return rulesFor(type).version;
}

/** The petition rules (信访工作条例) in `version`, or the latest. */
export function petitionRulesFor(version?: number): PetitionRules {
  return pickVersion(petitionRules, version, 'petition rules');
}

export function latestPetitionRulesVersion(): number {
  return petitionRulesFor().version;
}

function pickVersion<Rules extends { version: number }>(
  versions: readonly Rules[],
  version: number | undefined,
  what: string,
): Rules {
  const latest = versions.reduce<Rules | undefined>(
    (best, rules) => (best === undefined || rules.version > best.version ? rules : best),
    undefined,
  );
  const found = version === undefined ? latest : versions.find((rules) => rules.version === version);
  if (!found) {
    const known = versions.map((rules) => rules.version).join(', ') || 'none';
    throw new UnknownRulesError(`no ${what} in version ${version ?? 'latest'}; known versions: ${known}`);
  }
  return found;
}
