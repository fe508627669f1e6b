import type { DataSource, EntityManager } from 'typeorm';
import type { CaseResource, CaseVisibility } from '../access/policy';
import { genesisHash, hashEvent } from '../workflows/event-chain';
import { CaseEventRecord } from '../workflows/workflow-event.entity';
import { Case } from './case.entity';
import type { CaseListQuery } from './case.schemas';
import { Party } from './party.entity';

export interface NewCaseEvent {
  caseId: string;
  type: string;
  actorId: string | null;
  actorName: string | null;
  unitId: string | null;
  at: Date;
  payload: Record<string, unknown>;
  fromState: string | null;
  toState: string;
}

/** The only code that queries cases, their parties and their events. */
export class CaseRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  findById(id: string, tx?: EntityManager): Promise<Case | null> {
    return this.manager(tx).findOne(Case, { where: { id } });
  }

  findByNumber(number: string, tx?: EntityManager): Promise<Case | null> {
    return this.manager(tx).findOne(Case, { where: { number } });
  }

  /** The case row locked until the transaction ends: concurrent events on one case queue here. */
  lockById(id: string, tx: EntityManager): Promise<Case | null> {
    return tx.createQueryBuilder(Case, 'c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
  }

  /** What the policy needs to decide about a case: unit paths now and before, linked agents. */
  async accessResource(
    row: Pick<Case, 'id' | 'holdingUnitId' | 'heldUnitIds'>,
    tx?: EntityManager,
  ): Promise<CaseResource> {
    const [paths, agents]: [Array<{ id: string; path: string }>, Array<{ agent_id: string }>] =
      await Promise.all([
        this.manager(tx).query('SELECT id, path::text AS path FROM units WHERE id = ANY($1::uuid[])', [
          row.heldUnitIds,
        ]),
        this.manager(tx).query(
          `SELECT DISTINCT p.agent_id FROM petition_case_links l JOIN petitions p ON p.id = l.petition_id
         WHERE l.case_id = $1 AND p.agent_id IS NOT NULL`,
          [row.id],
        ),
      ]);
    return {
      kind: 'case',
      holdingUnitId: row.holdingUnitId,
      holdingUnitPath: paths.find((unit) => unit.id === row.holdingUnitId)?.path ?? '',
      heldUnitIds: row.heldUnitIds,
      heldUnitPaths: paths.map((unit) => unit.path),
      linkedAgentIds: agents.map((agent) => agent.agent_id),
    };
  }

  async list(visibility: CaseVisibility, query: CaseListQuery): Promise<{ items: Case[]; total: number }> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    switch (visibility.kind) {
      case 'none':
        return { items: [], total: 0 };
      case 'unit':
        builder.where(':unitId = ANY(c.held_unit_ids)', { unitId: visibility.unitId });
        break;
      case 'subtree':
        builder.where(
          'EXISTS (SELECT 1 FROM units hu WHERE hu.id = ANY(c.held_unit_ids) AND hu.path <@ :scope::ltree)',
          { scope: visibility.path },
        );
        break;
      case 'agent':
        builder.where(
          `EXISTS (SELECT 1 FROM petition_case_links l JOIN petitions p ON p.id = l.petition_id
                   WHERE l.case_id = c.id AND p.agent_id = :agentId)`,
          { agentId: visibility.agentId },
        );
        break;
    }
    if (query.state)
      builder.andWhere('(c.state = :state OR c.state LIKE :statePrefix)', {
        state: query.state,
        statePrefix: `${query.state}.%`,
      });
    if (query.type) builder.andWhere('c.type = :type', { type: query.type });
    if (query.track) builder.andWhere('c.track = :track', { track: query.track });
    if (query.level) builder.andWhere('c.level = :level', { level: query.level });
    if (query.overdue !== undefined) builder.andWhere('c.overdue = :overdue', { overdue: query.overdue });
    if (query.unitId) {
      builder.andWhere(
        'c.holding_unit_id IN (SELECT su.id FROM units su WHERE su.path <@ (SELECT r.path FROM units r WHERE r.id = :unitId))',
        { unitId: query.unitId },
      );
    }
    if (query.from)
      builder.andWhere(`c.created_at >= (:from::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`, {
        from: query.from,
      });
    if (query.to)
      builder.andWhere(`c.created_at < (:to::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`, {
        to: query.to,
      });
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere(
        `((c.number || ' ' || c.title || ' ' || c.description) ILIKE :like
          OR EXISTS (SELECT 1 FROM parties sp WHERE sp.case_id = c.id AND sp.name ILIKE :like))`,
        { like },
      );
    }
    const [items, total] = await builder
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.number', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items, total };
  }

  saveCase(row: Partial<Case>, tx: EntityManager): Promise<Case> {
    return tx.save(Case, tx.create(Case, row));
  }

  async updateCase(id: string, changes: Partial<Case>, tx: EntityManager): Promise<void> {
    await tx.update(Case, { id }, changes as object);
  }

  async insertParties(parties: Array<Partial<Party>>, tx: EntityManager): Promise<void> {
    if (parties.length > 0) await tx.insert(Party, parties);
  }

  partiesOf(caseId: string, tx?: EntityManager): Promise<Party[]> {
    return this.manager(tx).find(Party, { where: { caseId }, order: { position: 'ASC' } });
  }

  findParty(caseId: string, partyId: string): Promise<Party | null> {
    return this.manager().findOne(Party, { where: { id: partyId, caseId } });
  }

  /** Appends one event to the case's chain; the caller holds the case's row lock. */
  async appendEvent(event: NewCaseEvent, tx: EntityManager): Promise<CaseEventRecord> {
    const last = await tx.findOne(CaseEventRecord, {
      where: { caseId: event.caseId },
      order: { seq: 'DESC' },
    });
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? genesisHash;
    const hash = hashEvent({ ...event, ownerId: event.caseId, seq, prevHash });
    const record = tx.create(CaseEventRecord, { ...event, seq, prevHash, hash });
    await tx.save(CaseEventRecord, record);
    return record;
  }

  eventsOf(caseId: string, tx?: EntityManager): Promise<CaseEventRecord[]> {
    return this.manager(tx).find(CaseEventRecord, { where: { caseId }, order: { seq: 'ASC' } });
  }

  /**
   * Open, accepted cases (in mediation or agreement) other than `exceptCaseId` whose
   * parties include one of the given applicants and one of the given respondents,
   * matched by ID-number hash, else by name hash: the same dispute in another forum.
   */
  async findActiveForumsFor(
    parties: Array<Pick<Party, 'role' | 'idNumberHash' | 'nameHash'>>,
    exceptCaseIds: string[],
    tx?: EntityManager,
  ): Promise<Array<{ id: string; number: string; holding_unit_id: string }>> {
    const keysOf = (role: string) =>
      parties
        .filter((party) => party.role === role)
        .map((party) => party.idNumberHash ?? `name:${party.nameHash}`);
    const applicants = keysOf('applicant');
    const respondents = keysOf('respondent');
    if (applicants.length === 0 || respondents.length === 0) return [];
    return this.manager(tx).query(
      `SELECT c.id, c.number, c.holding_unit_id FROM cases c
       WHERE (c.state LIKE 'mediation.%' OR c.state LIKE 'agreement.%')
         AND c.id <> ALL($3::uuid[])
         AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'applicant'
                     AND COALESCE(p.id_number_hash, 'name:' || p.name_hash) = ANY($1::text[]))
         AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'respondent'
                     AND COALESCE(p.id_number_hash, 'name:' || p.name_hash) = ANY($2::text[]))
       ORDER BY c.created_at
       LIMIT 5`,
      [applicants, respondents, exceptCaseIds],
    );
  }
}
