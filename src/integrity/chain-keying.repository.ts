import type { DataSource, EntityManager } from 'typeorm';
import type { ChainedEvent } from '../workflows/event-chain';
import { type LogKind, logs } from '../workflows/event-log';

/** The record that the chains were re-keyed (table `audit_chain_keyings`). */
export interface ChainKeying {
  id: number;
  keyedAt: Date;
  method: string;
  keyFingerprint: string;
  caseChains: number;
  petitionChains: number;
  events: number;
  broken: Array<{ kind: LogKind; ownerId: string; firstBrokenSeq: number }>;
}

/** A stored event as the re-keying reads it. */
export type StoredEvent = ChainedEvent & { id: string };

/** New links for one stored event. */
export interface Relinked {
  id: string;
  prevHash: string;
  hash: string;
  digest: string;
}

/** The only code that reads and writes the re-keying record and rewrites stored links. */
export class ChainKeyingRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * The re-keying record, read after taking the table's lock: two processes starting at
   * once queue here, and the second finds what the first recorded.
   */
  async lockAndRead(tx: EntityManager): Promise<ChainKeying | null> {
    await tx.query('LOCK TABLE audit_chain_keyings IN EXCLUSIVE MODE');
    return this.latest(tx);
  }

  async latest(tx?: EntityManager): Promise<ChainKeying | null> {
    const rows: ChainKeying[] = await (tx ?? this.db.manager).query(
      `SELECT id, keyed_at AS "keyedAt", method, key_fingerprint AS "keyFingerprint",
              case_chains AS "caseChains", petition_chains AS "petitionChains", events::int AS events, broken
       FROM audit_chain_keyings ORDER BY id DESC LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  /**
   * Lets this transaction rewrite stored links: the append-only triggers are off until
   * `sealLogs` (DDL is transactional: no other session ever sees them off, and the lock
   * it takes holds every append until the commit).
   */
  async unsealLogs(tx: EntityManager): Promise<void> {
    for (const { table } of Object.values(logs))
      await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
  }

  async sealLogs(tx: EntityManager): Promise<void> {
    for (const { table } of Object.values(logs))
      await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
  }

  /** The next `limit` owners of a log after `after`, in id order. */
  async ownersAfter(
    tx: EntityManager,
    kind: LogKind,
    after: string | null,
    limit: number,
  ): Promise<string[]> {
    const { table, ownerColumn } = logs[kind];
    const rows: Array<{ owner: string }> = await tx.query(
      `SELECT DISTINCT ${ownerColumn} AS owner FROM ${table}
       WHERE $1::uuid IS NULL OR ${ownerColumn} > $1::uuid ORDER BY 1 LIMIT $2`,
      [after, limit],
    );
    return rows.map((row) => row.owner);
  }

  /** Every stored event of these owners, by owner, in seq order. */
  async eventsOf(tx: EntityManager, kind: LogKind, owners: string[]): Promise<Map<string, StoredEvent[]>> {
    const { entity, owner, ownerColumn } = logs[kind];
    const byOwner = new Map<string, StoredEvent[]>(owners.map((id) => [id, []]));
    const rows = await tx
      .createQueryBuilder(entity, 'e')
      .where(`e.${ownerColumn} = ANY(:owners::uuid[])`, { owners })
      .orderBy(`e.${ownerColumn}`)
      .addOrderBy('e.seq')
      .getMany();
    for (const row of rows) {
      const ownerId = (row as unknown as Record<string, string>)[owner];
      byOwner.get(ownerId)?.push({ ...row, ownerId });
    }
    return byOwner;
  }

  async relink(tx: EntityManager, kind: LogKind, links: Relinked[]): Promise<void> {
    if (links.length === 0) return;
    const { table } = logs[kind];
    await tx.query(
      `UPDATE ${table} e SET prev_hash = l.prev_hash, hash = l.hash, digest = l.digest
       FROM unnest($1::bigint[], $2::char(64)[], $3::char(64)[], $4::char(64)[]) AS l(id, prev_hash, hash, digest)
       WHERE e.id = l.id`,
      [
        links.map((link) => link.id),
        links.map((link) => link.prevHash),
        links.map((link) => link.hash),
        links.map((link) => link.digest),
      ],
    );
  }

  async record(tx: EntityManager, keying: Omit<ChainKeying, 'id' | 'keyedAt'>, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO audit_chain_keyings (keyed_at, method, key_fingerprint, case_chains, petition_chains, events, broken)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        at,
        keying.method,
        keying.keyFingerprint,
        keying.caseChains,
        keying.petitionChains,
        keying.events,
        JSON.stringify(keying.broken),
      ],
    );
  }
}
