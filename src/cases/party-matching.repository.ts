import type { DataSource, EntityManager } from 'typeorm';
import type { CaseVisibility } from '../access/policy';
import { Case } from './case.entity';
import { scoped } from './case-list.queries';
import { partyKeySql } from './party-key';

/** A case that may hold the forum for a dispute (`findForumsFor`), as stored. */
export interface ForumCandidate {
  id: string;
  number: string;
  type: string;
  state: string;
  holding_unit_id: string;
  /** The agency of its last REFER_OUT (an imported case: its `referredTo` column), when it is closed (referred out). */
  referred_to: string | null;
}

/** An open case that looks like the dispute being registered, and why. */
export interface PossibleDuplicate {
  row: Case;
  sameParties: boolean;
  sameIdNumber: boolean;
  samePhone: boolean;
  similarTitle: boolean;
}

/**
 * Cases that concern the same parties (`party-key.ts`): possible duplicates of a dispute
 * being registered, and the forum that already handles a dispute between them (一案一处).
 */
export class PartyMatchingRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager): EntityManager {
    return tx ?? this.db.manager;
  }

  /**
   * Open cases the actor may see that look like the dispute being registered: the same
   * applicant and respondent, whatever their roles there (by ID number, else by name:
   * `partyKey`), a party with the same ID
   * number or phone number (their keyed hashes), or a similar title at the same unit (pg_trgm).
   */
  async findPossibleDuplicates(
    visibility: CaseVisibility,
    probe: {
      applicantKeys: string[];
      respondentKeys: string[];
      idHashes: string[];
      phoneHashes: string[];
      title: string;
      unitId: string;
    },
  ): Promise<PossibleDuplicate[]> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await scoped(this.manager(), visibility, builder))) return [];
    const keyOfP = partyKeySql('p');
    const sameParties = `(cardinality(:applicantKeys::text[]) > 0 AND cardinality(:respondentKeys::text[]) > 0
      AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND ${keyOfP} = ANY(:applicantKeys::text[]))
      AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND ${keyOfP} = ANY(:respondentKeys::text[])))`;
    const sameIdNumber = `EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.id_number_hash = ANY(:idHashes::text[]))`;
    const samePhone = `EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.phone_hash = ANY(:phoneHashes::text[]))`;
    const similarTitle = `(c.holding_unit_id = :unitId AND similarity(c.title, :title) > 0.4)`;
    builder
      .andWhere(`c.state <> 'closed'`)
      .andWhere(`(${sameParties} OR ${sameIdNumber} OR ${samePhone} OR ${similarTitle})`)
      .addSelect(sameParties, 'same_parties')
      .addSelect(sameIdNumber, 'same_id_number')
      .addSelect(samePhone, 'same_phone')
      .addSelect(similarTitle, 'similar_title')
      .setParameters(probe)
      .orderBy('c.created_at', 'DESC')
      .limit(10);
    const { entities, raw } = await builder.getRawAndEntities<{
      c_id: string;
      same_parties: boolean;
      same_id_number: boolean;
      same_phone: boolean;
      similar_title: boolean;
    }>();
    return entities.map((row) => {
      const flags = raw.find((item) => item.c_id === row.id);
      return {
        row,
        sameParties: flags?.same_parties === true,
        sameIdNumber: flags?.same_id_number === true,
        samePhone: flags?.same_phone === true,
        similarTitle: flags?.similar_title === true,
      };
    });
  }

  /**
   * The cases that hold the forum for a dispute between these sides (DOMAIN.md "One active
   * forum per dispute"), other than `exceptCaseIds` and the individual cases of a group
   * they lead (`master_case_id`): each side of the new dispute (its
   * applicants, its respondents) is some party of the other case, whatever its role there
   * (`partyKey`: the hospital applying is the same dispute as the patient applying); the
   * matter is the same — the same type, or a link a user confirmed (`same_matter_case_id`,
   * either way); and the case is accepted (in mediation or under an agreement) or closed
   * by referral out (`referred_to`: the agency of its last REFER_OUT, or the `referredTo` an
   * imported case's IMPORTED event states; the caller's rules
   * say which referrals count). Parties are found through their party-key index
   * (migration 1764200200000), then grouped by case.
   */
  /**
   * Serialises the forum check of one dispute: two units accepting (or registering) the same
   * parties at once would each find the other not yet accepted. A transaction-scoped advisory
   * lock per party key, taken in key order (so two checks never wait on each other in a
   * circle), held until the check's transaction ends; the next check then reads what the first
   * wrote (READ COMMITTED: each statement sees what committed before it began).
   */
  async lockForumOf(keys: string[], tx: EntityManager): Promise<void> {
    for (const key of [...new Set(keys)].sort()) {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('one-forum'), hashtext($1))`, [key]);
    }
  }

  async findForumsFor(
    probe: {
      type: string;
      sides: [string[], string[]];
      exceptCaseIds: string[];
      sameMatterCaseIds: string[];
    },
    tx?: EntityManager,
  ): Promise<ForumCandidate[]> {
    const [sideA, sideB] = probe.sides;
    if (sideA.length === 0 || sideB.length === 0) return [];
    const key = partyKeySql('p');
    return this.manager(tx).query(
      `SELECT c.id, c.number, c.type, c.state, c.holding_unit_id,
              CASE WHEN c.state = 'closed' THEN
                (SELECT CASE e.type WHEN 'IMPORTED' THEN e.payload->>'referredTo' ELSE e.payload->>'agency' END
                 FROM case_events e
                 WHERE e.case_id = c.id AND e.type IN ('REFER_OUT', 'IMPORTED') ORDER BY e.seq DESC LIMIT 1)
              END AS referred_to
       FROM (SELECT p.case_id, bool_or(${key} = ANY($1::text[])) AS side_a, bool_or(${key} = ANY($2::text[])) AS side_b
             FROM parties p
             WHERE p.case_id IS NOT NULL AND ${key} = ANY($1::text[] || $2::text[])
             GROUP BY p.case_id) m
       JOIN cases c ON c.id = m.case_id
       WHERE m.side_a AND m.side_b
         AND c.id <> ALL($3::uuid[])
         AND (c.master_case_id IS NULL OR c.master_case_id <> ALL($3::uuid[]))
         AND (c.type = $4 OR c.id = ANY($5::uuid[]) OR c.same_matter_case_id = ANY($3::uuid[]))
         AND (c.state LIKE 'mediation.%' OR c.state LIKE 'agreement.%'
              OR (c.state = 'closed' AND c.outcome = 'referred_out'))
       ORDER BY c.created_at
       LIMIT 10`,
      [sideA, sideB, probe.exceptCaseIds, probe.type, probe.sameMatterCaseIds],
    );
  }
}
