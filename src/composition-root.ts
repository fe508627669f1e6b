import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import { AuditRepository } from './audit/audit.repository';
import { AuditService } from './audit/audit.service';
import { ActorCache } from './auth/actor-cache';
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
import { CaseFileService } from './cases/case-file.service';
import { CaseIntakeService } from './cases/case-intake.service';
import { CaseListQueries } from './cases/case-list.queries';
import { CaseRegistrationService } from './cases/case-registration.service';
import { CaseWorkflowService } from './cases/case-workflow.service';
import { MediationRecordRepository } from './cases/mediation-record.repository';
import { PartyMatchingRepository } from './cases/party-matching.repository';
import { PartyRevealService } from './cases/party-reveal.service';
import { OfficialCalendarCache } from './deadlines/official-calendar.cache';
import { OfficialCalendarRepository } from './deadlines/official-calendar.repository';
import { OfficialCalendarService } from './deadlines/official-calendar.service';
import type { WorkingCalendar } from './deadlines/working-calendar';
import { EscalationRepository } from './escalations/escalation.repository';
import { EscalationService } from './escalations/escalation.service';
import { CaseImportRepository } from './imports/case-import.repository';
import { CaseImportService } from './imports/case-import.service';
import { AuditCheckpointRepository } from './integrity/audit-checkpoint.repository';
import { AuditCheckpointService } from './integrity/audit-checkpoint.service';
import { ChainAuditRepository } from './integrity/chain-audit.repository';
import { ChainAuditService } from './integrity/chain-audit.service';
import { ChainKeyingRepository } from './integrity/chain-keying.repository';
import { ChainKeyingService } from './integrity/chain-keying.service';
import { NotificationDigestService } from './notifications/notification-digest.service';
import { NotificationPreferenceRepository } from './notifications/notification-preference.repository';
import { NotificationPreferenceService } from './notifications/notification-preference.service';
import { OutboxRepository } from './notifications/outbox.repository';
import { OutboxAdminService } from './notifications/outbox-admin.service';
import { PetitionPresenter } from './petitions/petition.presenter';
import { PetitionRepository } from './petitions/petition.repository';
import { PetitionService } from './petitions/petition.service';
import { PetitionWorkflowService } from './petitions/petition-workflow.service';
import type { Clock } from './shared/clock';
import { AuditKeys } from './shared/crypto/audit-keys';
import { PersonalDataCipher } from './shared/crypto/personal-data';
import { Transactions } from './shared/db/transactions';
import { JobQueue } from './shared/jobs/job-queue';
import { StatsRepository } from './stats/stats.repository';
import { StatsService } from './stats/stats.service';
import { SupervisionRepository } from './supervision/supervision.repository';
import { SupervisionService } from './supervision/supervision.service';
import { DeadlineTimerRepository } from './timers/deadline-timer.repository';
import { DeadlineTimerService } from './timers/deadline-timer.service';
import { UnitRepository } from './units/unit.repository';
import { UnitService } from './units/unit.service';
import { UserRepository } from './users/user.repository';
import { UserService } from './users/user.service';
import { EventLog } from './workflows/event-log.repository';

/** Builds every repository and service once, passing each its dependencies. */
export function buildServices(deps: {
  db: DataSource;
  config: Config;
  clock: Clock;
  calendar?: () => WorkingCalendar;
}) {
  const { db, clock, config } = deps;
  const transactions = new Transactions(db);
  // the official calendar, kept in memory while the database's change notices arrive (OfficialCalendarCache)
  const calendarRepository = new OfficialCalendarRepository(db);
  const calendarCache = new OfficialCalendarCache(calendarRepository);
  const calendar = deps.calendar ?? (() => calendarCache.current());
  // who is calling, kept between requests while the database's change notices arrive (ActorCache)
  const actorCache = new ActorCache(clock);
  const unitRepository = new UnitRepository(db, actorCache);
  const userRepository = new UserRepository(db, actorCache);
  // the audit trail's keys (AUDIT_KEY): the one event log links every chain with them
  const auditKeys = new AuditKeys(config.auditKey);
  const eventLog = new EventLog(auditKeys.chainKey);
  const chainAudit = new ChainAuditService(new ChainAuditRepository(db), eventLog);
  const caseRepository = new CaseRepository(db, eventLog);
  const partyMatching = new PartyMatchingRepository(db);
  const petitionRepository = new PetitionRepository(db, eventLog);
  const cipher = new PersonalDataCipher(config.dataKey);
  const audit = new AuditService(new AuditRepository(db), clock);
  const tokenRepository = new ApiTokenRepository(db);
  const tokens = new ApiTokenService({
    transactions,
    tokens: tokenRepository,
    audit,
    clock,
    actors: actorCache,
  });
  // pg-boss on the app's database: the write path queues timer jobs in its own transactions
  const jobs = new JobQueue(JobQueue.connectionStringOf(db));
  const timers = new DeadlineTimerService({
    transactions,
    timers: new DeadlineTimerRepository(db),
    jobs,
    clock,
    calendar,
  });
  const outbox = new OutboxRepository(db);
  const cases = new CaseService({
    transactions,
    cases: caseRepository,
    lists: new CaseListQueries(db),
    clock,
    calendar,
  });
  const caseRegistration = new CaseRegistrationService({
    transactions,
    cases: caseRepository,
    visible: cases,
    units: unitRepository,
    cipher,
    clock,
    calendar,
    timers,
  });
  const casePresenter = new CasePresenter({
    cases,
    caseRepository,
    units: unitRepository,
    users: userRepository,
    clock,
    calendar,
  });
  const mediationRecords = new MediationRecordRepository(db);
  const escalationRepository = new EscalationRepository(db);
  const caseWorkflow = new CaseWorkflowService({
    transactions,
    cases: caseRepository,
    partyMatching,
    units: unitRepository,
    users: userRepository,
    mediationRecords,
    escalations: escalationRepository,
    clock,
    calendar,
    timers,
  });
  const petitions = new PetitionService({
    transactions,
    petitions: petitionRepository,
    units: unitRepository,
    parties: caseRegistration,
    users: userRepository,
    clock,
    calendar,
  });
  const attachmentRepository = new AttachmentRepository(db);
  const caseWebServices = {
    caseFiles: new CaseFileService({
      cases,
      caseRepository,
      units: unitRepository,
      users: userRepository,
      attachments: attachmentRepository,
      cipher,
      audit,
      clock,
      calendar,
      mediationRecords,
    }),
    caseIntake: new CaseIntakeService({
      cases: caseRepository,
      partyMatching,
      units: unitRepository,
      registration: caseRegistration,
      cipher,
      clock,
    }),
    partyReveal: new PartyRevealService(cases, caseRepository, cipher, audit),
    caseExport: new CaseExport(cases, casePresenter),
    caseDashboard: new CaseDashboardService({
      cases: new CaseDashboardQueries(db),
      handOffs: escalationRepository,
      units: unitRepository,
      users: userRepository,
      clock,
      calendar,
    }),
    attachments: new AttachmentService(
      cases,
      caseWorkflow,
      attachmentRepository,
      new AttachmentStorage(config.dataDir),
      clock,
    ),
  };
  return {
    audit,
    auditKeys,
    chainAudit,
    chainKeying: new ChainKeyingService(new ChainKeyingRepository(db), auditKeys, clock),
    checkpoints: new AuditCheckpointService(
      new AuditCheckpointRepository(db),
      auditKeys,
      audit,
      clock,
      config.dataDir,
    ),
    tokens,
    cipher,
    calendar,
    calendarCache,
    calendarYears: new OfficialCalendarService(
      transactions,
      calendarRepository,
      calendarCache,
      timers,
      audit,
      clock,
    ),
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
    cases,
    caseRegistration,
    casePresenter,
    caseWorkflow,
    ...caseWebServices,
    escalations: new EscalationService({
      transactions,
      escalations: escalationRepository,
      units: unitRepository,
      cases: caseRepository,
      audit,
      clock,
    }),
    stats: new StatsService(new StatsRepository(db), unitRepository, clock),
    supervision: new SupervisionService({
      supervision: new SupervisionRepository(db),
      chainAudit,
      audit,
      clock,
      calendar,
    }),
    imports: new CaseImportService({
      transactions,
      imports: new CaseImportRepository(db),
      units: unitRepository,
      audit,
      clock,
      calendar,
      log: eventLog,
    }),
    jobs,
    timers,
    outbox,
    notificationPreferences: new NotificationPreferenceService(new NotificationPreferenceRepository(db)),
    digests: new NotificationDigestService(transactions, outbox, clock),
    outboxAdmin: new OutboxAdminService(transactions, outbox, audit),
    petitions,
    petitionPresenter: new PetitionPresenter({
      petitions: petitionRepository,
      reads: petitions,
      units: unitRepository,
      clock,
      calendar,
    }),
    petitionWorkflow: new PetitionWorkflowService({
      transactions,
      petitions: petitionRepository,
      units: unitRepository,
      users: userRepository,
      cases,
      registration: caseRegistration,
      clock,
      calendar,
    }),
  };
}

export type Services = ReturnType<typeof buildServices>;
