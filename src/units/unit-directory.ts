import { ChangeNoticeListener } from '../shared/db/change-notices';
import type { Logger } from '../shared/logger';
import type { Unit } from './unit.entity';

/** What the hot reads of a case show and decide by of a unit: its names, kind, line upwards, whether it works. */
export type KeptUnit = Pick<
  Unit,
  'id' | 'code' | 'nameZh' | 'nameEn' | 'kind' | 'path' | 'parentId' | 'active'
>;

/**
 * The channel the units' triggers speak on (migration NotifyWhenActorsChange: a unit is part
 * of who its users are, so they share the ActorCache's channel), and their payload.
 */
export const unitsChangedNotice = { channel: 'actors_changed', payload: 'units' } as const;

/** The select list of `KeptUnit` from `units u` (the path as text, as the hot reads answer it). */
export const keptUnitColumnsSql = `u.id, u.code, u.name_zh AS "nameZh", u.name_en AS "nameEn", u.kind,
  u.path::text AS path, u.parent_id AS "parentId", u.active`;

/** The units named, as `KeptUnit`s (those that exist). */
export const keptUnitsByIdsSql = `SELECT ${keptUnitColumnsSql} FROM units u WHERE u.id = ANY($1::uuid[])`;

/**
 * The district's units kept in memory, so that the hot reads of a case (its page, the route
 * guard's read, an event's locked read) do not ask PostgreSQL for the same few hundred
 * units on every request: measured on issue 22's benchmark, the units' subqueries were
 * 0.08–0.15 ms of PostgreSQL's time per event and ≈ 0.05 ms per case page (of ≈ 0.2).
 *
 * Kept true like the ActorCache, on the same notices: the triggers on `units` say NOTIFY
 * `actors_changed` (payload `units`) at the commit of any UPDATE, DELETE or TRUNCATE, and
 * each app process LISTENs, drops what it keeps at once and reads the table again. A new
 * unit says nothing: a read that meets a unit not kept reads it from the database and has
 * the table read again, the units kept answering meanwhile. While the listening connection
 * is down, or after a notice until the table is read again, nothing is kept (`kept()` is
 * undefined) and the reads ask PostgreSQL for their units as before. What the policy decides by (a unit's path) is therefore
 * exactly as fresh as the actor's own unit is in the ActorCache.
 */
export class UnitDirectory {
  private units: ReadonlyMap<string, KeptUnit> | undefined;
  /** Moves on at every forget: a read of the table that began before it is not kept. */
  private generation = 0;
  private reading = false;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = 5000;
  private lastMissAt = 0;
  private logger: Logger | undefined;
  private readonly notices = new ChangeNoticeListener({
    channel: unitsChangedNotice.channel,
    logAs: { name: 'unit directory', meanwhile: 'reading units from the database' },
    onNotice: (table) => {
      if (table === unitsChangedNotice.payload) this.readAgain();
    },
    // whatever changed before now was not seen
    onListening: () => this.readAgain(),
    onLost: () => this.forget(),
  });

  constructor(
    private readonly readAll: () => Promise<KeptUnit[]>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The units as kept, by id, or undefined while they are not (then read them from the database). */
  kept(): ReadonlyMap<string, KeptUnit> | undefined {
    return this.units;
  }

  /**
   * A read met a unit not kept (a unit created since the table was read: creating one says
   * nothing): the table is read again, at most once a second.
   */
  missed(): void {
    const now = this.now();
    if (now - this.lastMissAt < 1000) return;
    this.lastMissAt = now;
    // what is kept is still true (nothing said it changed): it answers meanwhile
    this.readAgain({ keepMeanwhile: true });
  }

  /**
   * Reads the table again. After a notice (or a change made through this process) what is
   * kept is dropped at once; after a miss it answers until the new read replaces it.
   */
  readAgain(options: { keepMeanwhile?: boolean } = {}): void {
    if (!options.keepMeanwhile) this.forget();
    clearTimeout(this.retry);
    if (!this.notices.listening || this.reading) return;
    const generation = this.generation;
    this.reading = true;
    Promise.resolve()
      .then(() => this.readAll())
      .then((units) => {
        if (generation === this.generation && this.notices.listening)
          this.units = new Map(units.map((unit) => [unit.id, Object.freeze(unit)]));
      })
      .catch((error) => {
        this.logger?.warn({ err: error }, 'unit directory: reading the units failed; trying again shortly');
        this.retry = setTimeout(() => this.readAgain(options), this.retryMs);
        this.retry.unref();
      })
      .finally(() => {
        this.reading = false;
        // a change came while reading: what was read may not hold it
        if (generation !== this.generation && this.notices.listening && !this.units) this.readAgain();
      });
  }

  private forget(): void {
    this.generation++;
    this.units = undefined;
  }

  /** Starts listening for the units' change notices (then reads the table); retried every few seconds if it drops. */
  listen(databaseUrl: string, logger: Logger, retryMs = 5000): Promise<void> {
    this.logger = logger;
    this.retryMs = retryMs;
    return this.notices.start(databaseUrl, logger, retryMs);
  }

  /** Stops listening (and keeping anything). */
  async stop(): Promise<void> {
    await this.notices.stop();
    clearTimeout(this.retry);
    this.forget();
  }
}
