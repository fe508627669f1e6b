import fc from 'fast-check';
import { caseStatePaths } from '../../src/workflows/case.machine';
import {
  type ChainedEvent,
  canonicalJson,
  digestEvent,
  digestUpTo,
  genesisHash,
  linkAfter,
  verifyChain as verifyWithKey,
} from '../../src/workflows/event-chain';

/**
 * The audit chain (DOMAIN.md "The audit trail") as properties: whatever history is
 * recorded, the intact chain verifies, and whatever is done to the stored rows
 * afterwards — without recomputing every later hash — is found, at or before the
 * first position that was tampered with.
 */

type EventBody = Omit<ChainedEvent, 'ownerId' | 'seq' | 'prevHash' | 'hash' | 'digest'>;

/** The chain key (derived from AUDIT_KEY in the app); whoever rewrites the database does not have it. */
const chainKey = Buffer.alloc(32, 5);
const verifyChain = (events: ChainedEvent[], expected?: { events?: number }) =>
  verifyWithKey(chainKey, events, expected);

const eventTypes = [
  'REGISTERED',
  'SUBMIT',
  'ACCEPT',
  'ASSIGN',
  'LOG_SESSION',
  'ESCALATE',
  'REACH_AGREEMENT',
  'FULFILLED',
  'REOPEN',
] as const;
const states = [null, ...caseStatePaths];

const payloadArb = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 5,
  noNullPrototype: true,
});
const instantArb = fc.date({
  min: new Date('2024-01-01T00:00:00Z'),
  max: new Date('2026-12-31T23:59:59Z'),
  noInvalidDate: true,
});
const bodyArb: fc.Arbitrary<EventBody> = fc.record({
  type: fc.constantFrom(...eventTypes),
  actorId: fc.option(fc.uuid(), { nil: null }),
  unitId: fc.option(fc.uuid(), { nil: null }),
  at: instantArb,
  payload: payloadArb,
  fromState: fc.constantFrom(...states),
  toState: fc.constantFrom(...caseStatePaths),
});

/** Appends `body` after `previous` exactly as the event log does. */
function chained(ownerId: string, previous: ChainedEvent | undefined, body: EventBody): ChainedEvent {
  const head = previous ? { seq: previous.seq, hash: previous.hash, digest: previous.digest ?? '' } : null;
  return { ...body, ownerId, ...linkAfter(chainKey, { ...body, ownerId }, head) };
}

/**
 * The forger's chain: every link from `from` on recomputed with the public function (the
 * unkeyed SHA-256 the app used before issue 17, and still uses for digests) — all anyone
 * without the chain key can do after rewriting an event.
 */
function recomputedWithoutTheKey(events: ChainedEvent[], from: number): ChainedEvent[] {
  const forged = events.slice(0, from);
  let previous = forged.at(-1)?.hash ?? genesisHash;
  let previousDigest = forged.at(-1)?.digest ?? genesisHash;
  for (const event of events.slice(from)) {
    const hash = digestEvent(event, previous);
    const digest = digestEvent(event, previousDigest);
    forged.push({ ...event, prevHash: previous, hash, digest });
    previous = hash;
    previousDigest = digest;
  }
  return forged;
}

function buildChain(ownerId: string, bodies: EventBody[]): ChainedEvent[] {
  const chain: ChainedEvent[] = [];
  for (const body of bodies) chain.push(chained(ownerId, chain.at(-1), body));
  return chain;
}

const chainArb = fc
  .record({ ownerId: fc.uuid(), bodies: fc.array(bodyArb, { minLength: 1, maxLength: 12 }) })
  .map(({ ownerId, bodies }) => buildChain(ownerId, bodies));

/** A tampered copy of the chain and the first position (1-based) that differs from the original. */
interface Tampering {
  what: string;
  events: ChainedEvent[];
  firstTampered: number;
  /** The last event cut off, or a well-chained one appended: nothing before it changed. */
  onlyAtTheTail: boolean;
}

const alterableFields = [
  'payload',
  'type',
  'actorId',
  'unitId',
  'at',
  'fromState',
  'toState',
  'ownerId',
  'seq',
  'prevHash',
  'hash',
  'digest',
] as const;

/** A value for `field` that differs from the one stored (as the hash would see it). */
function otherValueArb(event: ChainedEvent, field: (typeof alterableFields)[number]): fc.Arbitrary<unknown> {
  const differs = (value: unknown) => canonicalJson(value) !== canonicalJson(event[field]);
  switch (field) {
    case 'payload':
      return fc
        .oneof(
          payloadArb,
          fc.jsonValue().map((value) => ({ ...(event.payload as object), amount: value })),
        )
        .filter(differs);
    case 'type':
      return fc.constantFrom(...eventTypes).filter(differs);
    case 'actorId':
    case 'unitId':
    case 'ownerId':
      return fc.option(fc.uuid(), { nil: null }).filter(differs);
    case 'at':
      return fc
        .integer({ min: -86_400_000, max: 86_400_000 })
        .filter((ms) => ms !== 0)
        .map((ms) => new Date(event.at.getTime() + ms));
    case 'fromState':
    case 'toState':
      return fc.constantFrom(...states).filter(differs);
    case 'seq':
      return fc.integer({ min: 1, max: 50 }).filter(differs);
    case 'prevHash':
    case 'hash':
    case 'digest':
      return fc
        .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
        .filter(differs);
  }
}

function tamperingArb(chain: ChainedEvent[]): fc.Arbitrary<Tampering> {
  const n = chain.length;
  const index = fc.nat({ max: n - 1 });
  const ownerId = chain[0].ownerId;

  const alteration = fc
    .record({ at: index, field: fc.constantFrom(...alterableFields) })
    .chain(({ at, field }) =>
      otherValueArb(chain[at], field).map(
        (value): Tampering => ({
          what: `${field} of event ${at + 1} altered`,
          events: chain.map((event, i) => (i === at ? { ...event, [field]: value } : event)),
          firstTampered: at + 1,
          onlyAtTheTail: false,
        }),
      ),
    );

  const removal = index.map(
    (at): Tampering => ({
      what: `event ${at + 1} removed`,
      events: chain.filter((_, i) => i !== at),
      firstTampered: at + 1,
      onlyAtTheTail: at === n - 1,
    }),
  );

  // the strongest insertion that does not rewrite history: a forged event correctly
  // chained to its predecessor, the events after it left as they were stored
  const insertion = fc.record({ at: fc.nat({ max: n }), body: bodyArb }).map(
    ({ at, body }): Tampering => ({
      what: `forged event inserted at ${at + 1}`,
      events: [...chain.slice(0, at), chained(ownerId, chain[at - 1], body), ...chain.slice(at)],
      firstTampered: at + 1,
      onlyAtTheTail: at === n,
    }),
  );

  const duplication = fc.record({ from: index, to: fc.nat({ max: n }) }).map(
    ({ from, to }): Tampering => ({
      what: `event ${from + 1} copied to ${to + 1}`,
      events: [...chain.slice(0, to), chain[from], ...chain.slice(to)],
      // a copy put just before its original only differs from the next position on
      firstTampered: to === from ? from + 2 : to + 1,
      onlyAtTheTail: false,
    }),
  );

  const reordering =
    n < 2
      ? null
      : fc
          .record({ a: index, b: index })
          .filter(({ a, b }) => a !== b)
          .map(({ a, b }): Tampering => {
            const [first, second] = a < b ? [a, b] : [b, a];
            const events = [...chain];
            [events[first], events[second]] = [events[second], events[first]];
            return {
              what: `events ${first + 1} and ${second + 1} swapped`,
              events,
              firstTampered: first + 1,
              onlyAtTheTail: false,
            };
          });

  return reordering
    ? fc.oneof(alteration, removal, insertion, duplication, reordering)
    : fc.oneof(alteration, removal, insertion, duplication);
}

const tamperedChainArb = chainArb.chain((chain) =>
  tamperingArb(chain).map((tampering) => ({ chain, tampering })),
);

const runs = { numRuns: 400 };

/** JSON as jsonb gives it back: object keys shorter first, then in byte order. */
function asJsonbReturnsIt(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asJsonbReturnsIt);
  if (value === null || typeof value !== 'object') return JSON.parse(JSON.stringify(value ?? null));
  const keys = Object.keys(value).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(
    keys.map((key) => [key, asJsonbReturnsIt((value as Record<string, unknown>)[key])]),
  );
}

describe('the audit chain, for any history', () => {
  it('when no event was touched, then the chain verifies with its number of events', () => {
    fc.assert(
      fc.property(chainArb, (chain) => {
        expect(verifyChain(chain)).toEqual({ valid: true, events: chain.length });
        expect(verifyChain(chain, { events: chain.length })).toEqual({ valid: true, events: chain.length });
      }),
      runs,
    );
  });

  it('when the events come back from jsonb with their keys in its order, then the chain still verifies', () => {
    fc.assert(
      fc.property(chainArb, (chain) => {
        const stored = chain.map((event) => ({
          ...event,
          payload: asJsonbReturnsIt(event.payload),
          at: new Date(event.at.toISOString()),
        }));

        expect(verifyChain(stored, { events: chain.length })).toEqual({ valid: true, events: chain.length });
      }),
      runs,
    );
  });

  it('when any event is altered, removed, inserted, duplicated or moved, then verification fails at or before the first tampered position', () => {
    fc.assert(
      fc.property(tamperedChainArb, ({ chain, tampering }) => {
        const result = verifyChain(tampering.events, { events: chain.length });

        expect(result.valid).toBe(false);
        expect(result.events).toBe(tampering.events.length);
        expect(result.firstBrokenSeq).toBeGreaterThanOrEqual(1);
        expect(result.firstBrokenSeq).toBeLessThanOrEqual(tampering.firstTampered);
      }),
      { numRuns: 2000 },
    );
  });

  it('when the owner’s count of events is not given, then only a cut-off or extended tail can go unnoticed', () => {
    fc.assert(
      fc.property(tamperedChainArb, ({ tampering }) => {
        fc.pre(!tampering.onlyAtTheTail);
        const result = verifyChain(tampering.events);

        expect(result.valid).toBe(false);
        expect(result.firstBrokenSeq).toBeLessThanOrEqual(tampering.firstTampered);
      }),
      { numRuns: 1000 },
    );
  });

  it('when the last event is cut off or a well-chained event is appended, then only the owner’s count shows it', () => {
    fc.assert(
      fc.property(chainArb, bodyArb, (chain, body) => {
        const cut = chain.slice(0, -1);
        const extended = [...chain, chained(chain[0].ownerId, chain.at(-1), body)];

        expect(verifyChain(cut).valid).toBe(true);
        expect(verifyChain(extended).valid).toBe(true);
        expect(verifyChain(cut, { events: chain.length })).toEqual({
          valid: false,
          events: chain.length - 1,
          firstBrokenSeq: chain.length,
        });
        expect(verifyChain(extended, { events: chain.length })).toEqual({
          valid: false,
          events: chain.length + 1,
          firstBrokenSeq: chain.length + 1,
        });
      }),
      runs,
    );
  });

  it('when an event is rewritten and every hash recomputed with the public function, then the key finds it', () => {
    fc.assert(
      fc.property(
        chainArb.chain((chain) =>
          fc.record({
            chain: fc.constant(chain),
            at: fc.nat({ max: chain.length - 1 }),
            amount: fc.jsonValue().filter((value) => value !== undefined),
          }),
        ),
        ({ chain, at, amount }) => {
          const rewritten = chain.map((event, i) =>
            i === at ? { ...event, payload: { ...(event.payload as object), amount, forged: true } } : event,
          );
          const forged = recomputedWithoutTheKey(rewritten, at);

          const result = verifyChain(forged, { events: chain.length });
          expect(result.valid).toBe(false);
          expect(result.firstBrokenSeq).toBe(at + 1);
        },
      ),
      runs,
    );
  });

  it('when a chain is relinked with another key, then it does not verify with the app’s', () => {
    fc.assert(
      fc.property(chainArb, (chain) => {
        const otherKey = Buffer.alloc(32, 6);
        let head: { seq: number; hash: string; digest: string } | null = null;
        const relinked = chain.map((event) => {
          const links = linkAfter(otherKey, event, head);
          head = { seq: links.seq, hash: links.hash, digest: links.digest };
          return { ...event, ...links };
        });

        expect(verifyChain(relinked).valid).toBe(false);
        expect(verifyWithKey(otherKey, relinked)).toEqual({ valid: true, events: chain.length });
      }),
      runs,
    );
  });

  it('the public digest of the first n events is what the chain stored at n, and any change among them changes it', () => {
    fc.assert(
      fc.property(tamperedChainArb, ({ chain, tampering }) => {
        for (const event of chain) expect(digestUpTo(chain, event.seq)).toBe(event.digest);
        const upTo = chain.length;
        // the links themselves are not content: altering only them leaves the digest as it was
        fc.pre(tampering.firstTampered <= upTo && !/^(prevHash|hash|digest) /.test(tampering.what));
        expect(digestUpTo(tampering.events, upTo)).not.toBe(chain[upTo - 1].digest);
      }),
      runs,
    );
  });

  it('the canonical JSON is the text every stored hash was computed over, for any value', () => {
    // the specification: the first implementation, kept here as it was (stored chains were sealed with it)
    const specified = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) return `[${value.map(specified).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${specified(item)}`).join(',')}}`;
    };
    const valueArb = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.constant(undefined),
        instantArb,
        fc.array(tie('value'), { maxLength: 4 }),
        // keys: ASCII, any code point (astral ones sort by their UTF-16 units), and integer-like
        fc.dictionary(
          fc.oneof(
            fc.string({ maxLength: 4 }),
            fc.string({ unit: 'binary', maxLength: 3 }),
            fc.nat({ max: 20 }).map(String),
          ),
          tie('value'),
          {
            maxKeys: 5,
            noNullPrototype: true,
          },
        ),
      ),
    })).value;
    fc.assert(
      fc.property(valueArb, (value) => {
        expect(canonicalJson(value)).toBe(specified(value));
      }),
      runs,
    );
  });

  it('an event sealed before this code was written keeps its hash and digest', () => {
    // computed by the implementation every stored chain was sealed with: a change of the text breaks them all
    const event = {
      ownerId: '6f1c1f0e-8a5b-4c1e-9a43-0d8f3f1b2c44',
      type: 'LOG_SESSION',
      actorId: '0b7f5e7c-2d1a-4f7e-8c3b-5a9e1d2c3b4a',
      actorName: '王调解员',
      unitId: null,
      at: new Date('2026-05-01T02:03:04.005Z'),
      payload: {
        summary: '双方同意分期支付工资',
        b: [1, '二', null, { z: 1, a: undefined, '10': true, '2': false }],
        a: { when: new Date('2026-04-30T16:00:00Z'), é: 'x', '': 0 },
      },
      fromState: 'mediation.inSession',
      toState: 'mediation.inSession',
    };

    const links = linkAfter(chainKey, event, { seq: 3, hash: 'a'.repeat(64), digest: 'b'.repeat(64) });

    expect(links).toEqual({
      seq: 4,
      prevHash: 'a'.repeat(64),
      hash: '28c1ffe07e77441320dded47f92acdc457a4d3b61e6bb21651a84dbf75edf023',
      digest: '3ccafbc6562901a9ec44c11af19eaf75dda4ad8d1c709b862f93a419cd5627ac',
    });
  });
});
