import { ChangeNoticeListener } from '../shared/db/change-notices';
import type { Logger } from '../shared/logger';
import type { OfficialCalendarRepository } from './official-calendar.repository';
import { WorkingCalendar } from './working-calendar';

/** The channel the triggers of migration CreateOfficialCalendarWithChangeNotices speak on. */
export const calendarChangedChannel = 'calendar_changed';

/**
 * The official calendar kept in memory, so that a deadline is counted without asking the
 * database (every case page, list row and event counts days): `current()` is synchronous
 * and is what `calendar()` hands to the services.
 *
 * Kept true like the ActorCache: statement triggers on the calendar's tables say NOTIFY
 * `calendar_changed` at commit, and each app process LISTENs and reads the table again.
 * A change made through this process is put in place at once (`replace`, after its
 * commit), before the notice comes back. While the listening connection is down the
 * calendar kept is the last one read; it is read again when the connection is back.
 */
export class OfficialCalendarCache {
  private calendar: WorkingCalendar | undefined;
  /** Moves on at every `replace`: a read that began before it does not overwrite what it put in place. */
  private generation = 0;
  private reading: Promise<void> = Promise.resolve();
  private logger: Logger | undefined;
  private readonly notices = new ChangeNoticeListener({
    channel: calendarChangedChannel,
    logAs: { name: 'official calendar', meanwhile: 'keeping the calendar last read' },
    onNotice: () => {
      this.load().catch((error) => this.logger?.warn({ err: error }, 'official calendar: reading it failed'));
    },
    // read after listening, so that no change made in between is missed
    onListening: () => this.load(),
    onLost: () => {},
  });

  constructor(private readonly years: Pick<OfficialCalendarRepository, 'allYears'>) {}

  /** The calendar as last read; the app reads it before it serves anything (`start`). */
  current(): WorkingCalendar {
    if (!this.calendar)
      throw new Error('the official calendar is not loaded: call OfficialCalendarCache.start first');
    return this.calendar;
  }

  /** Reads the table again (after the reads already under way). */
  load(): Promise<void> {
    this.reading = this.reading
      .catch(() => undefined)
      .then(async () => {
        const generation = this.generation;
        const calendar = new WorkingCalendar({ years: await this.years.allYears() });
        if (generation === this.generation) this.calendar = calendar;
      });
    return this.reading;
  }

  /** Puts a calendar in place at once: the one a change made through this process has just committed. */
  replace(calendar: WorkingCalendar): void {
    this.generation++;
    this.calendar = calendar;
  }

  /**
   * Listens for the table's change notices on the process's one listening connection, then reads the
   * table (so no change made in between is missed). The first read must succeed; if the
   * listening connection cannot be had or drops, it is tried again every few seconds.
   */
  async start(databaseUrl: string, logger: Logger, retryMs = 5000): Promise<void> {
    this.logger = logger;
    await this.notices.start(databaseUrl, logger, retryMs);
    // not listening yet (tried again later): the calendar is read now all the same
    if (!this.notices.listening) await this.load();
  }

  async stop(): Promise<void> {
    await this.notices.stop();
    await this.reading.catch(() => undefined);
  }
}
