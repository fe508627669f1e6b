import type { DataSource, EntityManager } from 'typeorm';
import type { LogKind } from '../workflows/event-log';
import type { CheckpointBody, CheckpointLine, HeadEntry } from './audit-checkpoint';

/** A stored checkpoint: its line, why it was made and who asked. */
export interface StoredCheckpoint extends CheckpointLine {
  id: string;
  reason: 'scheduled' | 'requested';
  requestedBy: string | null;
}

/** Every chain's head now, with its root: taken once per checkpoint (`captureHeads`). */
export interface CapturedHeads {
  chains: number;
  events: number;
  root: string;
}

/** Serialises checkpoint signing across every process on the database (a transaction-level advisory lock). */
const signingLock = 1764142201;
/** Serialises writing `checkpoints.jsonl` by the processes that share a data folder. */
const exportLock = 1764142202;

interface Row {
  id: string;
  number: string;
  reason: 'scheduled' | 'requested';
  requested_by: string | null;
  signed_at: Date;
  body: string;
  signature: string;
  public_key: string;
}

function lineOf(row: Row): StoredCheckpoint {
  const checkpoint = JSON.parse(row.body) as CheckpointBody;
  return {
    id: row.id,
    number: Number(row.number),
    signedAt: checkpoint.signedAt,
    checkpoint,
    signature: row.signature,
    publicKey: row.public_key,
    reason: row.reason,
    requestedBy: row.requested_by,
  };
}

/** The heads of every chain as one statement sees them (cases, then petitions). */
const currentHeadsSql = `
  SELECT 'case'::varchar(8) AS kind, c.id AS owner_id, h.seq, h.digest
    FROM cases c
    CROSS JOIN LATERAL (SELECT e.seq, coalesce(e.digest, e.hash) AS digest FROM case_events e
                        WHERE e.case_id = c.id ORDER BY e.seq DESC LIMIT 1) h
  UNION ALL
  SELECT 'petition', p.id, h.seq, h.digest
    FROM petitions p
    CROSS JOIN LATERAL (SELECT e.seq, coalesce(e.digest, e.hash) AS digest FROM petition_events e
                        WHERE e.petition_id = p.id ORDER BY e.seq DESC LIMIT 1) h`;

/** The only code that reads and writes checkpoints and the heads they signed. */
export class AuditCheckpointRepository {
  constructor(private readonly db: DataSource) {}

  /** A transaction in which no other process signs a checkpoint (they queue). */
  whileSigning<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [signingLock]);
      return work(tx);
    });
  }

  /** A transaction in which no other process writes a checkpoint file. */
  whileExporting<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [exportLock]);
      return work(tx);
    });
  }

  async latest(tx?: EntityManager): Promise<StoredCheckpoint | null> {
    const rows: Row[] = await (tx ?? this.db.manager).query(
      'SELECT * FROM audit_checkpoints ORDER BY number DESC LIMIT 1',
    );
    return rows[0] ? lineOf(rows[0]) : null;
  }

  /** Checkpoints numbered after `number`, oldest first, `limit` at a time. */
  async after(number: number, limit: number, tx?: EntityManager): Promise<StoredCheckpoint[]> {
    const rows: Row[] = await (tx ?? this.db.manager).query(
      'SELECT * FROM audit_checkpoints WHERE number > $1 ORDER BY number LIMIT $2',
      [number, limit],
    );
    return rows.map(lineOf);
  }

  /** The latest checkpoints, newest first, without what they signed (a list). */
  async recent(
    limit: number,
  ): Promise<Array<Omit<StoredCheckpoint, 'checkpoint'> & { chains: number; events: number; root: string }>> {
    const rows: Array<Omit<Row, 'body'> & { chains: number; events: string; root: string }> =
      await this.db.query(
        `SELECT id, number, reason, requested_by, signed_at, signature, public_key, chains, events, root
       FROM audit_checkpoints ORDER BY number DESC LIMIT $1`,
        [limit],
      );
    return rows.map((row) => ({
      id: row.id,
      number: Number(row.number),
      signedAt: row.signed_at.toISOString(),
      signature: row.signature,
      publicKey: row.public_key,
      reason: row.reason,
      requestedBy: row.requested_by,
      chains: row.chains,
      events: Number(row.events),
      root: row.root,
    }));
  }

  /**
   * Takes every chain's head in one statement (one snapshot), into a table that lives
   * until the transaction ends, and answers how many chains and events and their root
   * (`headsRoot`, computed here so that the app never holds every head).
   */
  async captureHeads(tx: EntityManager): Promise<CapturedHeads> {
    await tx.query(`CREATE TEMPORARY TABLE checkpoint_heads ON COMMIT DROP AS ${currentHeadsSql}`);
    const [row]: Array<{ chains: number; events: string; root: string }> = await tx.query(
      `SELECT count(*)::int AS chains, coalesce(sum(seq), 0)::bigint AS events,
              encode(sha256(convert_to(coalesce(string_agg(
                kind || ' ' || owner_id::text || ' ' || seq::text || ' ' || digest || E'\\n', ''
                ORDER BY kind COLLATE "C", owner_id), ''), 'UTF8')), 'hex') AS root
       FROM checkpoint_heads`,
    );
    return { chains: row.chains, events: Number(row.events), root: row.root };
  }

  /** Captured heads that are new or moved since the last checkpoint. */
  async changedHeads(tx: EntityManager): Promise<HeadEntry[]> {
    const rows: Array<{ kind: LogKind; owner_id: string; seq: number; digest: string }> = await tx.query(
      `SELECT n.kind, n.owner_id, n.seq, n.digest FROM checkpoint_heads n
       LEFT JOIN audit_checkpoint_heads o ON o.kind = n.kind AND o.owner_id = n.owner_id
       WHERE o.owner_id IS NULL OR o.seq <> n.seq OR o.digest <> n.digest
       ORDER BY n.kind COLLATE "C", n.owner_id`,
    );
    return rows.map((row) => [row.kind, row.owner_id, row.seq, row.digest]);
  }

  /** Chains the last checkpoint signed that are not among the captured heads. */
  async vanishedHeads(tx: EntityManager): Promise<Array<[LogKind, string]>> {
    const rows: Array<{ kind: LogKind; owner_id: string }> = await tx.query(
      `SELECT o.kind, o.owner_id FROM audit_checkpoint_heads o
       WHERE NOT EXISTS (SELECT 1 FROM checkpoint_heads n WHERE n.kind = o.kind AND n.owner_id = o.owner_id)
       ORDER BY o.kind COLLATE "C", o.owner_id`,
    );
    return rows.map((row) => [row.kind, row.owner_id]);
  }

  /** Stores the checkpoint and makes the captured heads the signed ones. */
  async insert(
    tx: EntityManager,
    line: CheckpointLine,
    made: { reason: 'scheduled' | 'requested'; requestedBy: string | null; bodyText: string },
  ): Promise<string> {
    const body = line.checkpoint;
    const [row]: Array<{ id: string }> = await tx.query(
      `INSERT INTO audit_checkpoints (number, signed_at, reason, requested_by, chains, events, root, body, signature, public_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        body.number,
        body.signedAt,
        made.reason,
        made.requestedBy,
        body.chains,
        body.events,
        body.root,
        made.bodyText,
        line.signature,
        line.publicKey,
      ],
    );
    await tx.query(
      `DELETE FROM audit_checkpoint_heads o
       WHERE NOT EXISTS (SELECT 1 FROM checkpoint_heads n WHERE n.kind = o.kind AND n.owner_id = o.owner_id)`,
    );
    await tx.query(
      `INSERT INTO audit_checkpoint_heads (kind, owner_id, seq, digest, checkpoint_number)
       SELECT kind, owner_id, seq, digest, $1 FROM checkpoint_heads
       ON CONFLICT (kind, owner_id) DO UPDATE SET seq = excluded.seq, digest = excluded.digest,
         checkpoint_number = excluded.checkpoint_number
       WHERE audit_checkpoint_heads.seq <> excluded.seq OR audit_checkpoint_heads.digest <> excluded.digest`,
      [body.number],
    );
    return row.id;
  }

  /** The districts (root units): whose supervisors hear of a checkpoint. */
  async districtIds(tx: EntityManager): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      'SELECT id FROM units WHERE parent_id IS NULL AND active ORDER BY code',
    );
    return rows.map((row) => row.id);
  }
}
