import type { Request, Response } from 'express';
import type { Actor } from '../access/actor';
import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute } from '../access/route-table';
import { submitForm } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import { caseGroupSchema, groupLinkFormSchema, groupLinkSchema } from './case-group.schemas';
import type { CaseGroupService } from './case-group.service';
import { caseGroupView } from './case-group.view-model';

export interface CaseGroupRouteDeps {
  groups: CaseGroupService;
  /** Reads the case for the guard (404 when the caller may not see it). */
  visible: (actor: Actor, id: string) => Promise<unknown>;
}

const context = (req: Request) => ({ t: req.t, locale: req.locale });

/**
 * Group disputes (群体性纠纷, issue 21): a case's group read, joined and left through the API, and
 * the group page with its forms; linking is by case number and recorded on the member's chain.
 */
export function caseGroupRoutes({ groups, visible }: CaseGroupRouteDeps): RouteSpec[] {
  const record = { param: 'id', kind: 'case' as const, authorize: visible };
  const renderPage = async (req: Request, res: Response, status = 200) => {
    const page = await groups.pageOf(actorOf(req), String(req.params.id));
    res.status(status).render('cases/group', {
      title: req.t('groups.title'),
      flash: req.query.saved === '1' ? req.t('groups.saved') : null,
      ...caseGroupView(page, context(req)),
    });
  };
  return [
    apiRoute({
      method: 'get',
      path: '/api/v1/cases/:id/group',
      access: { action: 'case.view' },
      record,
      api: {
        operationId: 'getCaseGroup',
        tag: 'cases',
        summary: 'The group dispute (群体性纠纷) the case leads or belongs to, with its sums',
        response: caseGroupSchema,
      },
      handler: async (req, res) => {
        res.json(await groups.groupOf(actorOf(req), String(req.params.id)));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/api/v1/cases/:id/group',
      access: { action: 'case.act' },
      record,
      api: {
        operationId: 'linkCaseGroup',
        tag: 'cases',
        summary:
          'Link by case number: this case to its master case (`masterNumber`), or another case to this one as its master (`memberNumber`); recorded on the member’s chain (GROUP_LINKED). 422 naming the field: unknown or invalid number, another type, a forum elsewhere',
        body: groupLinkSchema,
        response: caseGroupSchema,
        errors: [422],
      },
      handler: async (req, res) => {
        res.json(await groups.link(actorOf(req), String(req.params.id), req.input.body));
      },
    }),
    apiRoute({
      method: 'post',
      path: '/api/v1/cases/:id/group/unlink',
      access: { action: 'case.act' },
      record,
      api: {
        operationId: 'unlinkCaseGroup',
        tag: 'cases',
        summary: 'Take this case out of its master’s group (GROUP_UNLINKED on its chain)',
        response: caseGroupSchema,
        errors: [422],
      },
      handler: async (req, res) => {
        res.json(await groups.unlink(actorOf(req), String(req.params.id)));
      },
    }),
    {
      method: 'get',
      path: '/cases/:id/group',
      access: { action: 'case.view' },
      record,
      handler: (req, res) => renderPage(req, res),
    },
    {
      method: 'post',
      path: '/cases/:id/group',
      access: { action: 'case.act' },
      record,
      handler: async (req, res) => {
        const id = String(req.params.id);
        const view = {
          view: 'cases/group',
          viewModel: async () => ({
            title: req.t('groups.title'),
            ...caseGroupView(await groups.pageOf(actorOf(req), id), context(req)),
          }),
        };
        const ok = await submitForm(req, res, view, async () => {
          const form = parseOrThrow(groupLinkFormSchema, req.body ?? {});
          const input =
            form.memberNumber !== undefined
              ? { memberNumber: form.memberNumber }
              : { masterNumber: form.masterNumber ?? '' };
          await groups.link(actorOf(req), id, parseOrThrow(groupLinkSchema, input));
        });
        if (ok) res.redirect(303, `/cases/${id}/group?saved=1`);
      },
    },
    {
      method: 'post',
      path: '/cases/:id/group/unlink',
      access: { action: 'case.act' },
      record,
      handler: async (req, res) => {
        const id = String(req.params.id);
        await groups.unlink(actorOf(req), id);
        res.redirect(303, `/cases/${id}/group?saved=1`);
      },
    },
  ];
}
