import type { Tx } from '../shared/db/transactions';

/**
 * The schedule (src/schedule, issue 21) as the petition visit path sees it; declared here so that
 * petitions need not import the schedule. In the visit's transaction: the planned visit it was
 * (the one named, else one planned that day) is marked held, and the agent's next visit
 * (`nextVisitOn`) becomes a planned visit with its reminders.
 */
export interface PetitionAppointments {
  afterVisitIn(
    tx: Tx,
    visit: {
      petitionId: string;
      holdingUnitId: string;
      agentId: string;
      visitId: string;
      visitedAt: string;
      appointmentId?: string;
      nextVisitOn?: string;
    },
  ): Promise<void>;
}
