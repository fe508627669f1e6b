import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/environment';
import type { RouteSpec } from './access/route-table';
import { auditRoutes } from './audit/audit.routes';
import { authRoutes } from './auth/auth.routes';
import { attachmentRoutes } from './cases/attachment.routes';
import { caseRoutes } from './cases/case.routes';
import { caseWebRoutes } from './cases/case.web.routes';
import { caseExportRoutes } from './cases/case-export.routes';
import { caseGroupRoutes } from './cases/case-group.routes';
import { renderAcceptanceNotice } from './cases/documents/case-document.web.routes';
import { partyConsentRoutes } from './cases/party-consent.routes';
import type { Services } from './composition-root';
import { conflictScreeningRoutes } from './conflict-screening/conflict-screening.routes';
import { officialCalendarRoutes } from './deadlines/official-calendar.routes';
import { officialCalendarWebRoutes } from './deadlines/official-calendar.web.routes';
import { demoAccounts } from './demo/demo-accounts';
import { escalationRoutes } from './escalations/escalation.routes';
import { escalationWebRoutes } from './escalations/escalation.web.routes';
import { importRoutes } from './imports/import.routes';
import { auditCheckpointRoutes } from './integrity/audit-checkpoint.routes';
import { notificationRoutes } from './notifications/notification.routes';
import { renderPetitionAcceptanceNotice } from './petitions/documents/petition-document.routes';
import { petitionRoutes } from './petitions/petition.routes';
import { petitionWebRoutes } from './petitions/petition.web.routes';
import { scheduleWebRoutes } from './schedule/schedule.web.routes';
import type { Clock } from './shared/clock';
import { statsRoutes } from './stats/stats.routes';
import { statsWebRoutes } from './stats/stats.web.routes';
import { statsExportRoutes } from './stats/stats-export.routes';
import { supervisionRoutes } from './supervision/supervision.routes';
import { trackingRoutes } from './tracking/tracking.routes';
import { trackingWebRoutes } from './tracking/tracking.web.routes';
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
    ...homeRoutes(services.caseDashboard, services.agentHome),
    ...localeRoutes(),
    ...authRoutes({
      signIn: services.signIn,
      tokens: services.tokens,
      users: services.users,
      audit: services.audit,
      clock,
      demoAccounts: config.demoMode ? demoAccounts : [],
    }),
    ...unitRoutes(services.units),
    ...userRoutes(services.users, services.units),
    ...auditRoutes(services.audit),
    ...auditCheckpointRoutes(services.checkpoints),
    ...caseRoutes({
      cases: services.cases,
      registration: services.caseRegistration,
      reveal: services.partyReveal,
      presenter: services.casePresenter,
      workflow: services.caseWorkflow,
    }),
    ...caseWebRoutes({
      cases: services.cases,
      intake: services.caseIntake,
      reveal: services.partyReveal,
      presenter: services.casePresenter,
      exports: services.caseExport,
      files: services.caseFiles,
      workflow: services.caseWorkflow,
      units: services.units,
      partyAccess: services.partyAccess,
      smsConsent: services.smsConsentPanel,
      group: services.caseGroupPanel,
    }),
    ...caseExportRoutes(services.caseExport),
    ...attachmentRoutes(services.attachments, services.cases, services.caseFiles, config),
    ...escalationRoutes(services.escalations),
    ...escalationWebRoutes(services.escalations, services.stats, services.units),
    ...statsRoutes(services.stats),
    ...statsWebRoutes(services.stats, services.units),
    ...statsExportRoutes(services.stats, services.units, clock),
    ...supervisionRoutes(services.supervision, services.units, services.checkpoints, services.cases),
    ...importRoutes(services.imports, config),
    ...notificationRoutes({
      preferences: services.notificationPreferences,
      outboxAdmin: services.outboxAdmin,
    }),
    ...petitionRoutes({
      petitions: services.petitions,
      presenter: services.petitionPresenter,
      workflow: services.petitionWorkflow,
    }),
    ...petitionWebRoutes({
      petitions: services.petitions,
      presenter: services.petitionPresenter,
      workflow: services.petitionWorkflow,
      units: services.units,
      clock,
      documents: services.petitionDocuments,
      partyAccess: services.partyAccess,
      smsConsent: services.smsConsentPanel,
    }),
    ...officialCalendarRoutes(services.calendarYears),
    ...officialCalendarWebRoutes(services.calendarYears, clock),
    ...trackingRoutes(tracking(services)),
    ...trackingWebRoutes(tracking(services), services.partyAccess),
    ...caseGroupRoutes({ groups: services.caseGroups, visible: tracking(services).visible.case }),
    ...partyConsentRoutes({ consents: services.partyConsents, visible: tracking(services).visible }),
    ...conflictScreeningRoutes(services, clock),
    ...scheduleWebRoutes({ schedule: services.schedule, clock, publicUrl: config.publicUrl }),
  ];
}

/** What the parties' lookup routes need (issue 20). */
function tracking(services: Services) {
  return {
    lookupCodes: services.lookupCodes,
    progress: services.progressLookup,
    visible: {
      case: (actor: Parameters<Services['cases']['getVisible']>[0], id: string) =>
        services.cases.getVisible(actor, id),
      petition: (actor: Parameters<Services['cases']['getVisible']>[0], id: string) =>
        services.petitions.getVisible(actor, id),
    },
    printAcceptanceNotice: {
      case: (req: Request, res: Response, code: string) =>
        renderAcceptanceNotice(services.caseFiles, req, res, code),
      petition: (req: Request, res: Response, code: string) =>
        renderPetitionAcceptanceNotice(services.petitionDocuments, req, res, code),
    },
  };
}

export type { DataSource };
