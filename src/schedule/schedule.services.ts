import type { AuditService } from '../audit/audit.service';
import type { CaseService } from '../cases/case.service';
import type { CaseWorkflowService } from '../cases/case-workflow.service';
import type { Clock } from '../shared/clock';
import type { Transactions } from '../shared/db/transactions';
import type { JobQueue } from '../shared/jobs/job-queue';
import { AppointmentRepository } from './appointment.repository';
import { AppointmentReminders } from './appointment-reminders';
import { CaseAppointmentPlanner } from './case-appointment-planner';
import { PetitionVisitPlanner } from './petition-visit-planner';
import { type ScheduleCasePort, type SchedulePetitionPort, ScheduleService } from './schedule.service';

/**
 * The schedule's write-path halves (issue 21), built with the foundation, before cases and
 * petitions: the case write path and the visit path take them as their `appointments`.
 */
export function buildAppointmentPlanners(deps: {
  db: ConstructorParameters<typeof AppointmentRepository>[0];
  transactions: Transactions;
  jobs: JobQueue;
  clock: Clock;
}) {
  const appointments = new AppointmentRepository(deps.db);
  const reminders = new AppointmentReminders({ ...deps, appointments });
  return {
    appointments,
    reminders,
    cases: new CaseAppointmentPlanner(appointments, reminders),
    petitions: new PetitionVisitPlanner(appointments, reminders, deps.clock),
  };
}

/** The schedule's services: calendars, moving and cancelling, the feed, the reminder job. */
export function buildSchedule(deps: {
  planners: ReturnType<typeof buildAppointmentPlanners>;
  transactions: Transactions;
  audit: AuditService;
  clock: Clock;
  cases: Pick<CaseService, 'getVisible'>;
  caseWorkflow: Pick<CaseWorkflowService, 'apply'>;
  petitions: SchedulePetitionPort;
}) {
  const { planners, cases, caseWorkflow } = deps;
  const casePort: ScheduleCasePort = {
    getVisible: (actor, id, tx) => cases.getVisible(actor, id, tx),
    apply: (actor, id, input) => caseWorkflow.apply(actor, id, input),
  };
  return {
    appointmentReminders: planners.reminders,
    schedule: new ScheduleService({
      ...deps,
      cases: casePort,
      appointments: planners.appointments,
      reminders: planners.reminders,
    }),
  };
}
