import type { DataSource, EntityManager } from 'typeorm';
import type { CaseVisibility } from '../access/policy';
import { Case } from './case.entity';
import { scoped } from './case-list.queries';
import type { Party } from './party.entity';
import { partyKey, partyKeySql } from './party-key';

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
   * applicant and respondent (by ID number, else by name), a party with the same ID
   * number, or a similar title at the same unit (pg_trgm).
   */
  async findPossibleDuplicates(
    visibility: CaseVisibility,
    probe: {
      applicantKeys: string[];
      respondentKeys: string[];
      idHashes: string[];
      title: string;
      unitId: string;
    },
  ): Promise<Array<{ row: Case; sameParties: boolean; sameIdNumber: boolean; similarTitle: boolean }>> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await scoped(this.manager(), visibility, builder))) return [];
    const keyOfP = partyKeySql('p');
    const sameParties = `(cardinality(:applicantKeys::text[]) > 0 AND cardinality(:respondentKeys::text[]) > 0
      AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'applicant' AND ${keyOfP} = ANY(:applicantKeys::text[]))
      AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'respondent' AND ${keyOfP} = ANY(:respondentKeys::text[])))`;
    const sameIdNumber = `EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.id_number_hash = ANY(:idHashes::text[]))`;
    const similarTitle = `(c.holding_unit_id = :unitId AND similarity(c.title, :title) > 0.4)`;
    builder
      .andWhere(`c.state <> 'closed'`)
      .andWhere(`(${sameParties} OR ${sameIdNumber} OR ${similarTitle})`)
      .addSelect(sameParties, 'same_parties')
      .addSelect(sameIdNumber, 'same_id_number')
      .addSelect(similarTitle, 'similar_title')
      .setParameters(probe)
      .orderBy('c.created_at', 'DESC')
      .limit(10);
    const { entities, raw } = await builder.getRawAndEntities<{
      c_id: string;
      same_parties: boolean;
      same_id_number: boolean;
      similar_title: boolean;
    }>();
    return entities.map((row) => {
      const flags = raw.find((item) => item.c_id === row.id);
      return {
        row,
        sameParties: flags?.same_parties === true,
        sameIdNumber: flags?.same_id_number === true,
        similarTitle: flags?.similar_title === true,
      };
    });
  }

  /**
   * Open, accepted cases (in mediation or agreement) other than `exceptCaseId` whose
   * parties include one of the given applicants and one of the given respondents (the
   * same party: `partyKey`): the same dispute in another forum.
   */
  async findActiveForumsFor(
    parties: Array<Pick<Party, 'role' | 'idNumberHash' | 'nameHash'>>,
    exceptCaseIds: string[],
    tx?: EntityManager,
  ): Promise<Array<{ id: string; number: string; holding_unit_id: string }>> {
    const keysOf = (role: string) => parties.filter((party) => party.role === role).map(partyKey);
    const applicants = keysOf('applicant');
    const respondents = keysOf('respondent');
    if (applicants.length === 0 || respondents.length === 0) return [];
    return this.manager(tx).query(
      `SELECT c.id, c.number, c.holding_unit_id FROM cases c
       WHERE (c.state LIKE 'mediation.%' OR c.state LIKE 'agreement.%')
         AND c.id <> ALL($3::uuid[])
         AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'applicant'
                     AND ${partyKeySql('p')} = ANY($1::text[]))
         AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'respondent'
                     AND ${partyKeySql('p')} = ANY($2::text[]))
       ORDER BY c.created_at
       LIMIT 5`,
      [applicants, respondents, exceptCaseIds],
    );
  }
}
