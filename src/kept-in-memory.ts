import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import { ActorCache } from './auth/actor-cache';
import { CaseViewCache } from './cases/case-view-cache';
import { OfficialCalendarCache } from './deadlines/official-calendar.cache';
import { OfficialCalendarRepository } from './deadlines/official-calendar.repository';
import type { WorkingCalendar } from './deadlines/working-calendar';
import type { Clock } from './shared/clock';
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
