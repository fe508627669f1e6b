import { type DataSource, type EntityManager, In } from 'typeorm';
import { CaseAttachment } from '../cases/attachment.entity';
import { Agreement, MediationSession } from '../cases/mediation-record.entity';
import { Escalation } from '../escalations/escalation.entity';
import { PetitionVisit } from '../petitions/petition.entity';
import type { ChainedEvent } from '../workflows/event-chain';
import { type LogKind, logs } from '../workflows/event-log';
import type { CaseRecords } from './mirrored-records';

/** A stored event with its owner's id. */
export type StoredEvent = ChainedEvent & { payload: Record<string, unknown> };

/** A case or petition as an audit of its chain needs it: the count of events its row keeps and its state. */
export interface ChainOwner {
  kind: LogKind;
  id: string;
  number: string;
  version: number;
  state: string;
}

const ownerTables: Record<LogKind, string> = { case: 'cases', petition: 'petitions' };

function groupBy<T>(rows: T[], ids: string[], keyOf: (row: T) => string): Map<string, T[]> {
  const grouped = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) grouped.get(keyOf(row))?.push(row);
  return grouped;
}

/** The only code that reads chains, their owners and their mirrored records in bulk, for an audit. */
export class ChainAuditRepository {
  constructor(private readonly db: DataSource) {}

  /** A transaction that sees one snapshot throughout: an event appended meanwhile is not a break. */
  snapshot<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', work);
  }

  /**
   * Cases or petitions in number order after `afterNumber`, `limit` at a time; with
   * `scopePath`, those held (now or before) within that subtree.
   */
  async ownersAfter(
    tx: EntityManager,
    kind: LogKind,
    afterNumber: string | null,
    limit: number,
    scopePath?: string,
  ): Promise<ChainOwner[]> {
    const rows: Array<Omit<ChainOwner, 'kind'>> = await tx.query(
      `SELECT o.id, o.number, o.version, o.state FROM ${ownerTables[kind]} o
       WHERE ($1::text IS NULL OR o.number > $1)
         AND ($2::ltree IS NULL OR EXISTS (
               SELECT 1 FROM units hu WHERE hu.id = ANY(o.held_unit_ids) AND hu.path <@ $2::ltree))
       ORDER BY o.number LIMIT $3`,
      [afterNumber, scopePath ?? null, limit],
    );
    return rows.map((row) => ({ ...row, kind }));
  }

  /** A case or petition by its number. */
  async ownerByNumber(tx: EntityManager, number: string): Promise<ChainOwner | null> {
    for (const kind of ['case', 'petition'] as const) {
      const rows: Array<Omit<ChainOwner, 'kind'>> = await tx.query(
        `SELECT id, number, version, state FROM ${ownerTables[kind]} WHERE number = $1`,
        [number],
      );
      if (rows[0]) return { ...rows[0], kind };
    }
    return null;
  }

  /** The numbers of these cases or petitions (those that still exist). */
  async numbersOf(tx: EntityManager, kind: LogKind, ids: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; number: string }> = await tx.query(
      `SELECT id, number FROM ${ownerTables[kind]} WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.number]));
  }

  /** The stored events of several owners, by owner, each in seq order. */
  async eventsOf(tx: EntityManager, kind: LogKind, ownerIds: string[]): Promise<Map<string, StoredEvent[]>> {
    const { entity, owner, ownerColumn } = logs[kind];
    if (ownerIds.length === 0) return new Map();
    const rows = await tx
      .createQueryBuilder(entity, 'e')
      .where(`e.${ownerColumn} = ANY(:ownerIds::uuid[])`, { ownerIds })
      .orderBy(`e.${ownerColumn}`)
      .addOrderBy('e.seq')
      .getMany();
    return groupBy(
      rows.map((row) => ({ ...row, ownerId: (row as unknown as Record<string, string>)[owner] })),
      ownerIds,
      (event) => event.ownerId,
    );
  }

  /** The records mirrored from these cases' events (agreements, sessions, hand-offs, attachments), by case. */
  async caseRecordsOf(tx: EntityManager, caseIds: string[]): Promise<Map<string, CaseRecords>> {
    const where = { where: { caseId: In(caseIds) } };
    // one after another: a transaction has one connection
    const agreements = await tx.find(Agreement, where);
    const sessions = await tx.find(MediationSession, where);
    const handOffs = await tx.find(Escalation, where);
    const attachments = await tx.find(CaseAttachment, where);
    const byCase = <T extends { caseId: string }>(rows: T[]) => groupBy(rows, caseIds, (row) => row.caseId);
    const grouped = {
      agreements: byCase(agreements),
      sessions: byCase(sessions),
      handOffs: byCase(handOffs),
      attachments: byCase(attachments),
    };
    return new Map(
      caseIds.map((id) => [
        id,
        {
          agreements: grouped.agreements.get(id) ?? [],
          sessions: grouped.sessions.get(id) ?? [],
          handOffs: grouped.handOffs.get(id) ?? [],
          attachments: grouped.attachments.get(id) ?? [],
        },
      ]),
    );
  }

  /** The visits logged on these petitions, by petition. */
  async visitsOf(tx: EntityManager, petitionIds: string[]): Promise<Map<string, PetitionVisit[]>> {
    const visits = await tx.find(PetitionVisit, { where: { petitionId: In(petitionIds) } });
    return groupBy(visits, petitionIds, (visit) => visit.petitionId);
  }
}
