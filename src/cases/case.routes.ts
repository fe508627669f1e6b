import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute, authorizedRecordOf, originOf } from '../access/route-table';
import { type CasePresenter, presentRevealedParty } from './case.presenter';
import { caseEventSchema, caseListQuerySchema, registerCaseSchema } from './case.schemas';
import type { CaseService, VisibleCaseView } from './case.service';
import type { CaseRegistrationService } from './case-registration.service';
import type { CaseWorkflowService } from './case-workflow.service';
import type { PartyRevealService } from './party-reveal.service';

export interface CaseApiDeps {
  cases: CaseService;
  registration: CaseRegistrationService;
  reveal: PartyRevealService;
  presenter: CasePresenter;
  workflow: CaseWorkflowService;
}

/** The dispute case API (API.md "Resources"). */
export function caseRoutes({ cases, registration, reveal, presenter, workflow }: CaseApiDeps): RouteSpec[] {
  const record = {
    param: 'id',
    kind: 'case' as const,
    authorize: (actor: Parameters<CaseService['getVisible']>[0], id: string) => cases.getVisible(actor, id),
  };
  return [
    apiRoute({
      method: 'post',
      path: '/api/v1/cases',
      access: { action: 'case.register' },
      api: {
        operationId: 'registerCase',
        tag: 'cases',
        summary: 'Register a dispute',
        body: registerCaseSchema,
        status: 201,
        errors: [422],
      },
      handler: async (req, res) => {
        const input = req.input.body;
        const actor = actorOf(req);
        const row = await registration.register(actor, input);
        res.status(201).json(await presenter.present(actor, row, req.locale));
      },
    }),
    apiRoute({
      method: 'get',
      path: '/api/v1/cases',
      access: { action: 'case.list' },
      api: {
        operationId: 'listCases',
        tag: 'cases',
        summary: 'Cases the caller may see, filtered',
        query: caseListQuerySchema,
      },
      handler: async (req, res) => {
        const query = req.input.query;
        const { items, total, totalIsLowerBound } = await cases.list(actorOf(req), query);
        res.json({
          items: await presenter.presentList(items, req.locale),
          total,
          // more than `total` cases match: broad scopes count up to a cap (CaseListQueries.list)
          ...(totalIsLowerBound ? { totalIsLowerBound } : {}),
          page: query.page,
          pageSize: query.pageSize,
        });
      },
    }),
    {
      method: 'get',
      path: '/api/v1/cases/:id',
      access: { action: 'case.view' },
      // the case with everything its body shows, read once by the guard
      record: { ...record, authorize: (actor, id) => cases.getVisibleForView(actor, id) },
      api: {
        operationId: 'getCase',
        tag: 'cases',
        summary: 'One case, with the events the caller may send now',
      },
      handler: async (req, res) => {
        const { row, resource, view } = authorizedRecordOf<VisibleCaseView>(req);
        res
          .set('Content-Type', 'application/json; charset=utf-8')
          .send(await presenter.presentJson(actorOf(req), row, req.locale, resource, view));
      },
    },
    apiRoute({
      method: 'post',
      path: '/api/v1/cases/:id/events',
      access: { action: 'case.act' },
      // the event's transaction reads the case under its lock and answers 404 / 409 / 403
      record: { ...record, checkedByHandler: true },
      api: {
        operationId: 'applyCaseEvent',
        tag: 'cases',
        summary: 'Send a workflow event (with expectedVersion)',
        body: caseEventSchema,
        errors: [422],
      },
      handler: async (req, res) => {
        const input = req.input.body;
        const actor = actorOf(req);
        const { row, resource, view, lookupCode } = await workflow.applyForAnswer(
          actor,
          String(req.params.id),
          input,
          originOf(req),
        );
        const body = await presenter.present(actor, row, req.locale, resource, view);
        // ACCEPT: the parties' lookup code, in clear this once (issue 20)
        if (lookupCode) res.set('Cache-Control', 'no-store');
        res.json(lookupCode ? { ...body, lookupCode } : body);
      },
    }),
    {
      method: 'get',
      path: '/api/v1/cases/:id/events',
      access: { action: 'case.view' },
      record,
      api: { operationId: 'listCaseEvents', tag: 'cases', summary: 'The timeline, with its hash chain' },
      handler: async (req, res) => {
        const events = await cases.timeline(actorOf(req), String(req.params.id));
        res.json({ items: await presenter.presentTimeline(events, req.locale) });
      },
    },
    {
      method: 'get',
      path: '/api/v1/cases/:id/verify',
      access: { action: 'case.view' },
      record,
      api: { operationId: 'verifyCaseChain', tag: 'cases', summary: 'Verify the case’s hash chain' },
      handler: async (req, res) => {
        res.json(await cases.verify(actorOf(req), String(req.params.id)));
      },
    },
    {
      method: 'get',
      path: '/api/v1/cases/:id/parties/:partyId',
      access: { action: 'party.reveal' },
      record,
      api: {
        operationId: 'revealCaseParty',
        tag: 'cases',
        summary: 'A party with ID and phone number unmasked (audited)',
      },
      handler: async (req, res) => {
        const revealed = await reveal.revealParty(
          actorOf(req),
          originOf(req),
          String(req.params.id),
          String(req.params.partyId),
        );
        res.json(presentRevealedParty(revealed));
      },
    },
  ];
}
