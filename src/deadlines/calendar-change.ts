import type { Tx } from '../shared/db/transactions';
import type { WorkingCalendar } from './working-calendar';

/** A year of the official calendar entered or changed: the calendar before and after, in the change's transaction. */
export interface CalendarChange {
  year: number;
  before: WorkingCalendar;
  after: WorkingCalendar;
}

/** An open deadline a calendar change moved, and whose holder was told (`deadline.moved`). */
export interface MovedDeadline {
  subjectType: 'case' | 'petition';
  subjectId: string;
  number: string;
  clock: string;
  from: string;
  to: string;
}

/**
 * Whoever keeps the open deadlines (the timers): told of a calendar change inside its
 * transaction, it reads every open clock the year touches again and answers what moved.
 */
export interface DeadlinesOnCalendarChange {
  moveDeadlinesIn(tx: Tx, change: CalendarChange): Promise<MovedDeadline[]>;
}
