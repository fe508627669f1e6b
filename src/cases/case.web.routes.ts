import type { Request, Response } from 'express';
import type { Actor } from '../access/actor';
import type { RouteSpec } from '../access/route-table';
import { actorOf, authorizedRecordOf, originOf } from '../access/route-table';
import { ConflictError } from '../shared/errors';
import { formFailure } from '../shared/http/forms';
import { parseFilterQuery, parseOrThrow } from '../shared/http/validate';
import type { UnitService } from '../units/unit.service';
import { agreementDocumentView } from './agreement-document.view-model';
import { caseEventFromForm, partyRowsFromForm, registerCaseFromForm, savedKeyOf } from './case.forms';
import type { CasePresenter } from './case.presenter';
import { caseEventSchema, caseListQuerySchema, registerCaseSchema } from './case.schemas';
import type { CaseService, VisibleCase } from './case.service';
import type { CaseExport } from './case-export';
import type { CaseFileService } from './case-file.service';
import type { CaseIntakeService } from './case-intake.service';
import { blankParties, type IntakeState, intakeView } from './case-intake.view-model';
import { caseListView } from './case-list.view-model';
import { type CasePageOptions, casePageView } from './case-page.view-model';
import type { CaseWorkflowService } from './case-workflow.service';
import { caseDocumentRoutes } from './documents/case-document.web.routes';
import { documentsPanelView } from './documents/documents-panel.view-model';
import type { PartyRevealService } from './party-reveal.service';
import { revealedPartyView } from './revealed-party.view-model';
import { tooLargeMessage } from './text-limit.view-model';

export interface CaseWebDeps {
  cases: CaseService;
  intake: CaseIntakeService;
  reveal: PartyRevealService;
  presenter: CasePresenter;
  exports: CaseExport;
  files: CaseFileService;
  workflow: CaseWorkflowService;
  units: UnitService;
  /** The case page's "party access" panel (src/tracking, issue 20): its view, and a new code kept to show once. */
  partyAccess?: PartyAccessPanelPort;
  /** The case page's "SMS notices" panel: the parties' consent, withdrawn or given again (issue 20). */
  smsConsent?: SmsConsentPanelPort;
  /** The case page's group panel (群体性纠纷) and the petitions it came from (issue 21, `CaseGroupPanel`). */
  group?: { panelFor(req: Request, caseId: string): Promise<unknown> };
}

/** What the case and petition pages need of the SMS consent panel (`SmsConsentPanel`). */
export interface SmsConsentPanelPort {
  panelFor(req: Request, subject: { type: 'case' | 'petition'; id: string }): Promise<unknown>;
}

/** What the case page needs of the party access panel (src/tracking's `PartyAccessPanel`). */
export interface PartyAccessPanelPort {
  panelFor(req: Request, subject: { type: 'case' | 'petition'; id: string }): Promise<unknown>;
  keepToShowOnce(
    req: Request,
    subject: { type: 'case' | 'petition'; id: string },
    code: string,
  ): Promise<void>;
}

/** A list filter from the query string: blank fields (an untouched select) are no filter. */
function listQuery(req: Request) {
  return parseFilterQuery(caseListQuerySchema, req.query);
}

const context = (req: Request) => ({ t: req.t, locale: req.locale });

/**
 * The mediators' pages for disputes (issue 5): the list with its filters and CSV
 * export, intake with the duplicate check, the case page with the actions this user
 * may take, the party reveal and the printable agreement. Every handler validates,
 * calls one service, and renders or redirects; who may do what is the policy's.
 */
export function caseWebRoutes({
  cases,
  intake,
  reveal,
  presenter,
  exports,
  files,
  workflow,
  units,
  partyAccess,
  smsConsent,
  group,
}: CaseWebDeps): RouteSpec[] {
  const record = {
    param: 'id',
    kind: 'case' as const,
    authorize: (actor: Actor, id: string) => cases.getVisible(actor, id),
  };

  async function renderCsv(req: Request, res: Response) {
    const { csv, ...freshness } = await exports.csv(actorOf(req), listQuery(req), context(req));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${exports.fileName('csv', freshness)}"`);
    res.send(csv);
  }

  async function renderIntake(req: Request, res: Response, state: IntakeState, status = 200) {
    const actor = actorOf(req);
    const options = await intake.intakeOptions(actor);
    res
      .status(status)
      .render('cases/new', intakeView(state, { ...options, actorUnitId: actor.unitId }, context(req)));
  }

  async function renderCase(req: Request, res: Response, options: CasePageOptions, status = 200) {
    const actor = actorOf(req);
    const file = await files.open(actor, String(req.params.id));
    const panel = await partyAccess?.panelFor(req, { type: 'case', id: file.row.id });
    res.status(status).render('cases/show', {
      ...casePageView(file, options, context(req)),
      documents: documentsPanelView(file, context(req)),
      partyAccess: panel,
      smsConsent: await smsConsent?.panelFor(req, { type: 'case', id: file.row.id }),
      group: await group?.panelFor(req, file.row.id),
    });
  }

  return [
    {
      method: 'get',
      path: '/cases',
      access: { action: 'case.list' },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const query = listQuery(req);
        const [result, visibleUnits] = await Promise.all([
          cases.list(actor, query),
          units.listVisible(actor),
        ]);
        const deps = await presenter.viewDepsFor(result.items, req.locale);
        res.render('cases/list', {
          title: req.t('cases.listTitle'),
          ...caseListView(query, result, deps, visibleUnits, context(req)),
        });
      },
    },
    {
      method: 'get',
      path: '/cases.csv',
      access: { action: 'case.list' },
      handler: renderCsv,
    },
    {
      method: 'get',
      path: '/api/v1/exports/cases.csv',
      access: { action: 'case.list' },
      api: {
        operationId: 'exportCases',
        tag: 'cases',
        summary: 'The filtered case list as CSV (Excel-friendly UTF-8 with BOM)',
        // validated as the page /cases.csv reads it (the same handler parses it again)
        query: caseListQuerySchema,
        queryIsFilterForm: true,
        produces: 'text/csv',
      },
      handler: renderCsv,
    },
    {
      method: 'get',
      path: '/cases/new',
      access: { action: 'case.register' },
      handler: async (req, res) => {
        res.locals.tooLargeFlash = false; // said beside the form instead
        await renderIntake(req, res, {
          values: {},
          rows: blankParties(),
          errors: {},
          formError: tooLargeMessage(req.t, req.query),
        });
      },
    },
    {
      method: 'post',
      path: '/cases',
      access: { action: 'case.register' },
      handler: async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const intent = typeof body.intent === 'string' ? body.intent : 'save';
        const values = { ...body };
        // adding or removing a party row: the form again, as typed, nothing checked yet
        if (intent === 'addParty' || intent.startsWith('removeParty-')) {
          const rows = partyRowsFromForm(body, { keepBlank: true });
          if (intent === 'addParty') rows.push({ ...blankParties()[1], role: 'third_party' });
          else rows.splice(Number(intent.slice('removeParty-'.length)), 1);
          return renderIntake(req, res, {
            values,
            rows: rows.length > 0 ? rows : blankParties(),
            errors: {},
          });
        }
        const rows = partyRowsFromForm(body);
        try {
          const input = parseOrThrow(registerCaseSchema, registerCaseFromForm(body, rows), {
            names: 'fieldNames.case',
          });
          const { registered, review } = await intake.intake(actorOf(req), input, {
            confirmed: intent === 'confirm',
            checkOnly: intent === 'check',
          });
          if (registered) return res.redirect(303, `/cases/${registered.id}?registered=1`);
          await renderIntake(req, res, { values, rows, errors: {}, review, checked: true });
        } catch (error) {
          const failure = formFailure(req, error);
          await renderIntake(
            req,
            res,
            {
              values,
              rows: rows.length > 0 ? rows : blankParties(),
              errors: failure.errors,
              formError: failure.formError,
            },
            failure.status,
          );
        }
      },
    },
    {
      method: 'get',
      path: '/cases/:id',
      access: { action: 'case.view' },
      record,
      handler: async (req, res) => {
        const saved =
          typeof req.query.saved === 'string' && /^[A-Z_]{3,40}(-[a-z]{3,20})?$/.test(req.query.saved)
            ? req.query.saved
            : undefined;
        res.locals.tooLargeFlash = false; // said beside the form instead
        await renderCase(req, res, {
          timeline: req.query.timeline === 'important' ? 'important' : 'all',
          saved: req.query.registered === '1' ? 'REGISTERED' : saved,
          uploaded: typeof req.query.uploaded === 'string' ? req.query.uploaded.slice(0, 255) : undefined,
          tooLarge: tooLargeMessage(req.t, req.query),
        });
      },
    },
    {
      method: 'post',
      path: '/cases/:id/events',
      access: { action: 'case.act' },
      record,
      handler: async (req, res) => {
        const id = String(req.params.id);
        const body = (req.body ?? {}) as Record<string, unknown>;
        const formKey = typeof body.formKey === 'string' ? body.formKey : String(body.type ?? '');
        try {
          const input = parseOrThrow(caseEventSchema, caseEventFromForm(body), { names: 'fieldNames.case' });
          const { lookupCode } = await workflow.applyForAnswer(actorOf(req), id, input, originOf(req));
          // accepted: the parties' new lookup code, shown once on the page (issue 20)
          if (lookupCode) await partyAccess?.keepToShowOnce(req, { type: 'case', id }, lookupCode);
          res.redirect(303, `/cases/${id}?saved=${savedKeyOf(input)}`);
        } catch (error) {
          const failure = formFailure(req, error);
          await renderCase(
            req,
            res,
            {
              timeline: 'all',
              stale: error instanceof ConflictError,
              failure: {
                formKey,
                values: failure.values,
                errors: failure.errors,
                formError: failure.formError,
              },
            },
            failure.status,
          );
        }
      },
    },
    {
      method: 'post',
      path: '/cases/:id/parties/:partyId/reveal',
      access: { action: 'party.reveal' },
      record,
      handler: async (req, res) => {
        const actor = actorOf(req);
        const revealed = await reveal.revealParty(
          actor,
          originOf(req),
          String(req.params.id),
          String(req.params.partyId),
        );
        const { row } = authorizedRecordOf<VisibleCase>(req);
        res.setHeader('Cache-Control', 'no-store');
        res.render('cases/party', revealedPartyView(row, revealed, context(req)));
      },
    },
    {
      method: 'get',
      path: '/cases/:id/agreement',
      access: { action: 'case.view' },
      record,
      handler: async (req, res) => {
        const document = await files.agreementDocument(actorOf(req), originOf(req), String(req.params.id));
        res.setHeader('Cache-Control', 'no-store');
        res.render('../documents/agreement', agreementDocumentView(document, context(req)));
      },
    },
    ...caseDocumentRoutes({ cases, files }),
  ];
}
