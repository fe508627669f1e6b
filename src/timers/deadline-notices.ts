import { type ClockReading, yearsWithoutNotice } from '../deadlines/clock';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { Notification } from '../notifications/outbox';
import type { LockedSubject, OpenClock } from './open-clocks';

/**
 * What a deadline notice says and to whom: the warning and the overdue notice a timer raises,
 * and the notice that a calendar change moved a due date (`DeadlineTimerService`).
 */

/** To the holder (a case with no mediator yet: the holding unit's mediators): the due date moved, from when to when. */
export function movedNoticeFor(
  subject: LockedSubject,
  open: OpenClock,
  from: string,
  reading: ClockReading,
  calendar: WorkingCalendar,
): Notification {
  return {
    kind: 'deadline.moved',
    recipientUserId: subject.holderId,
    recipientUnitId: subject.holderId ? null : subject.holdingUnitId,
    unitAudience: 'members',
    subjectType: subject.type,
    subjectId: subject.id,
    payload: { ...clockPayload(subject, open, reading, calendar), from },
  };
}

/** The holder and the supervisor(s) over the holding unit; a case with no mediator yet: the unit's mediators too. */
export function noticesFor(
  subject: LockedSubject,
  open: OpenClock,
  reading: ClockReading,
  notice: 'warning' | 'overdue',
  calendar: WorkingCalendar,
): Notification[] {
  const kind = open.notices[notice];
  if (!kind) return [];
  return [
    {
      kind,
      recipientUserId: subject.holderId,
      recipientUnitId: subject.holdingUnitId,
      unitAudience: subject.type === 'case' && !subject.holderId ? 'members' : 'supervisors',
      subjectType: subject.type,
      subjectId: subject.id,
      payload: {
        ...clockPayload(subject, open, reading, calendar),
        warningOn: reading.warningOn,
        ...open.payload,
      },
    },
  ];
}

/**
 * What every deadline notice says of its clock: whose, which, when it is due, whether that day is
 * provisional (a year whose holiday notice is not out counted as weekdays) and where the rule stands.
 */
function clockPayload(
  subject: LockedSubject,
  open: OpenClock,
  reading: ClockReading,
  calendar: WorkingCalendar,
) {
  return {
    number: subject.number,
    title: subject.title,
    clock: open.clock,
    due: reading.due,
    provisional: reading.provisional,
    yearsWithoutNotice: yearsWithoutNotice(calendar, open.deadline.startedOn, reading.due),
    source: open.source,
  };
}
