import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { CaseResource } from '../access/policy';
import { type PendingInsert, WriteBatch } from '../shared/db/write-batch';
import type { Unit } from '../units/unit.entity';
import type { User } from '../users/user.entity';
import type { ChainHead, ChainVerification } from '../workflows/event-chain';
import type { EventLog, NewWorkflowEvent } from '../workflows/event-log.repository';
import { CaseEventRecord } from '../workflows/workflow-event.entity';
import { Case } from './case.entity';
import type { ShownParty } from './case.presenter';
import { caseTimersColumn, type TimerRow, timersFromJson } from './case-timers';
import { Party } from './party.entity';

/** One entry of a case's event log, named by its case. */
export type NewCaseEvent = NewWorkflowEvent & { caseId: string };

/** A case as other lists name it. */
export type CaseSummary = Pick<Case, 'id' | 'number' | 'title' | 'type' | 'state'>;

export type { ChainHead };

/** The unit holding a case, as an event needs it (its line upwards, whether it still works). */
export type HoldingUnit = Pick<Unit, 'id' | 'nameZh' | 'nameEn' | 'kind' | 'path' | 'parentId' | 'active'>;

/** A case with what the policy needs to decide about it. */
export interface CaseWithAccess {
  row: Case;
  resource: CaseResource;
}

interface AccessRow {
  access_paths: Array<{ id: string; path: string }> | null;
  access_agents: string[] | null;
}

/** The court deciding on confirming the case's agreement now (it holds the case meanwhile), if any. */
export function decidingCourtOf(
  row: Partial<Pick<Case, 'state' | 'snapshot' | 'holdingUnitId'>>,
): string | null {
  if (row.state !== 'agreement.judicialConfirmation') return null;
  return row.snapshot?.context.confirmationCourtId ?? row.holdingUnitId ?? null;
}

function caseResource(
  row: Pick<Case, 'holdingUnitId' | 'heldUnitIds'> & Partial<Pick<Case, 'state' | 'snapshot'>>,
  found: AccessRow,
): CaseResource {
  const paths = found.access_paths ?? [];
  return {
    kind: 'case',
    holdingUnitId: row.holdingUnitId,
    decidingCourtId: decidingCourtOf(row),
    holdingUnitPath: paths.find((unit) => unit.id === row.holdingUnitId)?.path ?? '',
    heldUnitIds: row.heldUnitIds,
    heldUnitPaths: paths.map((unit) => unit.path),
    linkedAgentIds: found.access_agents ?? [],
  };
}

/** What a list shows of a case's group (群体性纠纷): the master's member count, or a member's master. */
export interface GroupMark {
  memberCount: number;
  masterCaseId: string | null;
  masterNumber: string | null;
}

/** What a case's body shows besides its own row. */
export interface CaseView {
  units: Array<{ id: string } & Pick<Unit, 'code' | 'nameZh' | 'nameEn' | 'kind'>>;
  mediator: Pick<User, 'id' | 'displayName'> | null;
  parties: ShownParty[];
}

function caseView(raw: {
  view_units?: CaseView['units'] | null;
  view_mediator?: CaseView['mediator'];
  view_parties?: ShownParty[] | null;
}): CaseView {
  return {
    units: raw.view_units ?? [],
    mediator: raw.view_mediator ?? null,
    parties: raw.view_parties ?? [],
  };
}

function withAccess(row: Case, raw: AccessRow): CaseWithAccess {
  return { row, resource: caseResource(row, raw) };
}

/**
 * A case loaded (with what the policy and its page need), locked for an event, and
 * written with its parties and events (appended through the one `EventLog`). The other
 * questions about cases have their own files: the list and its search
 * (`case-list.queries.ts`), the dashboard (`case-dashboard.queries.ts`), the same parties
 * (`party-matching.repository.ts`).
 */
export class CaseRepository {
  constructor(
    private readonly db: DataSource,
    private readonly log: EventLog,
  ) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  findById(id: string, tx?: EntityManager): Promise<Case | null> {
    return this.manager(tx).findOne(Case, { where: { id } });
  }

  /** Number, title, type and state of each case: what a list of other records (hand-offs) names a case by. */
  summariesOf(ids: string[]): Promise<CaseSummary[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.manager().query(
      'SELECT id, number, title, type, state FROM cases WHERE id = ANY($1::uuid[])',
      [ids],
    );
  }

  findByNumber(number: string, tx?: EntityManager): Promise<Case | null> {
    return this.manager(tx).findOne(Case, { where: { number } });
  }

  /**
   * The case and what the policy needs to decide about it, in one round trip: every case
   * read and every event asks this first (the route guard), so it is one query, not two.
   */
  async findWithAccess(id: string, tx?: EntityManager): Promise<CaseWithAccess | null> {
    const { entities, raw } = await this.withAccessColumns(this.manager(tx).createQueryBuilder(Case, 'c'))
      .where('c.id = :id', { id })
      .getRawAndEntities();
    return entities[0] ? withAccess(entities[0], raw[0]) : null;
  }

  /**
   * The case locked until the transaction ends (concurrent events on one case queue
   * here), with its access data, the head of its hash chain (as it is once the lock is
   * granted: `EventLog.headAfterLock`), its deadline timers (safe
   * to read under the case's lock: see `caseTimersColumn`) and what its body shows:
   * what an event needs before it can be decided and appended, and what the answer
   * shows when the event leaves units and mediator as they were, in one round trip.
   */
  async lockForEvent(
    id: string,
    tx: EntityManager,
  ): Promise<
    | (CaseWithAccess & {
        head: ChainHead | null;
        holdingUnit: HoldingUnit | null;
        view: CaseView;
        timers: TimerRow[];
      })
    | null
  > {
    const { entities, raw } = await this.withViewColumns(
      this.withAccessColumns(tx.createQueryBuilder(Case, 'c')),
    )
      .addSelect(
        // read on the statement's snapshot, so possibly stale once the lock is granted: `headAfterLock` decides
        `(SELECT json_build_object('seq', e.seq, 'hash', e.hash, 'digest', coalesce(e.digest, e.hash))
            FROM case_events e WHERE e.case_id = c.id ORDER BY e.seq DESC LIMIT 1)`,
        'chain_head',
      )
      .addSelect(
        `(SELECT json_build_object('id', hu.id, 'nameZh', hu.name_zh, 'nameEn', hu.name_en, 'kind', hu.kind,
                                   'path', hu.path::text, 'parentId', hu.parent_id, 'active', hu.active)
            FROM units hu WHERE hu.id = c.holding_unit_id)`,
        'holding_unit',
      )
      .addSelect(caseTimersColumn, 'case_timers')
      .setLock('pessimistic_write')
      .where('c.id = :id', { id })
      .getRawAndEntities();
    if (!entities[0]) return null;
    const head = await this.log.headAfterLock(tx, 'case', id, {
      head: raw[0].chain_head as ChainHead | null,
      events: entities[0].version + 1,
    });
    const holdingUnit = raw[0].holding_unit as HoldingUnit | null;
    return {
      ...withAccess(entities[0], raw[0]),
      head,
      holdingUnit,
      view: caseView(raw[0]),
      timers: timersFromJson(raw[0].case_timers),
    };
  }

  /**
   * A case with its access data and what its body shows (units, mediator, masked
   * parties), in one round trip: the case read of `GET /api/v1/cases/:id`.
   */
  async findForView(id: string): Promise<(CaseWithAccess & { view: CaseView }) | null> {
    const { entities, raw } = await this.withViewColumns(
      this.withAccessColumns(this.manager().createQueryBuilder(Case, 'c')),
    )
      .where('c.id = :id', { id })
      .getRawAndEntities();
    return entities[0] ? { ...withAccess(entities[0], raw[0]), view: caseView(raw[0]) } : null;
  }

  /** What a case's body shows besides its own row (units, mediator, masked parties): one query. */
  async viewOf(row: Pick<Case, 'id'>, tx?: EntityManager): Promise<CaseView> {
    const { raw } = await this.withViewColumns(this.manager(tx).createQueryBuilder(Case, 'c').select('c.id'))
      .where('c.id = :id', { id: row.id })
      .getRawAndEntities();
    return caseView(raw[0] ?? {});
  }

  private withViewColumns(builder: SelectQueryBuilder<Case>): SelectQueryBuilder<Case> {
    return builder
      .addSelect(
        `(SELECT json_agg(json_build_object('id', u.id, 'code', u.code, 'nameZh', u.name_zh,
                                            'nameEn', u.name_en, 'kind', u.kind))
            FROM units u WHERE u.id IN (c.holding_unit_id, c.registered_unit_id))`,
        'view_units',
      )
      .addSelect(
        `(SELECT json_build_object('id', m.id, 'displayName', m.display_name) FROM users m WHERE m.id = c.mediator_id)`,
        'view_mediator',
      )
      .addSelect(
        `(SELECT json_agg(json_build_object('id', p.id, 'role', p.role, 'kind', p.kind, 'name', p.name,
                                            'idNumberMasked', p.id_number_masked, 'phoneMasked', p.phone_masked,
                                            'address', p.address, 'representative', p.representative)
                          ORDER BY p.position)
            FROM parties p WHERE p.case_id = c.id)`,
        'view_parties',
      );
  }

  /** The unit paths (now and before) and the linked petitions' agents, as selected columns. */
  private withAccessColumns(builder: SelectQueryBuilder<Case>): SelectQueryBuilder<Case> {
    return builder
      .addSelect(
        `(SELECT json_agg(json_build_object('id', u.id, 'path', u.path::text))
            FROM units u WHERE u.id = ANY(c.held_unit_ids))`,
        'access_paths',
      )
      .addSelect(
        `ARRAY(SELECT DISTINCT p.agent_id::text FROM petition_case_links l JOIN petitions p ON p.id = l.petition_id
                WHERE l.case_id = c.id AND p.agent_id IS NOT NULL)`,
        'access_agents',
      );
  }

  /** What the policy needs to decide about a case as it stands: unit paths now and before, linked agents. */
  async accessResource(
    row: Pick<Case, 'id' | 'holdingUnitId' | 'heldUnitIds'> & Partial<Pick<Case, 'state' | 'snapshot'>>,
  ): Promise<CaseResource> {
    const { raw } = await this.withAccessColumns(this.manager().createQueryBuilder(Case, 'c').select('c.id'))
      .where('c.id = :id', { id: row.id })
      .getRawAndEntities();
    return caseResource(row, raw[0] ?? { access_paths: null, access_agents: null });
  }

  /** The group marks (群体性纠纷) of the cases listed; those in no group are absent. */
  async groupMarksOf(caseIds: string[]): Promise<Map<string, GroupMark>> {
    if (caseIds.length === 0) return new Map();
    const rows: Array<GroupMark & { id: string }> = await this.manager().query(
      `SELECT c.id, (SELECT count(*) FROM cases m WHERE m.master_case_id = c.id)::int AS "memberCount",
              c.master_case_id AS "masterCaseId", mc.number AS "masterNumber"
       FROM cases c LEFT JOIN cases mc ON mc.id = c.master_case_id
       WHERE c.id = ANY($1::uuid[])`,
      [caseIds],
    );
    return new Map(
      rows
        .filter((row) => row.memberCount > 0 || row.masterCaseId)
        .map(({ id, ...mark }) => [id, mark] as const),
    );
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

  /**
   * Appends one event to the case's chain; the caller holds the case's row lock. `head`
   * is the chain's last link as `lockForEvent` found it under that lock, else it is read
   * here (`EventLog.append`).
   */
  appendEvent(event: NewCaseEvent, tx: EntityManager, head?: ChainHead | null): Promise<CaseEventRecord> {
    const { caseId, ...entry } = event;
    return this.log.append(tx, 'case', caseId, entry, head);
  }

  /**
   * A workflow event's writes in one statement (`WriteBatch`): the event appended after
   * `head` (the chain's last link, read under the case's row lock by `lockForEvent`), the
   * case's columns as the event left them, and the rows the event adds besides (a session,
   * a hand-off, notices to send: numbered `nextSeq(head)` of event-chain.ts). Answers the appended event.
   */
  async recordEvent(
    tx: EntityManager,
    event: NewCaseEvent,
    head: ChainHead | null,
    changes: Partial<Case>,
    alsoInsert: PendingInsert[],
  ): Promise<CaseEventRecord> {
    const { caseId, ...entry } = event;
    const record = this.log.link('case', caseId, entry, head);
    const batch = new WriteBatch(tx)
      .insert({ into: CaseEventRecord, values: record })
      .update(Case, { id: event.caseId }, changes);
    for (const row of alsoInsert) batch.insert(row);
    await batch.run();
    return record;
  }

  /** The case's chain checked with the chain key, against the count of events its row keeps (version + 1). */
  verifyChainOf(tx: EntityManager, caseId: string, events: number): Promise<ChainVerification> {
    return this.log.verifyStored(tx, 'case', caseId, { events });
  }

  eventsOf(caseId: string, tx?: EntityManager): Promise<CaseEventRecord[]> {
    return this.manager(tx).find(CaseEventRecord, { where: { caseId }, order: { seq: 'ASC' } });
  }
}
