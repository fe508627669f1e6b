import type { DataSource, EntityManager } from 'typeorm';
import type { CaseResource } from '../access/policy';
import { runPrepared } from '../shared/db/prepared';
import type { Statement } from '../shared/db/transactions';
import { type PendingInsert, WriteBatch } from '../shared/db/write-batch';
import type { Unit } from '../units/unit.entity';
import { type KeptUnit, keptUnitsByIdsSql, type UnitDirectory } from '../units/unit-directory';
import type { User } from '../users/user.entity';
import type { ChainHead, ChainVerification } from '../workflows/event-chain';
import type { EventLog, NewWorkflowEvent } from '../workflows/event-log.repository';
import { CaseEventRecord } from '../workflows/workflow-event.entity';
import { Case } from './case.entity';
import type { ShownParty } from './case.presenter';
import type { CaseEventColumns } from './case-event-columns';
import {
  accessOfSql,
  caseEventUpdateSql,
  caseEventValues,
  caseFromRow,
  forViewRead,
  type HotRead,
  lockForEventRead,
  lockForWorkflowEventRead,
  rowOfJson,
  unitIdsOf,
  viewOfSql,
  withAccessRead,
  withKeptUnits,
} from './case-row';
import { insertingCasesBeforeTheirParties, writeMissingSearchRows } from './case-search.repository';
import { type TimerRow, timersFromJson } from './case-timers';
import type { CaseViewCache } from './case-view-cache';
import { transactionIdAnswer } from './cases-kept-for-events';
import { Party } from './party.entity';

/** One entry of a case's event log, named by its case. */
export type NewCaseEvent = NewWorkflowEvent & { caseId: string };

/** A case as other lists name it. */
export type CaseSummary = Pick<Case, 'id' | 'number' | 'title' | 'type' | 'state'>;

export type { ChainHead };

/** The unit holding a case, as an event needs it (its line upwards, whether it still works). */
export type HoldingUnit = Pick<Unit, 'id' | 'nameZh' | 'nameEn' | 'kind' | 'path' | 'parentId' | 'active'>;

/** A case locked for an event, with what deciding and answering it needs (`lockForEvent`). */
export type LockedForEvent = CaseWithAccess & {
  head: ChainHead | null;
  holdingUnit: HoldingUnit | null;
  view: CaseView;
  timers: TimerRow[];
  /**
   * The read as it came, before the units were put in: what `CasesKeptForEvents` keeps after the
   * event. Absent when the read brought its units itself (this process keeps none).
   */
  read?: Record<string, unknown>;
};

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

/** A case with what the policy needs and what its body shows (`findForView`): frozen, answered to many requests. */
export type CaseForView = Readonly<CaseWithAccess & { view: CaseView }>;

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
  /**
   * What `findForView` made of a case's row kept in memory (`CaseViewCache`) with the units
   * kept (`UnitDirectory`): the same frozen answer for every request until either changes,
   * so that a case page asked again builds nothing again (and its presenter may keep what it
   * made of it: `CasePresenter.presentJson`).
   */
  private readonly madeFromKept = new WeakMap<
    object,
    { units: ReadonlyMap<string, KeptUnit>; value: CaseForView }
  >();

  /**
   * `units`: the units kept in memory, which the hot reads then leave out (`HotRead`);
   * `views`: the cases last shown, kept in memory (the case page's read), which this
   * repository's writes mark as changing.
   */
  constructor(
    private readonly db: DataSource,
    private readonly log: EventLog,
    private readonly units?: UnitDirectory,
    private readonly views?: CaseViewCache,
  ) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  /** A hot read's statement: without its units while this process keeps them. */
  private textOf(read: HotRead): string {
    return this.units?.kept() ? read.unitsKept : read.withUnits;
  }

  /**
   * A hot read's row (from `rowOfJson`) with its units' columns: as read, or from the units
   * kept, or — a unit not kept (created since they were read) or none kept any longer —
   * from `units` in the same transaction.
   */
  private async withUnits(
    manager: EntityManager,
    read: HotRead,
    raw: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if ('access_paths' in raw) return raw;
    const ids = unitIdsOf(raw, read.units);
    let units = this.units?.kept();
    if (!units || ids.some((id) => !units?.has(id))) {
      if (units) this.units?.missed();
      const { rows } = await runPrepared<KeptUnit>(manager, keptUnitsByIdsSql, [ids]);
      units = new Map(rows.map((unit) => [unit.id, unit]));
    }
    withKeptUnits(raw, units, read.units);
    return raw;
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
    const manager = this.manager(tx);
    const { rows } = await runPrepared(manager, this.textOf(withAccessRead), [id]);
    const read = rowOfJson(rows[0]);
    if (!read) return null;
    const raw = await this.withUnits(manager, withAccessRead, read);
    return withAccess(caseFromRow(raw), raw as unknown as AccessRow);
  }

  /**
   * The case locked until the transaction ends (concurrent events on one case queue
   * here), with its access data, the head of its hash chain (as it is once the lock is
   * granted: `EventLog.headAfterLock`), its deadline timers (safe
   * to read under the case's lock: see `caseTimersColumn`) and what its body shows:
   * what an event needs before it can be decided and appended, and what the answer
   * shows when the event leaves units and mediator as they were, in one round trip
   * (a named statement, mapped without TypeORM: `case-row.ts`).
   */
  async lockForEvent(id: string, tx: EntityManager): Promise<LockedForEvent | null> {
    const { rows } = await runPrepared(tx, this.textOf(lockForEventRead), [id]);
    return this.lockedForEvent(tx, id, rows);
  }

  /**
   * `lockForEvent`'s statement for a workflow event, whose transaction sends it with its BEGIN
   * and says the case's change notice after its COMMIT (`Transactions.runBracketed`,
   * `caseViewNoticeAfterCommit`): the read also tells the `cases` trigger to keep quiet.
   */
  lockForEventStatement(id: string): Statement {
    return { text: this.textOf(lockForWorkflowEventRead), values: [id] };
  }

  /** The locked case of `lockForEventStatement`'s rows (null: no such case). */
  async lockedForEvent(
    tx: EntityManager,
    id: string,
    rows: Record<string, unknown>[],
  ): Promise<LockedForEvent | null> {
    const read = rowOfJson(rows[0]);
    if (!read) return null;
    const asRead = 'access_paths' in read ? undefined : { ...read };
    const raw = await this.withUnits(tx, lockForEventRead, read);
    const row = caseFromRow(raw);
    const head = await this.log.headAfterLock(tx, 'case', id, {
      head: raw.chain_head as ChainHead | null,
      events: row.version + 1,
    });
    return {
      ...withAccess(row, raw as unknown as AccessRow),
      head,
      holdingUnit: raw.holding_unit as HoldingUnit | null,
      view: caseView(raw),
      timers: timersFromJson(raw.case_timers as Parameters<typeof timersFromJson>[0]),
      ...(asRead ? { read: asRead } : {}),
    };
  }

  /**
   * A case with its access data and what its body shows (units, mediator, masked
   * parties), in one round trip: the case read of `GET /api/v1/cases/:id`.
   */
  async findForView(id: string): Promise<CaseForView | null> {
    const manager = this.manager();
    const units = this.units?.kept();
    const read = async () =>
      rowOfJson(
        (await runPrepared(manager, units ? forViewRead.unitsKept : forViewRead.withUnits, [id])).rows[0],
      );
    // kept only as read without its units, which come from the units kept at every answer
    const found = this.views && units ? await this.views.lookup(id, read) : await read();
    if (!found) return null;
    const made = units && this.madeFromKept.get(found);
    if (made && made.units === units) return made.value;
    const raw = await this.withUnits(manager, forViewRead, { ...found });
    const row = Object.freeze(caseFromRow(raw));
    const value: CaseForView = Object.freeze({
      ...withAccess(row, raw as unknown as AccessRow),
      view: caseView(raw),
    });
    // its units all among those kept (none read for it alone): the same again while they are
    if (units && unitIdsOf(found, forViewRead.units).every((unitId) => units.has(unitId)))
      this.madeFromKept.set(found, { units, value });
    return value;
  }

  /** What a case's body shows besides its own row (units, mediator, masked parties): one query. */
  async viewOf(row: Pick<Case, 'id'>, tx?: EntityManager): Promise<CaseView> {
    const { rows } = await runPrepared(this.manager(tx), viewOfSql, [row.id]);
    return caseView(rows[0] ?? {});
  }

  /** What the policy needs to decide about a case as it stands: unit paths now and before, linked agents. */
  async accessResource(
    row: Pick<Case, 'id' | 'holdingUnitId' | 'heldUnitIds'> & Partial<Pick<Case, 'state' | 'snapshot'>>,
  ): Promise<CaseResource> {
    const { rows } = await runPrepared<AccessRow>(this.manager(), accessOfSql, [row.id]);
    return caseResource(row, rows[0] ?? { access_paths: null, access_agents: null });
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

  /** A new case and its parties, its search row written once, with their names (`case-search.repository.ts`). */
  async saveCaseWithParties(
    row: Partial<Case>,
    parties: Array<Omit<Partial<Party>, 'caseId'>>,
    tx: EntityManager,
  ): Promise<Case> {
    const saved = await insertingCasesBeforeTheirParties(tx, () => this.saveCase(row, tx));
    if (parties.length > 0)
      await tx.insert(
        Party,
        parties.map((party) => ({ ...party, caseId: saved.id })),
      );
    else await writeMissingSearchRows(tx, [saved.id]);
    return saved;
  }

  async updateCase(id: string, changes: Partial<Case>, tx: EntityManager): Promise<void> {
    this.views?.writing(id, tx);
    await tx.update(Case, { id }, changes as object);
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
   * A workflow event's writes as one statement (`WriteBatch`), for the caller to send with
   * its COMMIT: the event appended after `head` (the chain's last link, read under the
   * case's row lock by `lockForEvent`), the case's columns as the event left them (both
   * fixed statements, planned once per connection), and the rows the event adds besides (a
   * session, a hand-off, notices to send: numbered `nextSeq(head)` of event-chain.ts). It
   * answers the transaction's id, which the case's new row carries as its `xmin`
   * (`CasesKeptForEvents`).
   */
  eventWrites(
    tx: EntityManager,
    event: NewCaseEvent,
    head: ChainHead | null,
    changes: CaseEventColumns,
    alsoInsert: PendingInsert[],
  ): { record: CaseEventRecord; statement: Statement } {
    const { caseId, ...entry } = event;
    this.views?.writing(caseId, tx);
    const { record, sql, values } = this.log.linkedInsert('case', caseId, entry, head);
    const batch = new WriteBatch(tx)
      .sql(sql, values)
      .sql(caseEventUpdateSql, caseEventValues(caseId, changes));
    for (const row of alsoInsert) batch.insert(row);
    return { record, statement: batch.statement(transactionIdAnswer) as Statement };
  }

  /** The case's chain checked with the chain key, against the count of events its row keeps (version + 1). */
  verifyChainOf(tx: EntityManager, caseId: string, events: number): Promise<ChainVerification> {
    return this.log.verifyStored(tx, 'case', caseId, { events });
  }

  eventsOf(caseId: string, tx?: EntityManager): Promise<CaseEventRecord[]> {
    return this.manager(tx).find(CaseEventRecord, { where: { caseId }, order: { seq: 'ASC' } });
  }
}
