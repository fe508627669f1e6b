import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import type { Actor } from './access/actor';
import { AuditRepository } from './audit/audit.repository';
import { AuditService } from './audit/audit.service';
import { ActorLoader } from './auth/actor-loader';
import { ApiTokenRepository } from './auth/api-token.repository';
import { ApiTokenService } from './auth/api-token.service';
import { SignInRepository } from './auth/sign-in.repository';
import { SignInService } from './auth/sign-in.service';
import { AttachmentRepository } from './cases/attachment.repository';
import { AttachmentService } from './cases/attachment.service';
import { AttachmentStorage } from './cases/attachment.storage';
import { CasePresenter } from './cases/case.presenter';
import { CaseRepository } from './cases/case.repository';
import { CaseService } from './cases/case.service';
import { CaseDashboardQueries } from './cases/case-dashboard.queries';
import { CaseDashboardService } from './cases/case-dashboard.service';
import { CaseExport } from './cases/case-export';
import { CaseExportQueries } from './cases/case-export.queries';
import { CaseFileService } from './cases/case-file.service';
import { buildCaseGroups } from './cases/case-group.services';
import { CaseIntakeService } from './cases/case-intake.service';
import { CaseListQueries } from './cases/case-list.queries';
import { CaseRegistrationService } from './cases/case-registration.service';
import { CaseWorkflowService } from './cases/case-workflow.service';
import { CasesKeptForEvents } from './cases/cases-kept-for-events';
import { MediationRecordRepository } from './cases/mediation-record.repository';
import { OneForum } from './cases/one-forum';
import { buildPartyConsent } from './cases/party-consent.services';
import { PartyMatchingRepository } from './cases/party-matching.repository';
import { PartyRevealService } from './cases/party-reveal.service';
import { buildConflictScreening } from './conflict-screening/conflict-screening.services';
import { OfficialCalendarService } from './deadlines/official-calendar.service';
import type { WorkingCalendar } from './deadlines/working-calendar';
import { EscalationRepository } from './escalations/escalation.repository';
import { EscalationService } from './escalations/escalation.service';
import { CaseImportRepository } from './imports/case-import.repository';
import { CaseImportService } from './imports/case-import.service';
import { buildIntegrity } from './integrity/integrity.services';
import { buildKeptInMemory } from './kept-in-memory';
import { NotificationDigestService } from './notifications/notification-digest.service';
import { NotificationPreferenceRepository } from './notifications/notification-preference.repository';
import { NotificationPreferenceService } from './notifications/notification-preference.service';
import { OutboxRepository } from './notifications/outbox.repository';
import { OutboxAdminService } from './notifications/outbox-admin.service';
import { buildAgentHome } from './petitions/agent-home.service';
import { PetitionDocumentService } from './petitions/documents/petition-document.service';
import { PetitionPresenter } from './petitions/petition.presenter';
import { PetitionRepository } from './petitions/petition.repository';
import { PetitionService } from './petitions/petition.service';
import { PetitionWorkflowService } from './petitions/petition-workflow.service';
import { buildAppointmentPlanners, buildSchedule } from './schedule/schedule.services';
import type { Clock } from './shared/clock';
import { AuditKeys } from './shared/crypto/audit-keys';
import { PersonalDataCipher } from './shared/crypto/personal-data';
import { primaryReads, type Reads, readsOf } from './shared/db/read-replica';
import { Transactions, type Tx } from './shared/db/transactions';
import { JobQueue } from './shared/jobs/job-queue';
import { buildStats } from './stats/stats.services';
import { SupervisionRepository } from './supervision/supervision.repository';
import { SupervisionService } from './supervision/supervision.service';
import { DeadlineTimerRepository } from './timers/deadline-timer.repository';
import { DeadlineTimerService } from './timers/deadline-timer.service';
import { LookupCodeRepository } from './tracking/lookup-code.repository';
import { LookupCodeIssuer } from './tracking/lookup-code.service';
import { buildTracking } from './tracking/tracking.services';
import { UnitService } from './units/unit.service';
import { UserService } from './users/user.service';
import { EventLog } from './workflows/event-log.repository';

type Foundation = ReturnType<typeof buildFoundation>;

/**
 * What every part is built on: the transactions, the caches kept true by the database's change
 * notices, the repositories most services read, the audit log and trail, the job queue and timers.
 */
function buildFoundation(deps: {
  db: DataSource;
  config: Config;
  clock: Clock;
  calendar?: () => WorkingCalendar;
  reads?: Reads;
}) {
  const { db, clock, config } = deps;
  const transactions = new Transactions(db);
  // what each process keeps in memory, kept true by the database's change notices
  const kept = buildKeptInMemory(deps);
  const { calendar, caseViews } = kept;
  // the audit trail's keys (AUDIT_KEY): the one event log links every chain with them
  const auditKeys = new AuditKeys(config.auditKey);
  // pg-boss on the app's database: the write path queues timer jobs in its own transactions
  const jobs = new JobQueue(JobQueue.connectionStringOf(db));
  const timers = new DeadlineTimerService({
    transactions,
    timers: new DeadlineTimerRepository(db, caseViews),
    jobs,
    clock,
    calendar,
  });
  const audit = new AuditService(new AuditRepository(db), clock);
  const codes = new LookupCodeRepository(db); // the parties' lookup codes (issue 20), kept as keyed hashes
  const lookupCodeIssuer = new LookupCodeIssuer({ codes, dataKey: config.dataKey, audit, clock });
  return {
    db,
    // where the statistics and the exports read: a standby (DATABASE_READ_URL) or the primary
    reads: deps.reads ?? primaryReads(db, clock),
    config,
    clock,
    transactions,
    ...kept,
    auditKeys,
    eventLog: new EventLog(auditKeys.chainKey),
    cipher: new PersonalDataCipher(config.dataKey),
    audit,
    lookupCodeIssuer,
    jobs,
    timers,
    outbox: new OutboxRepository(db),
    planners: buildAppointmentPlanners({ db, transactions, jobs, clock }),
  };
}

/** Who is calling and their accounts: sign-in, tokens, users, units. */
function buildIdentity(f: Foundation) {
  const { db, transactions, audit, clock, actorCache, userRepository, unitRepository } = f;
  const tokenRepository = new ApiTokenRepository(db);
  const tokens = new ApiTokenService({
    transactions,
    tokens: tokenRepository,
    audit,
    clock,
    actors: actorCache,
  });
  return {
    tokens,
    actorCache,
    actors: new ActorLoader(userRepository, tokenRepository, clock, actorCache),
    signIn: new SignInService({
      transactions,
      users: userRepository,
      bookkeeping: new SignInRepository(db),
      audit,
      clock,
    }),
    units: new UnitService(transactions, unitRepository, audit),
    users: new UserService({
      transactions,
      users: userRepository,
      units: unitRepository,
      tokens,
      audit,
      clock,
    }),
  };
}

/** Disputes: reading, registering, the write path, the pages' services, attachments, hand-offs. */
function buildCases(f: Foundation) {
  const { db, transactions, clock, calendar, cipher, timers } = f;
  const units = f.unitRepository;
  const users = f.userRepository;
  const caseRepository = new CaseRepository(db, f.eventLog, f.unitDirectory, f.caseViews);
  const partyMatching = new PartyMatchingRepository(db);
  const oneForum = new OneForum({ partyMatching, units, cases: caseRepository });
  const mediationRecords = new MediationRecordRepository(db);
  const escalations = new EscalationRepository(db);
  const cases = new CaseService({
    transactions,
    cases: caseRepository,
    lists: new CaseListQueries(db, cipher),
    clock,
    calendar,
  });
  const caseRegistration = new CaseRegistrationService({
    transactions,
    cases: caseRepository,
    visible: cases,
    units,
    oneForum,
    cipher,
    clock,
    calendar,
    timers,
  });
  const casePresenter = new CasePresenter({ cases, caseRepository, units, users, clock, calendar });
  const casesKeptForEvents = new CasesKeptForEvents({ maxEntries: f.config.caseEventKeepSize });
  const caseWorkflow = new CaseWorkflowService({
    transactions,
    cases: caseRepository,
    oneForum,
    units,
    users,
    mediationRecords,
    escalations,
    clock,
    calendar,
    timers,
    audit: f.audit,
    lookupCodes: f.lookupCodeIssuer,
    appointments: f.planners.cases,
    kept: casesKeptForEvents,
    cipher,
  });
  return {
    cases,
    caseRegistration,
    casePresenter,
    caseWorkflow,
    casesKeptForEvents,
    oneForum,
    ...buildCaseDesk(
      f,
      { cases, caseRepository, casePresenter, caseRegistration, caseWorkflow, partyMatching, oneForum },
      {
        mediationRecords,
        escalations,
      },
    ),
  };
}

/** What the mediators' and supervisors' pages use around a case: its file, intake, reveal, export, dashboard, attachments, hand-off review. */
function buildCaseDesk(
  f: Foundation,
  core: {
    cases: CaseService;
    caseRepository: CaseRepository;
    casePresenter: CasePresenter;
    caseRegistration: CaseRegistrationService;
    caseWorkflow: CaseWorkflowService;
    partyMatching: PartyMatchingRepository;
    oneForum: OneForum;
  },
  records: { mediationRecords: MediationRecordRepository; escalations: EscalationRepository },
) {
  const { db, transactions, clock, calendar, cipher, audit } = f;
  const { cases, caseRepository } = core;
  const units = f.unitRepository;
  const users = f.userRepository;
  const attachmentRepository = new AttachmentRepository(db);
  return {
    caseFiles: new CaseFileService({
      cases,
      caseRepository,
      units,
      users,
      attachments: attachmentRepository,
      cipher,
      audit,
      clock,
      calendar,
      mediationRecords: records.mediationRecords,
      handOffs: records.escalations,
    }),
    caseIntake: new CaseIntakeService({
      cases: caseRepository,
      partyMatching: core.partyMatching,
      oneForum: core.oneForum,
      units,
      registration: core.caseRegistration,
      cipher,
      clock,
    }),
    partyReveal: new PartyRevealService(cases, caseRepository, cipher, audit),
    caseExport: new CaseExport(
      cases,
      core.casePresenter,
      readsOf(f.reads, (on) => ({
        lists: new CaseListQueries(on, cipher),
        queries: new CaseExportQueries(on),
      })),
      clock,
    ),
    caseDashboard: new CaseDashboardService({
      cases: new CaseDashboardQueries(db),
      handOffs: records.escalations,
      units,
      users,
      clock,
      calendar,
    }),
    attachments: new AttachmentService(
      cases,
      core.caseWorkflow,
      attachmentRepository,
      new AttachmentStorage(f.config.dataDir),
      clock,
    ),
    escalations: new EscalationService({
      transactions,
      escalations: records.escalations,
      units,
      cases: caseRepository,
      followUps: cases,
      audit,
      clock,
    }),
  };
}

/** Petitions (信访): reading and registering, presenting, the write path. */
function buildPetitions(f: Foundation, disputes: ReturnType<typeof buildCases>) {
  const { db, transactions, clock, calendar } = f;
  const units = f.unitRepository;
  const petitionRepository = new PetitionRepository(db, f.eventLog, f.cipher, f.caseViews);
  const petitions = new PetitionService({
    transactions,
    petitions: petitionRepository,
    units,
    parties: disputes.caseRegistration,
    users: f.userRepository,
    audit: f.audit,
    clock,
    calendar,
    appointments: f.planners.petitions,
  });
  return {
    petitions,
    petitionPresenter: new PetitionPresenter({
      petitions: petitionRepository,
      reads: petitions,
      units,
      clock,
      calendar,
    }),
    petitionWorkflow: new PetitionWorkflowService({
      transactions,
      petitions: petitionRepository,
      units,
      users: f.userRepository,
      cases: disputes.cases,
      registration: disputes.caseRegistration,
      clock,
      calendar,
      lookupCodes: f.lookupCodeIssuer,
      cipher: f.cipher,
    }),
    petitionDocuments: new PetitionDocumentService({
      petitions,
      repository: petitionRepository,
      units,
      cipher: f.cipher,
      audit: f.audit,
    }),
  };
}

/** The supervisors' and admins' tools, and the notices: figures, supervision, import, calendar, mail. */
function buildOversight(
  f: Foundation,
  integrity: ReturnType<typeof buildIntegrity>,
  disputes: ReturnType<typeof buildCases>,
) {
  const { db, transactions, clock, calendar, audit, outbox } = f;
  return {
    calendarYears: new OfficialCalendarService(
      transactions,
      f.calendarRepository,
      f.calendarCache,
      f.timers,
      audit,
      clock,
    ),
    stats: buildStats({ reads: f.reads, units: f.unitRepository, clock }),
    supervision: new SupervisionService({
      supervision: new SupervisionRepository(db),
      chainAudit: integrity.chainAudit,
      audit,
      clock,
      calendar,
    }),
    imports: new CaseImportService({
      transactions,
      imports: new CaseImportRepository(db),
      units: f.unitRepository,
      audit,
      clock,
      calendar,
      log: f.eventLog,
      oneForum: disputes.oneForum,
      sealParties: (parties) => disputes.caseRegistration.sealParties(parties),
    }),
    notificationPreferences: new NotificationPreferenceService(
      transactions,
      new NotificationPreferenceRepository(db),
    ),
    digests: new NotificationDigestService(transactions, outbox, clock),
    outboxAdmin: new OutboxAdminService(transactions, outbox, audit),
  };
}

/** Builds every repository and service once, passing each its dependencies. */
export function buildServices(deps: {
  db: DataSource;
  config: Config;
  clock: Clock;
  calendar?: () => WorkingCalendar;
  /** Where the statistics and the exports read (src/shared/db/read-replica.ts); absent: the primary. */
  reads?: Reads;
}) {
  const f = buildFoundation(deps);
  const integrity = buildIntegrity(f);
  const disputes = buildCases(f);
  const petitions = buildPetitions(f, disputes);
  // how the parts that act on a case or a petition read it with its access data (404 when not seen)
  const visible = {
    cases: (actor: Actor, id: string, tx?: Tx) => disputes.cases.getVisible(actor, id, tx),
    petitions: (actor: Actor, id: string, tx?: Tx) => petitions.petitions.getVisible(actor, id, tx),
  };
  return {
    transactions: f.transactions,
    audit: f.audit,
    cipher: f.cipher,
    calendar: f.calendar,
    calendarCache: f.calendarCache,
    unitDirectory: f.unitDirectory,
    caseViews: f.caseViews,
    jobs: f.jobs,
    timers: f.timers,
    outbox: f.outbox,
    ...integrity,
    ...buildIdentity(f),
    ...disputes,
    ...petitions,
    ...buildOversight(f, integrity, disputes),
    ...buildCaseGroups({ ...f, ...disputes }),
    ...buildPartyConsent({ ...f, ...visible }),
    ...buildAgentHome(petitions, deps.clock),
    ...buildSchedule({ ...f, ...disputes, petitions: petitions.petitions }),
    ...buildTracking({ ...f, ...visible, issuer: f.lookupCodeIssuer }),
    ...buildConflictScreening({ ...f, registrar: disputes.caseRegistration }),
  };
}

export type Services = ReturnType<typeof buildServices>;
