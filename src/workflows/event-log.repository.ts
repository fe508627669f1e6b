import type { Actor } from '../access/actor';
import type { JsonRows } from '../shared/db/json-rows';
import type { Tx } from '../shared/db/transactions';
import {
  type ChainedEvent,
  type ChainHead,
  type ChainVerification,
  linkAfter,
  verifyChain,
} from './event-chain';
import { CaseEventRecord, PetitionEventRecord } from './workflow-event.entity';

/** What a caller supplies for one entry of a case's or a petition's event log. */
export interface NewWorkflowEvent {
  type: string;
  actorId: string | null;
  actorName: string | null;
  unitId: string | null;
  at: Date;
  payload: Record<string, unknown>;
  fromState: string | null;
  toState: string;
}

/**
 * The entry `actor` makes at `at`: who (their id and the name the timeline shows) and from
 * which unit, with what happened. Every writer of a case's or a petition's event (the write
 * paths, registration, the import) builds its entry here.
 */
export function eventBy(
  actor: Pick<Actor, 'id' | 'displayName' | 'unitId'>,
  at: Date,
  what: Pick<NewWorkflowEvent, 'type' | 'payload' | 'fromState' | 'toState'>,
): NewWorkflowEvent {
  return { ...what, actorId: actor.id, actorName: actor.displayName, unitId: actor.unitId, at };
}

export const logs = {
  case: { entity: CaseEventRecord, owner: 'caseId', table: 'case_events', ownerColumn: 'case_id' },
  petition: {
    entity: PetitionEventRecord,
    owner: 'petitionId',
    table: 'petition_events',
    ownerColumn: 'petition_id',
  },
} as const;

export type LogKind = keyof typeof logs;
export type RecordOf<K extends LogKind> = K extends 'case' ? CaseEventRecord : PetitionEventRecord;

/** A head as stored (the digest is null only after a break a re-keying found). */
function headOf(row: { seq: number; hash: string; digest: string | null } | undefined): ChainHead | null {
  return row ? { seq: Number(row.seq), hash: row.hash, digest: row.digest ?? row.hash } : null;
}

/**
 * THE appender of both event logs (cases, petitions; the import's first links too) and
 * their reader and checker: it holds the chain key (AUDIT_KEY), so nothing else computes
 * a link. Only it reads a chain's head for an append, and only after the caller was
 * granted the owner's row lock.
 */
export class EventLog {
  constructor(private readonly chainKey: Buffer) {}

  /**
   * The chain's last link, for a caller that holds the owner's row lock (cases and
   * petitions: `SELECT … FOR UPDATE` on their row).
   *
   * `known` is a head read by the very statement that took the lock, with the number of
   * events the locked row says the chain has (its version + 1). PostgreSQL evaluates such
   * a sub-select on the snapshot the statement started with, before it waited for the lock:
   * if another transaction appended meanwhile, that head is stale (issue 17: 12 of 16
   * concurrent uploads failed on `case_events_seq_key`). The locked row itself is the
   * latest version, and every append moves it on by one, so the head is current exactly
   * when its seq is that count; otherwise — or without `known` — it is read again here, by
   * a statement of its own, whose snapshot is taken after the lock was granted.
   */
  async headAfterLock(
    tx: Tx,
    kind: LogKind,
    ownerId: string,
    known?: { head: ChainHead | null; events: number },
  ): Promise<ChainHead | null> {
    if (known && (known.head?.seq ?? 0) === known.events) return known.head;
    const { table, ownerColumn } = logs[kind];
    const rows: Array<{ seq: number; hash: string; digest: string | null }> = await tx.query(
      `SELECT seq, hash, digest FROM ${table} WHERE ${ownerColumn} = $1 ORDER BY seq DESC LIMIT 1`,
      [ownerId],
    );
    return headOf(rows[0]);
  }

  /** The entry that links `event` after `head` (from `headAfterLock`), not yet written. */
  link<K extends LogKind>(
    kind: K,
    ownerId: string,
    event: NewWorkflowEvent,
    head: ChainHead | null,
  ): RecordOf<K> {
    const { entity, owner } = logs[kind];
    const links = linkAfter(this.chainKey, { ...event, ownerId }, head);
    return Object.assign(new (entity as typeof CaseEventRecord)(), {
      ...event,
      [owner]: ownerId,
      ...links,
    }) as unknown as RecordOf<K>;
  }

  /**
   * The entry that links `event` after `head`, with the plain SQL that writes it (a part of
   * the write path's one statement, `WriteBatch.sql`): a fixed text, so that it is planned
   * once per connection, with no TypeORM insert built for it each time.
   */
  linkedInsert<K extends LogKind>(
    kind: K,
    ownerId: string,
    event: NewWorkflowEvent,
    head: ChainHead | null,
  ): { record: RecordOf<K>; sql: string; values: unknown[] } {
    const record = this.link(kind, ownerId, event, head);
    const { table, ownerColumn } = logs[kind];
    return {
      record,
      sql: `INSERT INTO ${table} (${ownerColumn}, seq, type, actor_id, actor_name, unit_id, at, payload, from_state, to_state, prev_hash, hash, digest)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13)`,
      values: [
        ownerId,
        record.seq,
        record.type,
        record.actorId,
        record.actorName,
        record.unitId,
        record.at,
        JSON.stringify(record.payload),
        record.fromState,
        record.toState,
        record.prevHash,
        record.hash,
        record.digest,
      ],
    };
  }

  /**
   * Appends one event to the owner's chain. The caller holds the owner's row lock; `head`
   * is what `headAfterLock` answered under it, else the head is read here.
   */
  async append<K extends LogKind>(
    tx: Tx,
    kind: K,
    ownerId: string,
    event: NewWorkflowEvent,
    head?: ChainHead | null,
  ): Promise<RecordOf<K>> {
    const last = head === undefined ? await this.headAfterLock(tx, kind, ownerId) : head;
    const record = this.link(kind, ownerId, event, last);
    await tx.save(logs[kind].entity as typeof CaseEventRecord, record as unknown as CaseEventRecord);
    return record;
  }

  /**
   * Adds the first link of an owner's chain to `json`, the batch being made of them: owners new
   * in this transaction (the historic import, 500 new cases at a time) have no head to read and
   * no other writer to wait for. Apart from `writeFirstLinks`, so that the import links one
   * batch while PostgreSQL writes the one before; written as its row at once, so that no batch
   * of records is held until it is sent.
   */
  addFirstLink(json: JsonRows, ownerId: string, event: NewWorkflowEvent): void {
    const links = linkAfter(this.chainKey, { ...event, ownerId }, null);
    json.add({
      owner_id: ownerId,
      seq: links.seq,
      type: event.type,
      actor_id: event.actorId,
      actor_name: event.actorName,
      unit_id: event.unitId,
      at: event.at.toISOString(),
      payload: event.payload,
      from_state: event.fromState,
      to_state: event.toState,
      prev_hash: links.prevHash,
      hash: links.hash,
      digest: links.digest,
    });
  }

  /** Writes the first links `addFirstLink` added, as one JSON value (`JsonRows.end`), in one statement. */
  async writeFirstLinks(tx: Tx, kind: LogKind, rows: Buffer): Promise<void> {
    const { table, ownerColumn } = logs[kind];
    await tx.query(
      `INSERT INTO ${table} (${ownerColumn}, seq, type, actor_id, actor_name, unit_id, at, payload, from_state, to_state, prev_hash, hash, digest)
       SELECT r.owner_id, r.seq, r.type, r.actor_id, r.actor_name, r.unit_id, r.at, r.payload, r.from_state, r.to_state, r.prev_hash, r.hash, r.digest
       FROM jsonb_to_recordset($1::text::jsonb) AS r(owner_id uuid, seq int, type varchar, actor_id uuid, actor_name varchar, unit_id uuid,
         at timestamptz, payload jsonb, from_state varchar, to_state varchar, prev_hash char(64), hash char(64), digest char(64))`,
      [rows],
    );
  }

  async read<K extends LogKind>(tx: Tx, kind: K, ownerId: string): Promise<RecordOf<K>[]> {
    const { entity, owner } = logs[kind];
    return (await tx.find(entity as typeof CaseEventRecord, {
      where: { [owner]: ownerId } as object,
      order: { seq: 'ASC' },
    })) as unknown as RecordOf<K>[];
  }

  /** Checks an owner's events (in seq order, as stored) with the chain key, against the count its row keeps. */
  verify(
    ownerId: string,
    events: Array<Omit<ChainedEvent, 'ownerId'>>,
    expected: { events?: number } = {},
  ): ChainVerification {
    return verifyChain(
      this.chainKey,
      events.map((event) => ({ ...event, ownerId })),
      expected,
    );
  }

  /** Verifies an owner's whole chain as stored, against the number of events the owner's row says it has. */
  async verifyStored(tx: Tx, kind: LogKind, ownerId: string, expected: { events?: number } = {}) {
    return this.verify(ownerId, await this.read(tx, kind, ownerId), expected);
  }
}
