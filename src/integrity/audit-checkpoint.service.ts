import fs from 'node:fs';
import path from 'node:path';
import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import { enqueueNotifications } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { AuditKeys } from '../shared/crypto/audit-keys';
import { ForbiddenError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import {
  type CheckpointBody,
  type CheckpointLine,
  checkpointFormat,
  checkpointHash,
  signedText,
} from './audit-checkpoint';
import type { AuditCheckpointRepository, StoredCheckpoint } from './audit-checkpoint.repository';

/** Checkpoints copied from the database to the file per round trip. */
const exportPage = 100;

/** Where a data folder keeps its copy of every checkpoint. */
export function checkpointFileOf(dataDir: string): string {
  return path.join(dataDir, 'audit', 'checkpoints.jsonl');
}

/** One line of the file: number and time first, so that a reader sees them without parsing what was signed. */
export function lineText(line: CheckpointLine): string {
  return JSON.stringify({
    number: line.number,
    signedAt: line.signedAt,
    checkpoint: line.checkpoint,
    signature: line.signature,
    publicKey: line.publicKey,
  });
}

/** The number of the last line of a checkpoint file (0 when there is none), read from its end. */
async function lastNumberIn(file: string): Promise<number> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    // back from the end to the start of the last line (a first checkpoint lists every chain: it may be long)
    let end = size;
    while (end > 0) {
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, end - 1);
      if (byte[0] !== 0x0a) break;
      end -= 1;
    }
    const chunk = Buffer.alloc(64 * 1024);
    let start = end;
    search: while (start > 0) {
      const from = Math.max(0, start - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, start - from, from);
      for (let i = bytesRead - 1; i >= 0; i--) {
        if (chunk[i] === 0x0a) {
          start = from + i + 1;
          break search;
        }
      }
      start = from;
    }
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, Math.min(64, end - start), start);
    const match = head
      .subarray(0, bytesRead)
      .toString('utf8')
      .match(/^\{"number":(\d+),/);
    return match ? Number(match[1]) : 0;
  } finally {
    await handle.close();
  }
}

/**
 * Signed checkpoints (签名检查点): at an interval (the worker's scheduled job) and on
 * request (a supervisor or an administrator, `npm run audit:checkpoint`), the heads of
 * every case and petition chain are signed with the checkpoint key (Ed25519, derived
 * from AUDIT_KEY), stored, appended to `$DATA_DIR/audit/checkpoints.jsonl` and mailed to
 * the districts' supervisors — copies outside the database that an outside auditor checks
 * with the public key alone (`npm run audit:verify -- --checkpoints … --public-key …`).
 */
export class AuditCheckpointService {
  constructor(
    private readonly checkpoints: AuditCheckpointRepository,
    private readonly keys: AuditKeys,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly dataDir: string,
  ) {}

  /** The key an outside auditor holds, and how it is named. */
  publicKey() {
    return {
      algorithm: 'Ed25519' as const,
      publicKey: this.keys.publicKeyText,
      format: 'raw-base64' as const,
    };
  }

  /** A checkpoint now, asked for by a supervisor or an administrator (audited, always mailed). */
  async request(actor: Actor, origin: RequestOrigin): Promise<StoredCheckpoint> {
    if (!policy.can(actor, 'audit.checkpoint')) throw new ForbiddenError();
    return this.sign({ reason: 'requested', requestedBy: actor.id, origin });
  }

  /** The latest checkpoints, newest first. */
  recent(actor: Actor, limit = 20) {
    if (!policy.can(actor, 'audit.checkpoint')) throw new ForbiddenError();
    return this.checkpoints.recent(limit);
  }

  /**
   * Signs a checkpoint of every chain's head, in one transaction that no other signing
   * overlaps; then brings the data folder's file up to date. A scheduled checkpoint is
   * mailed only when some chain moved since the last one.
   */
  async sign(made: {
    reason: 'scheduled' | 'requested';
    requestedBy?: string | null;
    origin?: RequestOrigin;
    logger?: Logger;
  }): Promise<StoredCheckpoint> {
    const stored = await this.checkpoints.whileSigning(async (tx) => {
      const previous = await this.checkpoints.latest(tx);
      const captured = await this.checkpoints.captureHeads(tx);
      const heads = await this.checkpoints.changedHeads(tx);
      const vanished = await this.checkpoints.vanishedHeads(tx);
      if (vanished.length > 0)
        made.logger?.error({ vanished }, 'chains signed by an earlier checkpoint are gone from the database');
      const body: CheckpointBody = {
        format: checkpointFormat,
        number: (previous?.number ?? 0) + 1,
        signedAt: this.clock.now().toISOString(),
        previous: previous ? checkpointHash(previous.checkpoint) : null,
        chains: captured.chains,
        events: captured.events,
        root: captured.root,
        heads,
        vanished,
      };
      const text = signedText(body);
      const line: CheckpointLine = {
        number: body.number,
        signedAt: body.signedAt,
        checkpoint: body,
        signature: this.keys.sign(text),
        publicKey: this.keys.publicKeyText,
      };
      const id = await this.checkpoints.insert(tx, line, {
        reason: made.reason,
        requestedBy: made.requestedBy ?? null,
        bodyText: text,
      });
      if (made.reason === 'requested' || heads.length > 0 || vanished.length > 0) {
        const payload = {
          number: body.number,
          signedAt: body.signedAt,
          chains: body.chains,
          events: body.events,
          changed: heads.length,
          root: body.root,
          previous: body.previous,
          signature: line.signature,
          publicKey: line.publicKey,
        };
        await enqueueNotifications(
          tx,
          (await this.checkpoints.districtIds(tx)).map((unitId) => ({
            kind: 'audit.checkpoint_signed' as const,
            recipientUnitId: unitId,
            unitAudience: 'supervisors' as const,
            subjectType: 'checkpoint' as const,
            subjectId: id,
            payload,
          })),
        );
      }
      if (made.origin)
        await this.audit.record(
          made.origin,
          {
            action: 'audit.checkpoint_signed',
            target: { type: 'checkpoint', id: String(body.number) },
            details: { chains: body.chains, events: body.events, root: body.root },
          },
          tx,
        );
      return { ...line, id, reason: made.reason, requestedBy: made.requestedBy ?? null };
    });
    await this.exportToFile();
    return stored;
  }

  /**
   * Appends to `$DATA_DIR/audit/checkpoints.jsonl` every checkpoint the database has and
   * the file does not (after each signing, and at the worker's start: a process that died
   * between its commit and its write leaves nothing missing for long). Processes sharing
   * the folder take turns.
   */
  async exportToFile(): Promise<number> {
    const file = checkpointFileOf(this.dataDir);
    return this.checkpoints.whileExporting(async (tx) => {
      let last = await lastNumberIn(file);
      let written = 0;
      for (;;) {
        const missing = await this.checkpoints.after(last, exportPage, tx);
        if (missing.length === 0) return written;
        await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        const out = await fs.promises.open(file, 'a', 0o600);
        try {
          for (const line of missing) await out.write(`${lineText(line)}\n`);
          await out.sync();
        } finally {
          await out.close();
        }
        written += missing.length;
        last = missing[missing.length - 1].number;
      }
    });
  }
}
