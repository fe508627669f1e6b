/**
 * An appointment (日程 / 计划): a session, hearing or visit of a case, a visit to a
 * petitioner, or a follow-up (回访) after an agreement, planned before it happens. See CONTEXT.md.
 */
export const appointmentKinds = ['session', 'hearing', 'visit', 'follow_up'] as const;
export type AppointmentKind = (typeof appointmentKinds)[number];

export const appointmentStatuses = ['planned', 'held', 'cancelled'] as const;
export type AppointmentStatus = (typeof appointmentStatuses)[number];

export type AppointmentSubjectType = 'case' | 'petition';

export interface Appointment {
  id: string;
  subjectType: AppointmentSubjectType;
  subjectId: string;
  kind: AppointmentKind;
  startsAt: Date;
  place: string | null;
  attendees: string | null;
  /** Who holds it: the case's mediator, the petition's agent (null: the unit's mediators hear the reminders). */
  ownerUserId: string | null;
  /** The unit whose calendar shows it (the case's or petition's holding unit when planned). */
  unitId: string;
  status: AppointmentStatus;
  cancelReason: string | null;
  heldEventSeq: number | null;
  heldVisitId: string | null;
  plannedBy: string | null;
  dayBeforeSentAt: Date | null;
  morningSentAt: Date | null;
  fireAt: Date | null;
  jobId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An appointment as a calendar lists it: with its subject's number and title (no personal data). */
export interface CalendarEntry extends Appointment {
  subjectNumber: string;
  subjectTitle: string;
  ownerName: string | null;
}

/** What a write path gives to plan one. */
export interface PlannedAppointment {
  subjectType: AppointmentSubjectType;
  subjectId: string;
  kind: AppointmentKind;
  startsAt: Date;
  place?: string | null;
  attendees?: string | null;
  ownerUserId: string | null;
  unitId: string;
  plannedBy: string | null;
}
