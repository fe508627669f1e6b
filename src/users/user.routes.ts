import type { Request } from 'express';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { submitForm } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import { activeSchema } from '../units/unit.schemas';
import type { UnitService } from '../units/unit.service';
import { unitSelectOptions } from '../units/unit-options';
import { localeOptions, presentUser, roleOptions } from './user.presenter';
import { newUserSchema, resetPasswordSchema, userChangesSchema, userListQuerySchema } from './user.schemas';
import type { UserService } from './user.service';

const pageSize = 50;

/** Account management pages for admins. */
export function userRoutes(users: UserService, units: UnitService): RouteSpec[] {
  const formOptions = async (
    req: Request,
    selected: { unitId?: string; role?: string; locale?: string },
  ) => ({
    unitOptions: unitSelectOptions(await units.listManaged(actorOf(req)), req.locale, selected.unitId),
    roleOptions: roleOptions(req.t, selected.role),
    localeOptions: localeOptions(selected.locale),
  });

  return [
    {
      method: 'get',
      path: '/admin/users',
      access: { action: 'user.manage' },
      handler: async (req, res) => {
        const query = userListQuerySchema.parse(req.query);
        const { items, total } = await users.list(actorOf(req), { q: query.q, page: query.page, pageSize });
        const pages = Math.max(1, Math.ceil(total / pageSize));
        res.render('admin/users', {
          title: req.t('admin.users.title'),
          users: items.map((user) => presentUser(user, req.locale, req.t)),
          q: query.q,
          total,
          page: query.page,
          previousPage: query.page > 1 ? query.page - 1 : null,
          nextPage: query.page < pages ? query.page + 1 : null,
        });
      },
    },
    {
      method: 'get',
      path: '/admin/users/new',
      access: { action: 'user.manage' },
      handler: async (req, res) => {
        res.render('admin/user-new', {
          title: req.t('admin.users.new'),
          ...(await formOptions(req, {})),
          values: {},
        });
      },
    },
    {
      method: 'post',
      path: '/admin/users',
      access: { action: 'user.manage' },
      handler: async (req, res) => {
        const viewModel = async () => ({
          title: req.t('admin.users.new'),
          ...(await formOptions(req, req.body ?? {})),
        });
        let createdId = '';
        const ok = await submitForm(req, res, { view: 'admin/user-new', viewModel }, async () => {
          createdId = (
            await users.create(actorOf(req), req.ip ?? null, parseOrThrow(newUserSchema, req.body))
          ).id;
        });
        if (ok) res.redirect(303, `/admin/users/${createdId}?saved=1`);
      },
    },
    {
      method: 'get',
      path: '/admin/users/:id',
      access: { action: 'user.manage' },
      record: { param: 'id', kind: 'user', authorize: (actor, id) => users.getManaged(actor, id) },
      handler: async (req, res) => {
        const user = await users.getManaged(actorOf(req), String(req.params.id));
        res.render('admin/user-edit', {
          title: user.displayName,
          user: presentUser(user, req.locale, req.t),
          ...(await formOptions(req, user)),
          values: { displayName: user.displayName, email: user.email },
          saved: req.query.saved === '1',
        });
      },
    },
    {
      method: 'post',
      path: '/admin/users/:id',
      access: { action: 'user.manage' },
      record: { param: 'id', kind: 'user', authorize: (actor, id) => users.getManaged(actor, id) },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const id = String(req.params.id);
        const user = await users.getManaged(actor, id);
        const viewModel = async () => ({
          title: user.displayName,
          user: presentUser(user, req.locale, req.t),
          ...(await formOptions(req, req.body ?? {})),
        });
        const ok = await submitForm(req, res, { view: 'admin/user-edit', viewModel }, async () => {
          await users.update(actor, req.ip ?? null, id, parseOrThrow(userChangesSchema, req.body));
        });
        if (ok) res.redirect(303, `/admin/users/${id}?saved=1`);
      },
    },
    {
      method: 'post',
      path: '/admin/users/:id/password',
      access: { action: 'user.manage' },
      record: { param: 'id', kind: 'user', authorize: (actor, id) => users.getManaged(actor, id) },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const id = String(req.params.id);
        const user = await users.getManaged(actor, id);
        const viewModel = async () => ({
          title: user.displayName,
          user: presentUser(user, req.locale, req.t),
          ...(await formOptions(req, user)),
          values: { displayName: user.displayName, email: user.email },
        });
        const ok = await submitForm(req, res, { view: 'admin/user-edit', viewModel }, async () => {
          await users.resetPassword(
            actor,
            req.ip ?? null,
            id,
            parseOrThrow(resetPasswordSchema, req.body).password,
          );
        });
        if (ok) res.redirect(303, `/admin/users/${id}?saved=1`);
      },
    },
    {
      method: 'post',
      path: '/admin/users/:id/active',
      access: { action: 'user.manage' },
      record: { param: 'id', kind: 'user', authorize: (actor, id) => users.getManaged(actor, id) },
      handler: async (req, res) => {
        const { active } = parseOrThrow(activeSchema, req.body);
        await users.setActive(actorOf(req), req.ip ?? null, String(req.params.id), active);
        res.redirect(303, `/admin/users/${req.params.id}?saved=1`);
      },
    },
  ];
}
