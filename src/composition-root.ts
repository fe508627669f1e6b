import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import { AuditService } from './audit/audit.service';
import { ActorLoader } from './auth/actor-loader';
import { ApiTokenService } from './auth/api-token.service';
import { SignInService } from './auth/sign-in.service';
import type { Clock } from './shared/clock';
import { UnitRepository } from './units/unit.repository';
import { UnitService } from './units/unit.service';
import { UserRepository } from './users/user.repository';
import { UserService } from './users/user.service';

/** Builds every repository and service once, passing each its dependencies. */
export function buildServices(deps: { db: DataSource; config: Config; clock: Clock }) {
  const { db, clock } = deps;
  const unitRepository = new UnitRepository(db);
  const userRepository = new UserRepository(db);
  const audit = new AuditService(db, clock);
  const tokens = new ApiTokenService(db, audit, clock);
  return {
    audit,
    tokens,
    actors: new ActorLoader(userRepository),
    signIn: new SignInService(db, userRepository, audit, clock),
    units: new UnitService(db, unitRepository, audit),
    users: new UserService(db, userRepository, unitRepository, tokens, audit, clock),
  };
}

export type Services = ReturnType<typeof buildServices>;
