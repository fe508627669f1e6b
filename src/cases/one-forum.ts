import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { Tx } from '../shared/db/transactions';
import { RuleViolationError } from '../shared/errors';
import type { Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import { rulesFor } from '../workflows/rules';
import type { LegalSource, ReferredOutForum } from '../workflows/rules/dispute-rules.types';
import type { CaseRepository } from './case.repository';
import type { Party } from './party.entity';
import { partyKey } from './party-key';
import type { ForumCandidate, PartyMatchingRepository } from './party-matching.repository';

/** A dispute about to be opened or accepted, as the forum check needs it. */
export interface ForumProbe {
  type: string;
  parties: Array<Pick<Party, 'role' | 'idNumberHash' | 'nameHash'>>;
  /** The case itself and the cases it belongs with (its master case): never its own forum. */
  exceptCaseIds: string[];
  /** Cases a user confirmed to be the same matter (matched whatever their type). */
  sameMatterCaseIds: string[];
}

/** A case that holds the forum for the dispute, and what that means for the new one. */
export interface ForumOccupant {
  caseId: string;
  /** Shown only where `visible`: the caller may see that case (the policy module says). */
  number: string;
  unit: Unit | null;
  visible: boolean;
  /** `accepted`: in mediation or under an agreement; `referred_out`: closed by referral to `agency`. */
  kind: 'accepted' | 'referred_out';
  agency: ReferredOutForum['agency'] | null;
  effect: 'refuse' | 'warn';
  source: LegalSource;
}

/**
 * One forum per dispute (一案一处, DOMAIN.md): the check every path that opens or accepts a
 * case runs — intake, `POST /cases`, a petition's new case (registration), ACCEPT and the
 * historic import. What counts, per type, is the rules' `oneForum` (with its article);
 * the parties are matched by party key whatever their roles (`PartyMatchingRepository`).
 * A refusal names the unit holding the other case, and its number only to a caller the
 * policy module lets see that case.
 */
export class OneForum {
  constructor(
    private readonly deps: {
      partyMatching: PartyMatchingRepository;
      units: UnitRepository;
      cases: CaseRepository;
    },
  ) {}

  /** The cases holding the forum for `probe`'s dispute, as `actor` may be told of them. */
  async occupants(actor: Actor, probe: ForumProbe, tx?: Tx): Promise<ForumOccupant[]> {
    const rule = rulesFor(probe.type).oneForum;
    const sideOf = (role: string) => probe.parties.filter((party) => party.role === role).map(partyKey);
    const found = await this.deps.partyMatching.findForumsFor(
      {
        type: probe.type,
        sides: [sideOf('applicant'), sideOf('respondent')],
        exceptCaseIds: probe.exceptCaseIds,
        sameMatterCaseIds: probe.sameMatterCaseIds,
      },
      tx,
    );
    const counted = found.flatMap((candidate) => {
      const held = heldBy(candidate, rule.afterReferral, rule.source);
      return held ? [{ candidate, ...held }] : [];
    });
    const units = await this.deps.units.mapByIds(counted.map(({ candidate }) => candidate.holding_unit_id));
    return Promise.all(
      counted.map(async ({ candidate, kind, agency, effect, source }) => {
        const found = await this.deps.cases.findWithAccess(candidate.id, tx);
        return {
          caseId: candidate.id,
          number: candidate.number,
          unit: units.get(candidate.holding_unit_id) ?? null,
          visible: found ? policy.canSee(actor, found.resource) : false,
          kind,
          agency,
          effect,
          source,
        };
      }),
    );
  }

  /**
   * Refuses opening or accepting the dispute when a forum holds it: 422 `already_in_forum`
   * (accepted elsewhere) or `forum_referred_out_barred` (referred where the law bars a second
   * forum), or
   * `forum_referred_out` for a referral the caller has not `acknowledged` (a warning: they
   * check with that forum, then send again acknowledging it).
   */
  async assertFree(
    actor: Actor,
    probe: ForumProbe,
    tx: Tx,
    options: { acknowledged: boolean },
  ): Promise<void> {
    const keys = probe.parties.filter(onASide).map(partyKey);
    await this.deps.partyMatching.lockForumOf(keys, tx);
    const occupants = await this.occupants(actor, probe, tx);
    const refusal = occupants.find((occupant) => occupant.effect === 'refuse');
    const warning = options.acknowledged
      ? undefined
      : occupants.find((occupant) => occupant.effect === 'warn');
    const occupant = refusal ?? warning;
    if (!occupant) return;
    throw new RuleViolationError(
      refusalCode(occupant),
      refusal
        ? undefined
        : [{ field: 'forumAcknowledged', message: 'validation.forum_acknowledgement_needed' }],
      forumParams(occupant),
    );
  }
}

/**
 * The refusal's code: accepted elsewhere (`already_in_forum`, naming the unit that has it);
 * referred where the law bars a second forum (`forum_referred_out_barred`, naming the unit
 * that referred it and where: 医疗 §31 — it is not "accepted" by that unit); referred
 * elsewhere, not yet acknowledged (`forum_referred_out`, a warning).
 */
function refusalCode(occupant: ForumOccupant): string {
  if (occupant.effect === 'warn') return 'forum_referred_out';
  return occupant.kind === 'referred_out' ? 'forum_referred_out_barred' : 'already_in_forum';
}

const onASide = (party: { role: string }) => party.role === 'applicant' || party.role === 'respondent';

/** Whether a found case holds the forum under the type's rule, and with what effect. */
function heldBy(
  candidate: ForumCandidate,
  afterReferral: readonly ReferredOutForum[],
  source: LegalSource,
): Pick<ForumOccupant, 'kind' | 'agency' | 'effect' | 'source'> | null {
  if (candidate.state !== 'closed') return { kind: 'accepted', agency: null, effect: 'refuse', source };
  const referral = afterReferral.find((rule) => rule.agency === candidate.referred_to);
  if (!referral) return null;
  return { kind: 'referred_out', agency: referral.agency, effect: referral.effect, source: referral.source };
}

/**
 * What a refusal tells the caller: the unit and the law, and the other case's number only
 * when the caller may see that case (i18next's `context`: the `_numbered` message).
 */
export function forumParams(occupant: ForumOccupant): Record<string, unknown> {
  return {
    unit: occupant.unit?.nameZh ?? '',
    unitEn: occupant.unit?.nameEn ?? '',
    source: occupant.source.zh,
    sourceEn: occupant.source.en,
    agency: occupant.agency ?? '',
    ...(occupant.visible ? { number: occupant.number, context: 'numbered' } : {}),
  };
}
