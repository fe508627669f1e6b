import { Client } from 'pg';
import type { Actor } from '../access/actor';
import type { Clock } from '../shared/clock';
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
  private listener: Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: { maxAgeMs: number; maxEntries: number } = {
      maxAgeMs: 60_000,
      maxEntries: 10_000,
    },
  ) {}

  /** True while the database's change notices reach this process: only then is anything kept. */
  get live(): boolean {
    return this.listener !== undefined;
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
   * Starts listening for the database's change notices on a connection of its own; if it
   * drops, the cache stops keeping anything and reconnects every few seconds.
   */
  async listen(databaseUrl: string, logger: Logger, retryMs = 5000): Promise<void> {
    if (this.stopped) return;
    const retryLater = (error: unknown, what: string) => {
      logger.warn({ err: error }, `actor cache: ${what}; reading every request from the database`);
      if (this.stopped) return;
      this.reconnect = setTimeout(() => {
        this.listen(databaseUrl, logger, retryMs).catch(() => undefined);
      }, retryMs);
    };
    const client = new Client({ connectionString: databaseUrl, application_name: 'grand-mediation actors' });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.forgetAll();
      client.end().catch(() => undefined);
      retryLater(error, 'change notices lost');
    };
    try {
      await client.connect();
      client.on('notification', () => this.forgetAll());
      client.on('error', lost);
      client.on('end', () => lost());
      await client.query(`LISTEN ${actorsChangedChannel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      retryLater(error, 'could not listen for changes');
      return;
    }
    // whatever changed before now was not kept (nothing is kept while not listening)
    this.forgetAll();
    this.listener = client;
  }

  /** Stops listening (and keeping anything). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    const client = this.listener;
    this.listener = undefined;
    this.forgetAll();
    await client?.end().catch(() => undefined);
  }
}
