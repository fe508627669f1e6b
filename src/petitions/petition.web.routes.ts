import type { Request } from 'express';
import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { RouteSpec } from '../access/route-table';
import { actorOf, authorizedRecordOf, originOf } from '../access/route-table';
import type { PartyAccessPanelPort, SmsConsentPanelPort } from '../cases/case.web.routes';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { toLocalDateTimeInput } from '../shared/format';
import { submitForm } from '../shared/http/forms';
import { parseFilterQuery, parseOrThrow } from '../shared/http/validate';
import type { UnitService } from '../units/unit.service';
import { petitionDocumentRoutes } from './documents/petition-document.routes';
import type { PetitionDocumentService } from './documents/petition-document.service';
import { petitionDocumentLinks } from './documents/petition-document-links.view-model';
import {
  linkCaseFromForm,
  petitionEventFromForm,
  registerPetitionFromForm,
  visitFromForm,
} from './petition.forms';
import type { PetitionPresenter } from './petition.presenter';
import {
  petitionEventSchema,
  petitionListQuerySchema,
  registerPetitionSchema,
  visitSchema,
} from './petition.schemas';
import type { PetitionService, VisiblePetition } from './petition.service';
import {
  linkPageView,
  newPetitionView,
  petitionListView,
  petitionPageView,
  visitPageView,
} from './petition.view-model';
import type { PetitionWorkflowService } from './petition-workflow.service';

export interface PetitionWebDeps {
  petitions: PetitionService;
  presenter: PetitionPresenter;
  workflow: PetitionWorkflowService;
  units: UnitService;
  clock: Clock;
  /** The petition's printed notices and opinions (告知书, 意见书). */
  documents: PetitionDocumentService;
  /** The petition page's "party access" panel (src/tracking, issue 20). */
  partyAccess?: PartyAccessPanelPort;
  /** The petitioners' consent to SMS, withdrawn or given again (issue 20). */
  smsConsent?: SmsConsentPanelPort;
}

const context = (req: Request) => ({ t: req.t, locale: req.locale });

/** The agent's phone-first workspace and the supervisor's decisions on petitions (信访). */
export function petitionWebRoutes({
  petitions,
  presenter,
  workflow,
  units,
  clock,
  documents,
  partyAccess,
  smsConsent,
}: PetitionWebDeps): RouteSpec[] {
  const record = {
    param: 'id',
    kind: 'petition' as const,
    authorize: (actor: Actor, id: string) => petitions.getVisible(actor, id),
  };

  async function pageModel(req: Request, id: string) {
    const actor = actorOf(req);
    const { row, resource } = await petitions.getVisible(actor, id);
    const petition = await presenter.present(actor, row, req.locale);
    const allowed = new Set(petition.allowedEvents);
    const [visits, agents, unitList, timeline] = await Promise.all([
      petitions.visits(actor, id),
      allowed.has('ASSIGN_AGENT') ? petitions.assignableAgents(row) : Promise.resolve([]),
      allowed.has('FORWARD') ? units.listVisible(actor) : Promise.resolve([]),
      petitions.timelineWithUnits(actor, id),
    ]);
    return {
      ...petitionPageView(
        {
          petition,
          visits,
          agents,
          units: unitList,
          mayVisit: policy.canLogVisit(actor, resource),
          today: todayInShanghai(clock.now()),
          events: timeline.events,
          eventUnits: timeline.units,
        },
        context(req),
      ),
      documents: petitionDocumentLinks(row.id, timeline.events, req.t),
    };
  }

  return [
    {
      method: 'get',
      path: '/petitions',
      access: { action: 'petition.list' },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const query = parseFilterQuery(petitionListQuerySchema, req.query, { pageSize: 50 });
        const { items, total } = await petitions.list(actor, query);
        const today = todayInShanghai(clock.now());
        const shown = await presenter.summaries(items, req.locale);
        res.render(
          'petitions/list',
          petitionListView(
            shown,
            { total, overdue: query.overdue === true, state: query.state ?? '', flag: query.flag, today },
            context(req),
          ),
        );
      },
    },
    {
      method: 'get',
      path: '/petitions/new',
      access: { action: 'petition.register' },
      handler: (req, res) => {
        res.render('petitions/new', {
          ...newPetitionView(context(req)),
          values: {},
        });
      },
    },
    {
      method: 'post',
      path: '/petitions',
      access: { action: 'petition.register' },
      handler: async (req, res) => {
        let id = '';
        const ok = await submitForm(
          req,
          res,
          { view: 'petitions/new', viewModel: () => newPetitionView(context(req), req.body) },
          async () => {
            const input = parseOrThrow(registerPetitionSchema, registerPetitionFromForm(req.body));
            id = (await petitions.register(actorOf(req), input, originOf(req))).id;
          },
        );
        if (ok) res.redirect(303, `/petitions/${id}`);
      },
    },
    {
      method: 'get',
      path: '/petitions/:id',
      access: { action: 'petition.view' },
      record,
      handler: async (req, res) => {
        const id = String(req.params.id);
        res.render('petitions/show', {
          ...(await pageModel(req, id)),
          partyAccess: await partyAccess?.panelFor(req, { type: 'petition', id }),
          smsConsent: await smsConsent?.panelFor(req, { type: 'petition', id }),
          saved: req.query.saved === '1',
        });
      },
    },
    {
      method: 'post',
      path: '/petitions/:id/events',
      access: { action: 'petition.act' },
      record,
      handler: async (req, res) => {
        const id = String(req.params.id);
        const ok = await submitForm(
          req,
          res,
          { view: 'petitions/show', viewModel: () => pageModel(req, id) },
          async () => {
            const { lookupCode } = await workflow.applyForAnswer(
              actorOf(req),
              id,
              parseOrThrow(petitionEventSchema, petitionEventFromForm(req.body)),
              originOf(req),
            );
            // accepted: the petitioner's new lookup code, shown once on the page (issue 20)
            if (lookupCode) await partyAccess?.keepToShowOnce(req, { type: 'petition', id }, lookupCode);
          },
        );
        if (ok) res.redirect(303, `/petitions/${id}?saved=1`);
      },
    },
    {
      method: 'get',
      path: '/petitions/:id/visits/new',
      access: { action: 'petition.visit' },
      record,
      handler: async (req, res) => {
        const { row } = authorizedRecordOf<VisiblePetition>(req);
        res.render('petitions/visit', {
          ...visitPageView(row, context(req)),
          // most visits are logged on the spot: the time starts at now (Asia/Shanghai), as a session's does
          values: { visitedAt: toLocalDateTimeInput(clock.now()) },
        });
      },
    },
    {
      method: 'post',
      path: '/petitions/:id/visits',
      access: { action: 'petition.visit' },
      record,
      handler: async (req, res) => {
        const id = String(req.params.id);
        const { row } = authorizedRecordOf<VisiblePetition>(req);
        const view = { view: 'petitions/visit', viewModel: () => visitPageView(row, context(req)) };
        const ok = await submitForm(req, res, view, async () => {
          const input = parseOrThrow(visitSchema, visitFromForm(req.body));
          await petitions.logVisit(actorOf(req), id, input);
        });
        if (ok) res.redirect(303, `/petitions/${id}?saved=1#visits`);
      },
    },
    {
      method: 'get',
      path: '/petitions/:id/link',
      access: { action: 'petition.act' },
      record,
      handler: async (req, res) => {
        const { row } = authorizedRecordOf<VisiblePetition>(req);
        res.render('petitions/link', {
          ...linkPageView(row, context(req)),
          values: { title: row.subject, description: row.content },
        });
      },
    },
    {
      method: 'post',
      path: '/petitions/:id/link',
      access: { action: 'petition.act' },
      record,
      handler: async (req, res) => {
        const id = String(req.params.id);
        const { row } = authorizedRecordOf<VisiblePetition>(req);
        const view = {
          view: 'petitions/link',
          viewModel: () => linkPageView(row, context(req), req.body.caseType ?? null),
        };
        const ok = await submitForm(req, res, view, async () => {
          const event = parseOrThrow(petitionEventSchema, linkCaseFromForm(req.body));
          await workflow.apply(actorOf(req), id, event);
        });
        if (ok) res.redirect(303, `/petitions/${id}?saved=1`);
      },
    },
    ...petitionDocumentRoutes({ documents, record }),
  ];
}
