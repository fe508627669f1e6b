import type { Statement } from '../shared/db/transactions';
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
  /**
   * `planned`: the rows of `plannedRead(case)` read in the event's transaction once the case was
   * locked (sent with its BEGIN, `Transactions.runBracketed`), when the event is one whose
   * plans `applyIn` reads before it changes any.
   */
  applyIn(
    step: CaseEventStep,
    event: CaseEvent,
    seq: number,
    planned?: Record<string, unknown>[],
  ): Promise<CaseEvent>;
  /** The statement reading the case's planned appointments, for the events `applyIn` can take them for (else null). */
  plannedRead(caseId: string, eventType: string, appointmentId?: string): Statement | null;
}
