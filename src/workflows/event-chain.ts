import { createHash, createHmac } from 'node:crypto';

/**
 * The audit chain (DOMAIN.md "The audit trail"), two links per event:
 *
 * - the **hash** (`prevHash` → `hash`): HMAC-SHA-256 under the chain key (derived from
 *   AUDIT_KEY, which the database never holds) over the previous hash and the canonical
 *   JSON of the event. Whoever rewrites an event cannot recompute the hashes after it
 *   without the key: `/verify`, the supervisors' check and `audit:verify` find it.
 * - the **digest**: plain SHA-256 over the previous digest and the same JSON — what the
 *   hash was before it was keyed. Anyone can recompute it, so it proves nothing by itself;
 *   it is what a signed checkpoint records of each chain's head, so that an outside
 *   auditor holding only the checkpoint's public key can tell whether the events up to the
 *   checkpointed one are still those that were signed.
 *
 * Altering, removing or reordering any event breaks both after it.
 */
export const genesisHash = '0'.repeat(64);

/** What of an event the chain covers, besides its links. */
export interface EventContent {
  ownerId: string;
  seq: number;
  type: string;
  actorId: string | null;
  actorName?: string | null;
  unitId: string | null;
  at: Date;
  payload: unknown;
  fromState: string | null;
  toState: string;
}

export interface ChainedEvent extends EventContent {
  prevHash: string;
  hash: string;
  /** Null only on events a re-keying found already broken (`AuditChainKeying`). */
  digest: string | null;
}

/** The last link of a chain: its number, its keyed hash and its public digest. */
export interface ChainHead {
  seq: number;
  hash: string;
  digest: string;
}

/**
 * JSON with object keys sorted at every depth and no insignificant space: one text per value.
 * An object's own enumerable keys, those whose value is not `undefined`, in code-unit order
 * (the default `sort`), each read once in that order; a `Date` as its ISO string. Every stored hash was computed over this
 * text: it must not change (test/workflows/event-chain.property.test.ts holds it to its spec).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let text = '{';
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
}

function contentJson(event: EventContent): string {
  return canonicalJson({
    ownerId: event.ownerId,
    seq: event.seq,
    type: event.type,
    actorId: event.actorId,
    // the name shown on the timeline is part of the record too
    actorName: event.actorName ?? null,
    unitId: event.unitId,
    at: event.at.toISOString(),
    payload: event.payload,
    fromState: event.fromState,
    toState: event.toState,
  });
}

/** The public digest of an event after `prevDigest`: SHA-256, no key (the chain's hash before issue 17). */
export function digestEvent(event: EventContent, prevDigest: string): string {
  return digestOf(contentJson(event), prevDigest);
}

/** The keyed hash of an event after `prevHash`: HMAC-SHA-256 under the chain key. */
export function sealEvent(chainKey: Buffer, event: EventContent, prevHash: string): string {
  return sealOf(chainKey, contentJson(event), prevHash);
}

// the two links over an event's canonical JSON, computed once for both
const digestOf = (content: string, prevDigest: string) =>
  createHash('sha256').update(prevDigest).update(content).digest('hex');
const sealOf = (chainKey: Buffer, content: string, prevHash: string) =>
  createHmac('sha256', chainKey).update(prevHash).update(content).digest('hex');

/** The number the next event of a chain takes: one after its last link (`head`), or 1. */
export function nextSeq(head: ChainHead | null): number {
  return (head?.seq ?? 0) + 1;
}

/** The links of `event` as the next entry after `head` (null: the first entry). */
export function linkAfter(
  chainKey: Buffer,
  event: Omit<EventContent, 'seq'>,
  head: ChainHead | null,
): { seq: number; prevHash: string; hash: string; digest: string } {
  const seq = nextSeq(head);
  const prevHash = head?.hash ?? genesisHash;
  const content = contentJson({ ...event, seq });
  return {
    seq,
    prevHash,
    hash: sealOf(chainKey, content, prevHash),
    digest: digestOf(content, head?.digest ?? genesisHash),
  };
}

export interface ChainVerification {
  valid: boolean;
  events: number;
  firstBrokenSeq?: number;
}

/**
 * Checks a whole chain with the chain key, in seq order as stored: numbering, links,
 * keyed hashes and digests.
 *
 * A chain alone cannot show that its last events were cut off, nor tell a forged
 * event appended at the end from a real one. `expected.events` — how many events the
 * owner's row says it has (a case: its version + 1) — anchors the chain's length: a
 * missing tail is reported at the first missing seq, an extra one at the first extra.
 */
export function verifyChain(
  chainKey: Buffer,
  events: ChainedEvent[],
  expected: { events?: number } = {},
): ChainVerification {
  let previousHash = genesisHash;
  let previousDigest = genesisHash;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const expectedSeq = index + 1;
    const broken = () => ({
      valid: false,
      events: events.length,
      firstBrokenSeq: Math.min(event.seq, expectedSeq),
    });
    if (event.seq !== expectedSeq || event.prevHash !== previousHash) return broken();
    const content = contentJson(event);
    if (
      sealOf(chainKey, content, previousHash) !== event.hash ||
      digestOf(content, previousDigest) !== event.digest
    )
      return broken();
    previousHash = event.hash;
    previousDigest = event.digest;
  }
  if (expected.events !== undefined && expected.events !== events.length) {
    return {
      valid: false,
      events: events.length,
      firstBrokenSeq: Math.min(events.length, expected.events) + 1,
    };
  }
  return { valid: true, events: events.length };
}

/**
 * The public digest of a chain's first `seq` events, recomputed from their content (the
 * stored digests are not trusted): what an outside auditor compares with a checkpoint.
 * Null when the events stored do not number 1 … seq.
 */
export function digestUpTo(events: EventContent[], seq: number): string | null {
  let digest = genesisHash;
  for (let index = 0; index < seq; index++) {
    const event = events[index];
    if (event?.seq !== index + 1) return null;
    digest = digestEvent(event, digest);
  }
  return digest;
}
