import { ConfigError } from '../../config/environment';
import type { Clock } from '../shared/clock';
import type { AuditKeys } from '../shared/crypto/audit-keys';
import { digestEvent, genesisHash, sealEvent } from '../workflows/event-chain';
import type { LogKind } from '../workflows/event-log';
import type { ChainKeying, ChainKeyingRepository, Relinked, StoredEvent } from './chain-keying.repository';

/** How the chains were keyed: the unkeyed SHA-256 chain of before issue 17, re-keyed with HMAC-SHA-256. */
export const keyingMethod = 'sha256-chain-to-hmac-sha256';

/** Owners re-keyed per round trip. */
const pageSize = 500;

/** The start refuses: the configured key is not the one the chains were keyed with. */
export class AuditKeyMismatchError extends ConfigError {
  constructor(configured: string, recorded: string) {
    super(
      'AUDIT_KEY',
      `is not the key the audit chains were keyed with (fingerprint ${configured}, recorded ${recorded}); ` +
        'start with the original key (or the original DATA_KEY, if AUDIT_KEY was never set)',
    );
  }
}

/**
 * One chain's new links. Each stored event is taken as authentic while it links to the
 * one before as stored and its stored hash is what the code of its time computed: the
 * unkeyed SHA-256 of before issue 17, or already the keyed hash. From the first event that
 * is neither, the chain was broken before it was keyed: those events are left exactly as
 * they are (so every check still reports the break where it was), never laundered into
 * a valid keyed chain.
 */
export function rekeyChain(
  chainKey: Buffer,
  events: StoredEvent[],
): { links: Relinked[]; firstBrokenSeq: number | null } {
  const links: Relinked[] = [];
  let storedPrev = genesisHash;
  let prevHash = genesisHash;
  let prevDigest = genesisHash;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const authentic =
      event.seq === index + 1 &&
      event.prevHash === storedPrev &&
      (event.hash === digestEvent(event, storedPrev) ||
        event.hash === sealEvent(chainKey, event, storedPrev));
    if (!authentic) return { links, firstBrokenSeq: index + 1 };
    const hash = sealEvent(chainKey, event, prevHash);
    const digest = digestEvent(event, prevDigest);
    links.push({ id: event.id, prevHash, hash, digest });
    storedPrev = event.hash;
    prevHash = hash;
    prevDigest = digest;
  }
  return { links, firstBrokenSeq: null };
}

/**
 * Re-keys the chains once (issue 17, "a migration re-keys existing chains once"): at the
 * start, after the migrations, because the key is in the app's configuration and never
 * in the database. In one transaction — all chains or none — under a lock that makes
 * other starting processes wait and then find the record. Later starts only compare the
 * key's fingerprint with the record's.
 */
export class ChainKeyingService {
  constructor(
    private readonly keyings: ChainKeyingRepository,
    private readonly keys: AuditKeys,
    private readonly clock: Clock,
  ) {}

  /** The record of the re-keying this call made, or null when it had been done. Throws on another key. */
  async ensureKeyed(): Promise<ChainKeying | null> {
    return this.keyings.transaction(async (tx) => {
      const done = await this.keyings.lockAndRead(tx);
      if (done) {
        if (done.keyFingerprint !== this.keys.fingerprint)
          throw new AuditKeyMismatchError(this.keys.fingerprint, done.keyFingerprint);
        return null;
      }
      await this.keyings.unsealLogs(tx);
      const counts: Record<LogKind, number> = { case: 0, petition: 0 };
      const broken: ChainKeying['broken'] = [];
      let events = 0;
      for (const kind of ['case', 'petition'] as const) {
        let after: string | null = null;
        for (;;) {
          const owners = await this.keyings.ownersAfter(tx, kind, after, pageSize);
          if (owners.length === 0) break;
          const chains = await this.keyings.eventsOf(tx, kind, owners);
          const links: Relinked[] = [];
          for (const [ownerId, chain] of chains) {
            const rekeyed = rekeyChain(this.keys.chainKey, chain);
            links.push(...rekeyed.links);
            if (rekeyed.firstBrokenSeq !== null)
              broken.push({ kind, ownerId, firstBrokenSeq: rekeyed.firstBrokenSeq });
          }
          await this.keyings.relink(tx, kind, links);
          counts[kind] += owners.length;
          events += links.length;
          after = owners[owners.length - 1];
        }
      }
      await this.keyings.sealLogs(tx);
      const keying = {
        method: keyingMethod,
        keyFingerprint: this.keys.fingerprint,
        caseChains: counts.case,
        petitionChains: counts.petition,
        events,
        broken,
      };
      const at = this.clock.now();
      await this.keyings.record(tx, keying, at);
      return { id: 0, keyedAt: at, ...keying };
    });
  }
}
