import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import { AuditService } from './audit/audit.service';
import { ActorLoader } from './auth/actor-loader';
import { ApiTokenService } from './auth/api-token.service';
import { SignInService } from './auth/sign-in.service';
import { CaseRepository } from './cases/case.repository';
import { CaseService } from './cases/case.service';
import { CaseWorkflowService } from './cases/case-workflow.service';
import { officialCalendar, type WorkingCalendar } from './deadlines/working-calendar';
import { EscalationService } from './escalations/escalation.service';
import { PetitionRepository } from './petitions/petition.repository';
import { PetitionService } from './petitions/petition.service';
import { PetitionWorkflowService } from './petitions/petition-workflow.service';
import type { Clock } from './shared/clock';
import { PersonalDataCipher } from './shared/crypto/personal-data';
import { UnitRepository } from './units/unit.repository';
import { UnitService } from './units/unit.service';
import { UserRepository } from './users/user.repository';
import { UserService } from './users/user.service';

/** Builds every repository and service once, passing each its dependencies. */
export function buildServices(deps: {
  db: DataSource;
  config: Config;
  clock: Clock;
  calendar?: () => WorkingCalendar;
}) {
  const { db, clock, config } = deps;
  const calendar = deps.calendar ?? (() => officialCalendar);
  const unitRepository = new UnitRepository(db);
  const userRepository = new UserRepository(db);
  const caseRepository = new CaseRepository(db);
  const petitionRepository = new PetitionRepository(db);
  const cipher = new PersonalDataCipher(config.dataKey);
  const audit = new AuditService(db, clock);
  const tokens = new ApiTokenService(db, audit, clock);
  const cases = new CaseService(
    db,
    caseRepository,
    unitRepository,
    userRepository,
    cipher,
    audit,
    clock,
    calendar,
  );
  return {
    audit,
    tokens,
    cipher,
    calendar,
    actors: new ActorLoader(userRepository),
    signIn: new SignInService(db, userRepository, audit, clock),
    units: new UnitService(db, unitRepository, audit),
    users: new UserService(db, userRepository, unitRepository, tokens, audit, clock),
    cases,
    caseWorkflow: new CaseWorkflowService(
      db,
      caseRepository,
      unitRepository,
      userRepository,
      clock,
      calendar,
    ),
    escalations: new EscalationService(db, unitRepository, audit, clock),
    petitions: new PetitionService(db, petitionRepository, unitRepository, cases, clock, calendar),
    petitionWorkflow: new PetitionWorkflowService(
      db,
      petitionRepository,
      unitRepository,
      userRepository,
      cases,
      clock,
      calendar,
    ),
  };
}

export type Services = ReturnType<typeof buildServices>;
