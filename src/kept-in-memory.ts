import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import { ActorCache } from './auth/actor-cache';
import { CaseViewCache } from './cases/case-view-cache';
import { OfficialCalendarCache } from './deadlines/official-calendar.cache';
import { OfficialCalendarRepository } from './deadlines/official-calendar.repository';
import type { WorkingCalendar } from './deadlines/working-calendar';
import type { Clock } from './shared/clock';
import type { Logger } from './shared/logger';
import { UnitRepository } from './units/unit.repository';
import { UnitDirectory } from './units/unit-directory';
import { UserRepository } from './users/user.repository';

/**
 * What each app process keeps in memory, kept true by the database's change notices (one
 * listening connection per process, `ChangeNoticeListener`), with the repositories whose writes
 * make them forget: the official calendar, who is calling, the units, the cases last shown.
 * The server and the tests start and stop their listening (`server.ts`, `test/support/test-app.ts`).
 */
export function buildKeptInMemory(deps: {
  db: DataSource;
  config: Config;
  clock: Clock;
  /** A calendar of the caller's instead of the table's (tools and tests that count without a database). */
  calendar?: () => WorkingCalendar;
}) {
  const { db, config, clock } = deps;
  // the official calendar (OfficialCalendarCache)
  const calendarRepository = new OfficialCalendarRepository(db);
  const calendarCache = new OfficialCalendarCache(calendarRepository);
  // who is calling, kept between requests (ActorCache)
  const actorCache = new ActorCache(clock);
  const unitRepository = new UnitRepository(db, actorCache);
  return {
    calendarRepository,
    calendarCache,
    calendar: deps.calendar ?? (() => calendarCache.current()),
    actorCache,
    unitRepository,
    userRepository: new UserRepository(db, actorCache),
    // the units, for the hot reads of a case (UnitDirectory)
    unitDirectory: new UnitDirectory(() => unitRepository.keptUnits()),
    // the cases last shown, for the case page (CaseViewCache)
    caseViews: new CaseViewCache(Date.now, { maxEntries: config.caseViewCacheSize }),
  };
}

/** The parts of them that listen for change notices. */
export type KeptInMemory = Pick<
  ReturnType<typeof buildKeptInMemory>,
  'actorCache' | 'unitDirectory' | 'caseViews' | 'calendarCache'
>;

/**
 * Starts every one of them listening for its change notices, then reads the calendar (the server
 * and the tests alike: a cache added here is started wherever the app runs).
 */
export async function listenKeptInMemory(
  kept: KeptInMemory,
  databaseUrl: string,
  logger: Logger,
): Promise<void> {
  await kept.actorCache.listen(databaseUrl, logger);
  await kept.unitDirectory.listen(databaseUrl, logger);
  await kept.caseViews.listen(databaseUrl, logger);
  await kept.calendarCache.start(databaseUrl, logger);
}

/** Stops their listening (the process's listening connection closes with the last). */
export async function stopKeptInMemory(kept: KeptInMemory): Promise<void> {
  await kept.calendarCache.stop();
  await kept.actorCache.stop();
  await kept.unitDirectory.stop();
  await kept.caseViews.stop();
}
