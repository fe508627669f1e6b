import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import type { RouteSpec } from './access/route-table';
import { auditRoutes } from './audit/audit.routes';
import { authRoutes } from './auth/auth.routes';
import { caseRoutes } from './cases/case.routes';
import type { Services } from './composition-root';
import { escalationRoutes } from './escalations/escalation.routes';
import { petitionRoutes } from './petitions/petition.routes';
import type { Clock } from './shared/clock';
import { unitRoutes } from './units/unit.routes';
import { userRoutes } from './users/user.routes';
import { homeRoutes } from './web/home.routes';
import { localeRoutes } from './web/locale.routes';

/**
 * The route table: every page and API route of the app with its access decision.
 * (Health checks and static assets are mounted before sessions, in app.ts.)
 */
export function routeTable(services: Services, config: Config, clock: Clock): RouteSpec[] {
  return [
    ...homeRoutes(),
    ...localeRoutes(),
    ...authRoutes({
      signIn: services.signIn,
      tokens: services.tokens,
      users: services.users,
      audit: services.audit,
      clock,
      demoMode: config.demoMode,
    }),
    ...unitRoutes(services.units),
    ...userRoutes(services.users, services.units),
    ...auditRoutes(services.audit),
    ...caseRoutes(services.cases, services.caseWorkflow),
    ...escalationRoutes(services.escalations),
    ...petitionRoutes(services.petitions, services.petitionWorkflow),
  ];
}

export type { DataSource };
