import type { CaseEvent } from '../workflows/case.machine';
import type { CaseEventStep } from './case-event-step';

/**
 * The schedule (src/schedule, issue 21) as the case write path sees it; declared here so that
 * cases need not import the schedule (which reads cases). In the event's transaction, before
 * the statechart takes the event, `applyIn` plans, moves, cancels or marks held the
 * appointment the event speaks of (SCHEDULE_SESSION, CANCEL_SESSION, LOG_SESSION,
 * RECORD_FOLLOW_UP), plans the follow-up after an agreement (REACH_AGREEMENT), calls off what a
 * hand-off or closing leaves behind, and answers the event with the parties' next session as
 * the schedule now stands (`nextSession`), for the statechart to keep.
 */
export interface CaseAppointments {
  applyIn(step: CaseEventStep, event: CaseEvent, seq: number): Promise<CaseEvent>;
}
