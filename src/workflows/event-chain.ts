import { createHash } from 'node:crypto';

/**
 * The audit chain (DOMAIN.md "The audit trail"): each event stores the hash of the
 * previous one, and its own hash is SHA-256 over the previous hash and the
 * canonical JSON of the event. Altering, removing or reordering any event breaks
 * every hash after it.
 */
export const genesisHash = '0'.repeat(64);

export interface ChainedEvent {
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
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every depth and no insignificant space: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

export function hashEvent(event: Omit<ChainedEvent, 'hash'>): string {
  const body = canonicalJson({
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
  return createHash('sha256').update(event.prevHash).update(body).digest('hex');
}

export interface ChainVerification {
  valid: boolean;
  events: number;
  firstBrokenSeq?: number;
}

/**
 * Checks a whole chain, in seq order as stored: numbering, links and hashes.
 *
 * A chain alone cannot show that its last events were cut off, nor tell a forged
 * event appended at the end from a real one. `expected.events` — how many events the
 * owner's row says it has (a case: its version + 1) — anchors the chain's length: a
 * missing tail is reported at the first missing seq, an extra one at the first extra.
 */
export function verifyChain(events: ChainedEvent[], expected: { events?: number } = {}): ChainVerification {
  let previous = genesisHash;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const expectedSeq = index + 1;
    if (event.seq !== expectedSeq || event.prevHash !== previous || hashEvent(event) !== event.hash) {
      return { valid: false, events: events.length, firstBrokenSeq: Math.min(event.seq, expectedSeq) };
    }
    previous = event.hash;
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
