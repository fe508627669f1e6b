import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions } from '../shared/db/transactions';
import { ForbiddenError, RuleViolationError } from '../shared/errors';
import type { DeadlinesOnCalendarChange, MovedDeadline } from './calendar-change';
import {
  type CalendarSource,
  type CalendarYearDays,
  type CalendarYearEntry,
  problemsWithCalendarYear,
  sortedDates,
  statutoryCalendarYear,
} from './calendar-year';
import type { OfficialCalendarCache } from './official-calendar.cache';
import type { OfficialCalendarRepository } from './official-calendar.repository';
import type { PlainDate } from './plain-date';
import { WorkingCalendar } from './working-calendar';

/** A year as an administrator enters it (the API's body, the page's form once its lists are read). */
export interface CalendarYearInput {
  year: number;
  source: CalendarSource;
  holidays: readonly PlainDate[];
  workdays: readonly PlainDate[];
  note?: string | null;
}

/**
 * The official calendar (官方日历): reading a year, and entering a year's notice. Entering
 * one is a single transaction: the year replaced, every open deadline it touches read
 * again and moved (their holders told), the audit entry — then this process counts with
 * the new calendar at once, and the others when the table's change notice reaches them.
 */
export class OfficialCalendarService {
  constructor(
    private readonly db: Transactions,
    private readonly years: OfficialCalendarRepository,
    private readonly cache: OfficialCalendarCache,
    private readonly timers: DeadlinesOnCalendarChange,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The year as entered, or, with no row, its statutory holidays (source `statutory`, entered by nobody). */
  async year(year: number): Promise<CalendarYearEntry> {
    return (
      (await this.years.findYear(year)) ?? {
        ...statutoryCalendarYear(year),
        note: null,
        enteredBy: null,
        enteredAt: null,
      }
    );
  }

  /** Every year entered, ascending. */
  enteredYears(): Promise<CalendarYearEntry[]> {
    return this.years.allYears();
  }

  /**
   * Replaces the year with what the administrator entered (audited), and moves every open
   * deadline it changes, in the same transaction. Refused as a whole (422, naming the field)
   * when the arrangement cannot be: see `problemsWithCalendarYear`.
   */
  async enter(
    actor: Actor,
    ip: string | null,
    pathYear: number,
    input: CalendarYearInput,
  ): Promise<{ entry: CalendarYearEntry; moved: MovedDeadline[] }> {
    if (!policy.can(actor, 'calendar.manage')) throw new ForbiddenError();
    const days: CalendarYearDays = {
      year: pathYear,
      source: input.source,
      holidays: sortedDates(input.holidays),
      workdays: sortedDates(input.workdays),
    };
    const problems = [
      ...(input.year === pathYear
        ? []
        : [{ field: 'year', message: 'validation.calendar_year_mismatch', params: { year: pathYear } }]),
      // reported against the lists as sent, so that `holidays.3` names the fourth date given
      ...problemsWithCalendarYear({ ...days, holidays: input.holidays, workdays: input.workdays }),
    ];
    if (problems.length > 0) throw new RuleViolationError('validation_failed', problems);

    const note = input.note?.trim() || null;
    const now = this.clock.now();
    const { after, moved } = await this.db.run(async (tx) => {
      await this.years.lockForChange(tx);
      const entered = await this.years.allYears(tx);
      const before = new WorkingCalendar({ years: entered });
      const previous = entered.find((entry) => entry.year === pathYear);
      await this.years.replaceYear(tx, days, { note, byUserId: actor.id, at: now });
      const changed = before.withYear(days);
      const movedDeadlines = await this.timers.moveDeadlinesIn(tx, {
        year: pathYear,
        before,
        after: changed,
      });
      await this.audit.record(
        { actor: { id: actor.id, username: actor.username }, ip },
        {
          action: 'calendar.year_entered',
          target: { type: 'calendar_year', id: String(pathYear) },
          details: {
            source: { from: previous?.source ?? 'statutory', to: days.source },
            note,
            ...dayChanges(previous ?? statutoryCalendarYear(pathYear), days),
            deadlinesMoved: movedDeadlines.length,
          },
        },
        tx,
      );
      return { after: changed, moved: movedDeadlines };
    });
    // this process counts with the new calendar from the next request on; the others on the notice
    this.cache.replace(after);
    return {
      entry: { ...days, note, enteredBy: { id: actor.id, username: actor.username }, enteredAt: now },
      moved,
    };
  }
}

/** The days added to and removed from each list, for the audit log. */
function dayChanges(before: CalendarYearDays, after: CalendarYearDays) {
  const diff = (from: readonly PlainDate[], to: readonly PlainDate[]) => {
    const had = new Set(from);
    const has = new Set(to);
    return { added: to.filter((date) => !had.has(date)), removed: from.filter((date) => !has.has(date)) };
  };
  return { holidays: diff(before.holidays, after.holidays), workdays: diff(before.workdays, after.workdays) };
}
