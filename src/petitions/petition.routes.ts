import type { Actor } from '../access/actor';
import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute, authorizedRecordOf, originOf } from '../access/route-table';
import { type PetitionPresenter, presentPetitionEvent, presentVisit } from './petition.presenter';
import {
  petitionEventSchema,
  petitionListQuerySchema,
  registerPetitionSchema,
  visitSchema,
} from './petition.schemas';
import type { PetitionService, VisiblePetition } from './petition.service';
import type { PetitionWorkflowService } from './petition-workflow.service';

export interface PetitionApiDeps {
  petitions: PetitionService;
  presenter: PetitionPresenter;
  workflow: PetitionWorkflowService;
}

/** The petition API (API.md "Resources": petitions, petition events, visits). */
export function petitionRoutes({ petitions, presenter, workflow }: PetitionApiDeps): RouteSpec[] {
  const record = {
    param: 'id',
    kind: 'petition' as const,
    authorize: (actor: Actor, id: string) => petitions.getVisible(actor, id),
  };
  return [
    apiRoute({
      method: 'post',
      path: '/api/v1/petitions',
      access: { action: 'petition.register' },
      api: {
        operationId: 'registerPetition',
        tag: 'petitions',
        summary: 'Register a petition (信访)',
        body: registerPetitionSchema,
        status: 201,
        errors: [422],
      },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const { row, earlierFinal } = await petitions.registerWithWarnings(
          actor,
          req.input.body,
          originOf(req),
        );
        // §36: the same people's matters a recheck closed for good, told (this one is a new matter)
        const warnings = earlierFinal.map((petition) => ({
          code: 'petition.earlier_final',
          message: req.t('petitions.warnings.earlierFinal', {
            number: petition.number,
            finalOn: petition.finalOn,
          }),
          number: petition.number,
          finalOn: petition.finalOn,
        }));
        res.status(201).json({ ...(await presenter.present(actor, row, req.locale)), warnings });
      },
    }),
    apiRoute({
      method: 'get',
      path: '/api/v1/petitions',
      access: { action: 'petition.list' },
      api: {
        operationId: 'listPetitions',
        tag: 'petitions',
        summary: 'Petitions the caller may see',
        query: petitionListQuerySchema,
      },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const query = req.input.query;
        const { items, total } = await petitions.list(actor, query);
        const shown = await presenter.summaries(items, req.locale);
        res.json({ items: shown, total, page: query.page, pageSize: query.pageSize });
      },
    }),
    {
      method: 'get',
      path: '/api/v1/petitions/:id',
      access: { action: 'petition.view' },
      record,
      api: {
        operationId: 'getPetition',
        tag: 'petitions',
        summary: 'One petition: clocks, flags, linked cases, allowed events',
      },
      handler: async (req, res) => {
        const { row } = authorizedRecordOf<VisiblePetition>(req);
        res.json(await presenter.present(actorOf(req), row, req.locale));
      },
    },
    apiRoute({
      method: 'post',
      path: '/api/v1/petitions/:id/events',
      access: { action: 'petition.act' },
      // the event's transaction reads the petition under its lock and answers 404 / 409 / 403
      record: { ...record, checkedByHandler: true },
      api: {
        operationId: 'applyPetitionEvent',
        tag: 'petitions',
        summary: 'Send a petition event (with expectedVersion)',
        body: petitionEventSchema,
        errors: [422],
      },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const { row, lookupCode } = await workflow.applyForAnswer(
          actor,
          String(req.params.id),
          req.input.body,
          originOf(req),
        );
        const body = await presenter.present(actor, row, req.locale);
        // ACCEPT: the petitioner's lookup code (信访事项查询码), in clear this once (issue 20)
        if (lookupCode) res.set('Cache-Control', 'no-store');
        res.json(lookupCode ? { ...body, lookupCode } : body);
      },
    }),
    {
      method: 'get',
      path: '/api/v1/petitions/:id/events',
      access: { action: 'petition.view' },
      record,
      api: {
        operationId: 'listPetitionEvents',
        tag: 'petitions',
        summary: 'The petition’s timeline, hash-chained',
      },
      handler: async (req, res) => {
        const events = await petitions.timeline(actorOf(req), String(req.params.id));
        res.json({ items: events.map(presentPetitionEvent) });
      },
    },
    {
      method: 'get',
      path: '/api/v1/petitions/:id/verify',
      access: { action: 'petition.view' },
      record,
      api: {
        operationId: 'verifyPetitionChain',
        tag: 'petitions',
        summary: 'Verify the petition’s hash chain',
      },
      handler: async (req, res) => {
        res.json(await petitions.verify(actorOf(req), String(req.params.id)));
      },
    },
    apiRoute({
      method: 'post',
      path: '/api/v1/petitions/:id/visits',
      access: { action: 'petition.visit' },
      record,
      api: {
        operationId: 'logPetitionVisit',
        tag: 'petitions',
        summary: 'Log a visit with the petitioner',
        body: visitSchema,
        status: 201,
        errors: [422],
      },
      handler: async (req, res) => {
        const visit = await petitions.logVisit(actorOf(req), String(req.params.id), req.input.body);
        res.status(201).json(presentVisit(visit));
      },
    }),
    {
      method: 'get',
      path: '/api/v1/petitions/:id/visits',
      access: { action: 'petition.view' },
      record,
      api: {
        operationId: 'listPetitionVisits',
        tag: 'petitions',
        summary: 'The visits logged, newest first',
      },
      handler: async (req, res) => {
        const visits = await petitions.visits(actorOf(req), String(req.params.id));
        res.json({ items: visits.map(presentVisit) });
      },
    },
  ];
}
