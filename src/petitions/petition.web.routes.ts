import type { Request } from 'express';
import type { Actor } from '../access/actor';
import type { RouteSpec } from '../access/route-table';
import { actorOf, authorizedRecordOf } from '../access/route-table';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { submitForm } from '../shared/http/forms';
import { parseFilterQuery, parseOrThrow } from '../shared/http/validate';
import { unitOptions } from '../units/unit.presenter';
import type { UnitService } from '../units/unit.service';
import { disputeTypes } from '../workflows/rules/dispute-rules.types';
import {
  petitionEventSchema,
  petitionListQuerySchema,
  registerPetitionSchema,
  visitSchema,
} from './petition.schemas';
import type { PetitionService, VisiblePetition } from './petition.service';
import { petitionViewModel, visitViewModel } from './petition.view-model';
import type { PetitionWorkflowService } from './petition-workflow.service';

const asArray = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
const orUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;
/** `<input type="datetime-local">` gives Shanghai wall time without an offset. */
const shanghaiMoment = (value: unknown) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00+08:00` : value;

/** The registration form's repeated petitioner fields, zipped into rows (blank rows dropped). */
function petitionersFromForm(body: Record<string, unknown>) {
  const names = asArray(body.petitionerName);
  const ids = asArray(body.petitionerIdNumber);
  const phones = asArray(body.petitionerPhone);
  return names.flatMap((name, index) =>
    name.trim() === ''
      ? []
      : [{ kind: 'person', name, idNumber: orUndefined(ids[index]), phone: orUndefined(phones[index]) }],
  );
}

/** A petition event from its small form: strings converted to what the schema expects. */
function eventFromForm(body: Record<string, unknown>) {
  const event: Record<string, unknown> = { type: body.type, expectedVersion: Number(body.expectedVersion) };
  for (const field of ['note', 'reason', 'opinion', 'toUnitId', 'requestedOn', 'agentId', 'caseId']) {
    const value = orUndefined(body[field]);
    if (value !== undefined) event[field] = value;
  }
  if (orUndefined(body.days) !== undefined) event.days = Number(body.days);
  return event;
}

/** The agent's phone-first workspace and the supervisor's decisions on petitions (信访). */
export function petitionWebRoutes(
  petitions: PetitionService,
  workflow: PetitionWorkflowService,
  units: UnitService,
  clock: Clock,
): RouteSpec[] {
  const record = {
    param: 'id',
    kind: 'petition' as const,
    authorize: (actor: Actor, id: string) => petitions.getVisible(actor, id),
  };

  async function pageModel(req: Request, id: string) {
    const actor = actorOf(req);
    const { row } = await petitions.getVisible(actor, id);
    const today = todayInShanghai(clock.now());
    const petition = petitionViewModel(
      await petitions.present(actor, row, req.locale),
      today,
      req.locale,
      req.t,
    );
    const allowed = new Set(petition.allowedEvents);
    const [visits, agents, unitList] = await Promise.all([
      petitions.visits(actor, id),
      allowed.has('ASSIGN_AGENT') ? petitions.assignableAgents(row) : Promise.resolve([]),
      allowed.has('FORWARD') ? units.listVisible(actor) : Promise.resolve([]),
    ]);
    const forms = petition.allowedEvents
      .filter((type) => type !== 'LINK_CASE')
      .map((type) => ({
        type,
        label: req.t(`petitions.events.${type}`),
        needsReason: ['DECLINE', 'EXTEND'].includes(type),
        needsOpinion: ['REPLY', 'REVIEW_DECIDED', 'RECHECK_DECIDED'].includes(type),
        needsNote: ['ACCEPT', 'CLOSE'].includes(type),
        needsDays: type === 'EXTEND',
        needsDate: ['REQUEST_REVIEW', 'REQUEST_RECHECK'].includes(type),
        needsUnit: type === 'FORWARD',
        needsAgent: type === 'ASSIGN_AGENT',
        optionalReason: ['FORWARD', 'REQUEST_REVIEW', 'REQUEST_RECHECK'].includes(type),
      }));
    const linkedCases = petition.linkedCases.map((linked) => ({
      ...linked,
      stateLabel: req.t(`caseStates.${linked.state.replace('.', '_')}`, { defaultValue: linked.state }),
      outcomeLabel: linked.outcome
        ? req.t(`caseOutcomes.${linked.outcome}`, { defaultValue: linked.outcome })
        : null,
    }));
    return {
      title: `${petition.number} ${petition.subject}`,
      petition: { ...petition, linkedCases },
      visits: visits.map((visit) => visitViewModel(visit, req.locale, req.t)),
      forms,
      canLink: allowed.has('LINK_CASE'),
      canVisit:
        petition.agentId === actor.id || row.registeredBy === actor.id
          ? actor.role === 'petition_agent'
          : false,
      today,
      agentOptions: agents.map((agent) => ({ value: agent.id, label: agent.displayName })),
      unitOptions: unitOptions(unitList, req.locale),
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
        const shown = await Promise.all(items.map((row) => petitions.summary(row, req.locale)));
        res.render('petitions/list', {
          title: req.t('petitions.title'),
          petitions: shown.map((petition) => petitionViewModel(petition, today, req.locale, req.t)),
          total,
          filter: { overdue: query.overdue === true, state: query.state ?? '' },
        });
      },
    },
    {
      method: 'get',
      path: '/petitions/new',
      access: { action: 'petition.register' },
      handler: (req, res) => {
        res.render('petitions/new', { title: req.t('petitions.new'), rows: [0, 1, 2], values: {} });
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
          { view: 'petitions/new', viewModel: () => ({ title: req.t('petitions.new'), rows: [0, 1, 2] }) },
          async () => {
            const input = parseOrThrow(registerPetitionSchema, {
              subject: req.body.subject,
              content: req.body.content,
              petitioners: petitionersFromForm(req.body),
              groupSize: orUndefined(req.body.groupSize) ? Number(req.body.groupSize) : undefined,
              receivedOn: orUndefined(req.body.receivedOn),
            });
            id = (await petitions.register(actorOf(req), input)).id;
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
        res.render('petitions/show', {
          ...(await pageModel(req, String(req.params.id))),
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
            await workflow.apply(
              actorOf(req),
              id,
              parseOrThrow(petitionEventSchema, eventFromForm(req.body)),
            );
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
          title: req.t('petitions.logVisit'),
          petition: { id: row.id, number: row.number, subject: row.subject },
          values: {},
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
        const view = {
          view: 'petitions/visit',
          viewModel: () => ({
            title: req.t('petitions.logVisit'),
            petition: { id: row.id, number: row.number, subject: row.subject },
          }),
        };
        const ok = await submitForm(req, res, view, async () => {
          const input = parseOrThrow(visitSchema, {
            visitedAt: shanghaiMoment(req.body.visitedAt),
            place: req.body.place,
            metWith: req.body.metWith,
            summary: req.body.summary,
            demands: orUndefined(req.body.demands),
            mood: orUndefined(req.body.mood),
            risk: orUndefined(req.body.risk),
            promises: orUndefined(req.body.promises),
            nextVisitOn: orUndefined(req.body.nextVisitOn),
          });
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
          title: req.t('petitions.linkCase'),
          petition: { id: row.id, number: row.number, subject: row.subject, version: row.version },
          types: disputeTypes.map((type) => ({ value: type, label: req.t(`disputeTypes.${type}`) })),
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
          viewModel: () => ({
            title: req.t('petitions.linkCase'),
            petition: { id: row.id, number: row.number, subject: row.subject, version: row.version },
            types: disputeTypes.map((type) => ({
              value: type,
              label: req.t(`disputeTypes.${type}`),
              selected: type === req.body.caseType,
            })),
          }),
        };
        const ok = await submitForm(req, res, view, async () => {
          const linkExisting = orUndefined(req.body.caseId);
          const event = parseOrThrow(petitionEventSchema, {
            type: 'LINK_CASE',
            expectedVersion: Number(req.body.expectedVersion),
            ...(linkExisting
              ? { caseId: linkExisting }
              : {
                  openCase: {
                    type: req.body.caseType,
                    title: req.body.title,
                    description: req.body.description,
                    parties: [
                      { role: 'applicant', kind: 'person', name: req.body.applicant },
                      {
                        role: 'respondent',
                        kind: req.body.respondentKind === 'organisation' ? 'organisation' : 'person',
                        name: req.body.respondent,
                      },
                    ],
                  },
                }),
          });
          await workflow.apply(actorOf(req), id, event);
        });
        if (ok) res.redirect(303, `/petitions/${id}?saved=1`);
      },
    },
  ];
}
