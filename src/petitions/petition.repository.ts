import type { DataSource, EntityManager } from 'typeorm';
import type { PetitionResource, PetitionVisibility } from '../access/policy';
import type { CaseViewCache } from '../cases/case-view-cache';
import { Party } from '../cases/party.entity';
import { identifierSearchOf } from '../cases/party-identifiers';
import { partyKeySql } from '../cases/party-key';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import { containsPattern } from '../shared/db/sql-text';
import type { ChainVerification } from '../workflows/event-chain';
import type { EventLog, NewWorkflowEvent } from '../workflows/event-log.repository';
import type { PetitionEventRecord } from '../workflows/workflow-event.entity';
import { Petition, PetitionVisit } from './petition.entity';
import type { PetitionListQuery } from './petition.schemas';
import type { FinalPetition } from './petition-final-matters';

/** Under 复查 the unit that replied, under 复核 the review body: whose opinion is being reviewed. */
function reviewedUnitOf(row: Pick<Petition, 'state' | 'snapshot'>): string | null {
  const context = row.snapshot.context;
  if (row.state === 'accepted.review') return context.repliedByUnitId ?? null;
  if (row.state === 'accepted.recheck' || row.state === 'accepted.recheckHearing')
    return context.reviewUnitId ?? null;
  return null;
}

/**
 * The unit of first instance: the one that replied (or holds the petition, before any reply).
 * A review or recheck moves the petition up (§35, §36), never the petition's local forum (属地).
 */
export function firstInstanceUnitOf(row: Pick<Petition, 'holdingUnitId' | 'snapshot'>): string {
  return row.snapshot.context.repliedByUnitId ?? row.holdingUnitId;
}

/** The only code that queries petitions, petitioners, visits, links to cases and (through the one `EventLog`) events. */
export class PetitionRepository {
  /** `cipher`: hashes a search term that is a whole ID or phone number as the petitioners' numbers were hashed. */
  constructor(
    private readonly db: DataSource,
    private readonly log: EventLog,
    private readonly cipher: Pick<PersonalDataCipher, 'hash'>,
    /** The cases last shown, kept in memory: a link changes who may see the case. */
    private readonly caseViews?: Pick<CaseViewCache, 'writing'>,
  ) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  findById(id: string, tx?: EntityManager): Promise<Petition | null> {
    return this.manager(tx).findOne(Petition, { where: { id } });
  }

  /**
   * Appends one event to the petition's chain. The caller holds the petition's row lock
   * (`lockById`) or has just inserted the petition; the chain's head is read after it.
   */
  appendEvent(tx: EntityManager, petitionId: string, event: NewWorkflowEvent): Promise<PetitionEventRecord> {
    return this.log.append(tx, 'petition', petitionId, event);
  }

  eventsOf(petitionId: string, tx?: EntityManager): Promise<PetitionEventRecord[]> {
    return this.log.read(this.manager(tx), 'petition', petitionId);
  }

  /** The petition's chain checked with the chain key, against the count of events its row keeps. */
  async verifyChainOf(tx: EntityManager, petitionId: string, events: number): Promise<ChainVerification> {
    return this.log.verifyStored(tx, 'petition', petitionId, { events });
  }

  lockById(id: string, tx: EntityManager): Promise<Petition | null> {
    return tx
      .createQueryBuilder(Petition, 'p')
      .setLock('pessimistic_write')
      .where('p.id = :id', { id })
      .getOne();
  }

  async accessResource(
    row: Pick<Petition, 'holdingUnitId' | 'heldUnitIds' | 'agentId' | 'registeredBy' | 'state' | 'snapshot'>,
    tx?: EntityManager,
  ): Promise<PetitionResource> {
    const paths: Array<{ id: string; path: string }> = await this.manager(tx).query(
      'SELECT id, path::text AS path FROM units WHERE id = ANY($1::uuid[])',
      [row.heldUnitIds],
    );
    return {
      kind: 'petition',
      holdingUnitId: row.holdingUnitId,
      holdingUnitPath: paths.find((unit) => unit.id === row.holdingUnitId)?.path ?? '',
      heldUnitPaths: paths.map((unit) => unit.path),
      agentId: row.agentId,
      registeredBy: row.registeredBy,
      reviewedUnitId: reviewedUnitOf(row),
      firstInstanceUnitPath: paths.find((unit) => unit.id === firstInstanceUnitOf(row))?.path ?? '',
    };
  }

  async list(
    visibility: PetitionVisibility,
    query: PetitionListQuery,
  ): Promise<{ items: Petition[]; total: number }> {
    const builder = this.manager().createQueryBuilder(Petition, 'p');
    switch (visibility.kind) {
      case 'none':
        return { items: [], total: 0 };
      case 'subtree':
        builder.where(
          'EXISTS (SELECT 1 FROM units hu WHERE hu.id = ANY(p.held_unit_ids) AND hu.path <@ :scope::ltree)',
          {
            scope: visibility.path,
          },
        );
        break;
      case 'agent':
        builder.where('(p.agent_id = :agentId OR p.registered_by = :agentId)', {
          agentId: visibility.agentId,
        });
        break;
    }
    if (query.open) builder.andWhere("p.state <> 'closed'");
    if (query.state)
      builder.andWhere('(p.state = :state OR p.state LIKE :prefix)', {
        state: query.state,
        prefix: `${query.state}.%`,
      });
    if (query.overdue !== undefined) builder.andWhere('p.overdue = :overdue', { overdue: query.overdue });
    if (query.flag === 'repeat') builder.andWhere('p.flag_repeat');
    if (query.flag === 'group') builder.andWhere('p.flag_group');
    if (query.flag === 'skipLevel') builder.andWhere('p.flag_skip_level');
    if (query.unitId) {
      builder.andWhere(
        'p.holding_unit_id IN (SELECT su.id FROM units su WHERE su.path <@ (SELECT r.path FROM units r WHERE r.id = :unitId))',
        {
          unitId: query.unitId,
        },
      );
    }
    // a whole ID, credit code or phone number: the petitioners' keyed hash, exactly; else text
    const identifier = query.q ? identifierSearchOf(query.q) : undefined;
    if (identifier) {
      const column = identifier.kind === 'id' ? 'id_number_hash' : 'phone_hash';
      builder.andWhere(
        `EXISTS (SELECT 1 FROM parties ip WHERE ip.petition_id = p.id AND ip.${column} = :identifierHash)`,
        { identifierHash: this.cipher.hash(identifier.kind, identifier.value) },
      );
    } else if (query.q) {
      const like = containsPattern(query.q);
      builder.andWhere(
        `((p.number || ' ' || p.subject || ' ' || p.content) ILIKE :like
          OR EXISTS (SELECT 1 FROM parties sp WHERE sp.petition_id = p.id AND sp.name ILIKE :like))`,
        { like },
      );
    }
    const [items, total] = await builder
      .orderBy('p.received_on', 'DESC')
      .addOrderBy('p.number', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items, total };
  }

  save(row: Partial<Petition>, tx: EntityManager): Promise<Petition> {
    return tx.save(Petition, tx.create(Petition, row));
  }

  async update(id: string, changes: Partial<Petition>, tx: EntityManager): Promise<void> {
    await tx.update(Petition, { id }, changes as object);
  }

  async insertPetitioners(
    petitionId: string,
    people: Array<Partial<Party>>,
    tx: EntityManager,
  ): Promise<void> {
    await tx.insert(
      Party,
      people.map((person) => ({ ...person, role: 'petitioner' as const, petitionId })),
    );
  }

  petitionersOf(petitionId: string, tx?: EntityManager): Promise<Party[]> {
    return this.manager(tx).find(Party, { where: { petitionId }, order: { position: 'ASC' } });
  }

  /** Has any of these people (by ID hash, else name hash) petitioned in this district before? */
  async hasEarlierPetitions(districtId: string, keys: string[], tx: EntityManager): Promise<boolean> {
    if (keys.length === 0) return false;
    const rows: Array<{ found: boolean }> = await tx.query(
      `SELECT EXISTS (
         SELECT 1 FROM parties pa JOIN petitions pe ON pe.id = pa.petition_id
         WHERE pe.district_id = $1 AND ${partyKeySql('pa')} = ANY($2::text[])
       ) AS found`,
      [districtId, keys],
    );
    return rows[0]?.found === true;
  }

  /** Petitions of the district closed by a recheck (§36) in which any of these people petitioned. */
  /**
   * The district's final matters (§36) are read by a registration and written by a recheck's
   * decision under this lock, held to the end of the transaction: one waits for the other.
   */
  async lockFinalMatters(districtId: string, tx: EntityManager): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`petition-final-matters:${districtId}`]);
  }

  async finalPetitionsOf(districtId: string, keys: string[], tx?: EntityManager): Promise<FinalPetition[]> {
    if (keys.length === 0) return [];
    return this.manager(tx).query(
      `SELECT pe.id, pe.number, pe.subject, to_char(pe.final_on, 'YYYY-MM-DD') AS "finalOn", u.name_zh AS "unitNameZh"
       FROM petitions pe JOIN units u ON u.id = pe.holding_unit_id
       WHERE pe.district_id = $1 AND pe.final_on IS NOT NULL
         AND EXISTS (SELECT 1 FROM parties pa WHERE pa.petition_id = pe.id AND ${partyKeySql('pa')} = ANY($2::text[]))
       ORDER BY pe.final_on DESC, pe.number`,
      [districtId, keys],
    );
  }

  /** One petition of the district as the final-matter check reads it (a link the user confirms), or null. */
  async petitionOfDistrict(
    districtId: string,
    id: string,
    tx?: EntityManager,
  ): Promise<(FinalPetition & { final: boolean }) | null> {
    const rows = await this.manager(tx).query(
      `SELECT pe.id, pe.number, pe.subject, to_char(pe.final_on, 'YYYY-MM-DD') AS "finalOn",
              u.name_zh AS "unitNameZh", pe.final_on IS NOT NULL AS final
       FROM petitions pe JOIN units u ON u.id = pe.holding_unit_id
       WHERE pe.district_id = $1 AND pe.id = $2`,
      [districtId, id],
    );
    return rows[0] ?? null;
  }

  async linkCase(petitionId: string, caseId: string, tx: EntityManager): Promise<void> {
    this.caseViews?.writing(caseId, tx);
    await tx.query(
      'INSERT INTO petition_case_links (petition_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [petitionId, caseId],
    );
  }

  /** The case of this number (诉访分离 by case number), whoever may see it: the caller decides. */
  async caseIdByNumber(number: string, tx?: EntityManager): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.manager(tx).query(
      'SELECT id FROM cases WHERE number = $1',
      [number],
    );
    return rows[0]?.id ?? null;
  }

  /** Whether some petitioner of the petition is a party of the case (the same person: `partyKey`). */
  async petitionerIsPartyOf(petitionId: string, caseId: string, tx?: EntityManager): Promise<boolean> {
    const rows = await this.manager(tx).query(
      `SELECT 1 FROM parties pp JOIN parties cp ON ${partyKeySql('cp')} = ${partyKeySql('pp')}
       WHERE pp.petition_id = $1 AND cp.case_id = $2 LIMIT 1`,
      [petitionId, caseId],
    );
    return rows.length > 0;
  }

  async linkedCases(
    petitionId: string,
  ): Promise<Array<{ id: string; number: string; state: string; outcome: string | null; title: string }>> {
    return this.manager().query(
      `SELECT c.id, c.number, c.state, c.outcome, c.title FROM petition_case_links l JOIN cases c ON c.id = l.case_id
       WHERE l.petition_id = $1 ORDER BY l.created_at`,
      [petitionId],
    );
  }

  async insertVisit(visit: Partial<PetitionVisit>, tx: EntityManager): Promise<PetitionVisit> {
    return tx.save(PetitionVisit, tx.create(PetitionVisit, visit));
  }

  visitsOf(petitionId: string): Promise<PetitionVisit[]> {
    return this.manager().find(PetitionVisit, { where: { petitionId }, order: { visitedAt: 'DESC' } });
  }
}
