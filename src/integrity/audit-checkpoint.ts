import { createHash, type KeyObject } from 'node:crypto';
import { publicKeyText, signatureIsValid } from '../shared/crypto/audit-keys';
import { canonicalJson } from '../workflows/event-chain';
import type { LogKind } from '../workflows/event-log';

/**
 * Signed checkpoints (签名检查点) of the audit trail, as data: what is signed, how the
 * root over every chain's head is computed, the line kept in `checkpoints.jsonl`, and the
 * outside auditor's replay of such a file with nothing but the public key.
 */

export const checkpointFormat = 'grand-mediation/audit-checkpoint/v1';

/** One chain's head as a checkpoint records it: which chain, how many events, the public digest at the last. */
export type HeadEntry = [kind: LogKind, ownerId: string, seq: number, digest: string];

/** What is signed (its canonical JSON). */
export interface CheckpointBody {
  format: typeof checkpointFormat;
  number: number;
  signedAt: string;
  /** SHA-256 of the previous checkpoint's signed text; null for the first. */
  previous: string | null;
  /** How many chains there are, and how many events they hold in all. */
  chains: number;
  events: number;
  /** `headsRoot` over every chain's head now. */
  root: string;
  /** The heads that are new or moved since the previous checkpoint (all of them in the first). */
  heads: HeadEntry[];
  /** Chains the previous checkpoint had that are gone now (a deleted case or petition: never legitimate). */
  vanished: Array<[kind: LogKind, ownerId: string]>;
}

/** One line of `checkpoints.jsonl`: the number and time first (readable at a glance), then what was signed. */
export interface CheckpointLine {
  number: number;
  signedAt: string;
  checkpoint: CheckpointBody;
  /** Ed25519 over `signedText(checkpoint)`, base64. */
  signature: string;
  /** The public key that checks it (32 raw bytes, base64): an auditor compares it with the one they hold. */
  publicKey: string;
}

/** The exact text a checkpoint's signature covers. */
export function signedText(body: CheckpointBody): string {
  return canonicalJson(body);
}

/** What the next checkpoint's `previous` says of this one. */
export function checkpointHash(body: CheckpointBody): string {
  return createHash('sha256').update(signedText(body)).digest('hex');
}

function compareHeads(a: HeadEntry, b: HeadEntry): number {
  const [kindA, idA] = a;
  const [kindB, idB] = b;
  if (kindA !== kindB) return kindA < kindB ? -1 : 1;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

/**
 * The root over every chain's head: SHA-256 over one line `<kind> <owner id> <seq>
 * <digest>\n` per chain, sorted by kind then owner id (byte order). The database computes
 * the same in SQL (`AuditCheckpointRepository.captureHeads`) so that the app never holds
 * every head at once.
 */
export function headsRoot(heads: Iterable<HeadEntry>): string {
  const sorted = [...heads].sort(compareHeads);
  const hash = createHash('sha256');
  for (const [kind, ownerId, seq, digest] of sorted) hash.update(`${kind} ${ownerId} ${seq} ${digest}\n`);
  return hash.digest('hex');
}

/** The chain a head belongs to, as a map key. */
export const chainKeyOf = (kind: LogKind, ownerId: string) => `${kind}:${ownerId}`;

/** A head the auditor holds after replaying a file, with the checkpoint that last moved it. */
export interface HeldHead {
  kind: LogKind;
  ownerId: string;
  seq: number;
  digest: string;
  checkpoint: number;
}

export interface CheckpointReplay {
  heads: Map<string, HeldHead>;
  vanished: Array<{ kind: LogKind; ownerId: string; checkpoint: number }>;
  /** Lines that do not hold: bad JSON, a signature the key does not check, a broken sequence, a root that does not add up. */
  problems: Array<{ line: number; problem: string }>;
  checkpoints: number;
  last: CheckpointLine | null;
}

function isHeadEntry(value: unknown): value is HeadEntry {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    (value[0] === 'case' || value[0] === 'petition') &&
    typeof value[1] === 'string' &&
    Number.isInteger(value[2]) &&
    typeof value[3] === 'string'
  );
}

/**
 * Replays a checkpoint file as an outside auditor: every line's signature checked with
 * `publicKey` (and nothing else: no secret, no database), each line following the one
 * before (its number and `previous`), the heads it lists applied in order, and the root
 * each line signed recomputed from the heads held so far. What it answers — every chain's
 * last checkpointed head — is then compared with the database (`CheckpointAuditService`).
 */
export function replayCheckpoints(lines: string[], publicKey: KeyObject): CheckpointReplay {
  const replay: CheckpointReplay = {
    heads: new Map(),
    vanished: [],
    problems: [],
    checkpoints: 0,
    last: null,
  };
  const expectedKey = publicKeyText(publicKey);
  let previous: CheckpointBody | null = null;
  for (const [index, text] of lines.entries()) {
    const lineNumber = index + 1;
    if (text.trim() === '') continue;
    const problem = (what: string) => {
      replay.problems.push({ line: lineNumber, problem: what });
    };
    let line: CheckpointLine;
    try {
      line = JSON.parse(text) as CheckpointLine;
    } catch {
      problem('not a JSON line');
      continue;
    }
    const body = line?.checkpoint;
    if (
      body?.format !== checkpointFormat ||
      !Array.isArray(body.heads) ||
      !body.heads.every(isHeadEntry) ||
      !Array.isArray(body.vanished)
    ) {
      problem('not a checkpoint of this format');
      continue;
    }
    if (line.publicKey !== expectedKey) problem(`checkpoint ${body.number} names another public key`);
    if (
      typeof line.signature !== 'string' ||
      !signatureIsValid(publicKey, signedText(body), line.signature)
    ) {
      problem(`checkpoint ${body.number}: the signature does not verify with the public key`);
      continue;
    }
    const expectedNumber = previous ? previous.number + 1 : 1;
    const expectedPrevious = previous ? checkpointHash(previous) : null;
    if (body.number !== expectedNumber || body.previous !== expectedPrevious)
      problem(
        `checkpoint ${body.number} does not follow ${previous ? `checkpoint ${previous.number}` : 'the start of the file'} (a checkpoint is missing or was replaced)`,
      );
    for (const [kind, ownerId] of body.vanished) {
      replay.heads.delete(chainKeyOf(kind, ownerId));
      replay.vanished.push({ kind, ownerId, checkpoint: body.number });
    }
    for (const [kind, ownerId, seq, digest] of body.heads)
      replay.heads.set(chainKeyOf(kind, ownerId), { kind, ownerId, seq, digest, checkpoint: body.number });
    const held = [...replay.heads.values()].map(
      (head): HeadEntry => [head.kind, head.ownerId, head.seq, head.digest],
    );
    if (headsRoot(held) !== body.root || held.length !== body.chains)
      problem(`checkpoint ${body.number}: its root is not that of the heads the file holds up to it`);
    replay.checkpoints += 1;
    replay.last = line;
    previous = body;
  }
  return replay;
}
