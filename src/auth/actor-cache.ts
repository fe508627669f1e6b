import type { Actor } from '../access/actor';
import type { Clock } from '../shared/clock';
import { ChangeNoticeListener } from '../shared/db/change-notices';
import type { Logger } from '../shared/logger';

/** The channel the triggers of migration NotifyWhenActorsChange speak on. */
export const actorsChangedChannel = 'actors_changed';

interface Entry {
  actor: Actor;
  /** Clock time (ms) after which the entry is not used: its age limit, or its token's expiry. */
  until: number;
}

/**
 * Who is behind a bearer token or a session's user id, kept in memory between requests,
 * so that an authenticated request does not first ask PostgreSQL who is calling (the case
 * page: 2 → 1 queries).
 *
 * Kept true by the database: triggers on `users`, `api_tokens` and `units` say NOTIFY
 * `actors_changed` whenever what is kept here may have changed (a token revoked, a user
 * deactivated, a role, a unit or a password changed — not a sign-in, whose bookkeeping
 * lives in tables of its own), and each app process LISTENs and forgets everything it holds.
 * The writes made through this process also forget at once (`forgetAll`, called by the
 * repositories), so a sign-out or a deactivation takes effect on the next request here
 * without waiting for the notice. While the listening connection is down, nothing is
 * kept: every request reads the database, as without the cache. An entry also lapses
 * after `maxAgeMs`, and when its token expires.
 */
export class ActorCache {
  private readonly entries = new Map<string, Entry>();
  /** Moves on at every forget: a read that began before it is not kept (it may hold what changed). */
  private generation = 0;
  private readonly notices = new ChangeNoticeListener({
    channel: actorsChangedChannel,
    logAs: { name: 'actor cache', meanwhile: 'reading every request from the database' },
    onNotice: () => this.forgetAll(),
    // whatever changed before now was not kept (nothing is kept while not listening)
    onListening: () => this.forgetAll(),
    onLost: () => this.forgetAll(),
  });

  constructor(
    private readonly clock: Clock,
    private readonly options: { maxAgeMs: number; maxEntries: number } = {
      maxAgeMs: 60_000,
      maxEntries: 10_000,
    },
  ) {}

  /** True while the database's change notices reach this process: only then is anything kept. */
  get live(): boolean {
    return this.notices.listening;
  }

  /**
   * The actor under `key`, from memory when it is there and still good, else from `read`
   * (kept for next time when the cache is live and nothing changed meanwhile). `read`
   * answers the actor and, for a token, when it expires. No actor is not kept.
   */
  async lookup(
    key: string,
    read: () => Promise<{ actor: Actor | null; expiresAt?: Date }>,
  ): Promise<Actor | null> {
    const now = this.clock.now().getTime();
    const kept = this.live ? this.entries.get(key) : undefined;
    if (kept && kept.until > now) return kept.actor;
    const generation = this.generation;
    const found = await read();
    if (found.actor && this.live && generation === this.generation) {
      if (this.entries.size >= this.options.maxEntries) this.entries.clear();
      const until = Math.min(
        now + this.options.maxAgeMs,
        found.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
      );
      // one object answers many requests: frozen, so that none can change it for the others
      this.entries.set(key, { actor: Object.freeze(found.actor), until });
    }
    return found.actor;
  }

  /** Forgets every actor held (something about users, tokens or units changed). */
  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /**
   * Starts listening for the database's change notices on the process's one listening connection; if it
   * drops, the cache stops keeping anything and reconnects every few seconds.
   */
  listen(databaseUrl: string, logger: Logger, retryMs = 5000): Promise<void> {
    return this.notices.start(databaseUrl, logger, retryMs);
  }

  /** Stops listening (and keeping anything). */
  async stop(): Promise<void> {
    await this.notices.stop();
    this.forgetAll();
  }
}
