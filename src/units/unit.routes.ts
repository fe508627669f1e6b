import type { TFunction } from 'i18next';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { submitForm } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import { departmentKeys, unitKinds } from './unit.entity';
import { presentUnit, unitName, unitPhone } from './unit.presenter';
import { activeSchema, newUnitSchema, unitChangesSchema, unitListSchema } from './unit.schemas';
import type { UnitService } from './unit.service';
import { unitDepth, unitSelectOptions } from './unit-options';

/** The administrative bodies a department may be, as select options. */
function bodyOptions(t: TFunction, selected: unknown) {
  return departmentKeys.map((key) => ({
    value: key,
    label: t(`departmentKeys.${key}`),
    selected: key === selected,
  }));
}

/** The unit tree: read by everyone (API), managed by admins (pages). */
export function unitRoutes(units: UnitService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/api/v1/units',
      access: { action: 'unit.list' },
      api: {
        operationId: 'listUnits',
        tag: 'units',
        summary: 'The unit tree the caller can see',
        response: unitListSchema,
      },
      handler: async (req, res) => {
        const visible = await units.listVisible(actorOf(req));
        res.json({ items: visible.map((unit) => presentUnit(unit, req.locale)) });
      },
    },
    {
      method: 'get',
      path: '/admin/units',
      access: { action: 'unit.manage' },
      handler: async (req, res) => {
        const managed = await units.listManaged(actorOf(req));
        res.render('admin/units', {
          title: req.t('admin.units.title'),
          units: managed.map((unit) => ({
            ...presentUnit(unit, req.locale),
            kindLabel: req.t(`unitKinds.${unit.kind}`),
            depthClass: `depth-${Math.min(unitDepth(unit), 4)}`,
          })),
        });
      },
    },
    {
      method: 'get',
      path: '/admin/units/new',
      access: { action: 'unit.manage' },
      handler: async (req, res) => {
        const managed = await units.listManaged(actorOf(req));
        res.render('admin/unit-new', {
          title: req.t('admin.units.new'),
          parents: unitSelectOptions(
            managed,
            req.locale,
            typeof req.query.parentId === 'string' ? req.query.parentId : null,
          ),
          kinds: unitKinds
            .filter((kind) => kind !== 'district')
            .map((kind) => ({ value: kind, label: req.t(`unitKinds.${kind}`) })),
          bodies: bodyOptions(req.t, null),
          values: {},
        });
      },
    },
    {
      method: 'post',
      path: '/admin/units',
      access: { action: 'unit.manage' },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const viewModel = async () => {
          const managed = await units.listManaged(actor);
          return {
            title: req.t('admin.units.new'),
            parents: unitSelectOptions(managed, req.locale, req.body?.parentId),
            kinds: unitKinds
              .filter((kind) => kind !== 'district')
              .map((kind) => ({
                value: kind,
                label: req.t(`unitKinds.${kind}`),
                selected: kind === req.body?.kind,
              })),
            bodies: bodyOptions(req.t, req.body?.departmentKey),
          };
        };
        let createdId = '';
        const ok = await submitForm(req, res, { view: 'admin/unit-new', viewModel }, async () => {
          createdId = (await units.create(actor, req.ip ?? null, parseOrThrow(newUnitSchema, req.body))).id;
        });
        if (ok) res.redirect(303, `/admin/units/${createdId}?saved=1`);
      },
    },
    {
      method: 'get',
      path: '/admin/units/:id',
      access: { action: 'unit.manage' },
      record: { param: 'id', kind: 'unit', authorize: (actor, id) => units.getManaged(actor, id) },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const unit = await units.getManaged(actor, String(req.params.id));
        const managed = await units.listManaged(actor);
        res.render('admin/unit-edit', {
          title: unitName(unit, req.locale),
          unit: { ...presentUnit(unit, req.locale), kindLabel: req.t(`unitKinds.${unit.kind}`) },
          parents: unitSelectOptions(managed, req.locale, unit.parentId),
          isRoot: unit.parentId === null,
          isDepartment: unit.kind === 'department',
          bodies: bodyOptions(req.t, unit.departmentKey),
          values: { nameZh: unit.nameZh, nameEn: unit.nameEn, phone: unitPhone(unit) ?? '' },
          saved: req.query.saved === '1',
        });
      },
    },
    {
      method: 'post',
      path: '/admin/units/:id',
      access: { action: 'unit.manage' },
      record: { param: 'id', kind: 'unit', authorize: (actor, id) => units.getManaged(actor, id) },
      handler: async (req, res) => {
        const actor = actorOf(req);
        const id = String(req.params.id);
        const unit = await units.getManaged(actor, id);
        const viewModel = async () => ({
          title: unitName(unit, req.locale),
          unit: { ...presentUnit(unit, req.locale), kindLabel: req.t(`unitKinds.${unit.kind}`) },
          parents: unitSelectOptions(
            await units.listManaged(actor),
            req.locale,
            req.body?.parentId ?? unit.parentId,
          ),
          isRoot: unit.parentId === null,
          isDepartment: unit.kind === 'department',
          bodies: bodyOptions(req.t, req.body?.departmentKey),
        });
        const ok = await submitForm(req, res, { view: 'admin/unit-edit', viewModel }, async () => {
          const changes = parseOrThrow(unitChangesSchema, req.body);
          await units.update(actor, req.ip ?? null, id, changes);
        });
        if (ok) res.redirect(303, `/admin/units/${id}?saved=1`);
      },
    },
    {
      method: 'post',
      path: '/admin/units/:id/active',
      access: { action: 'unit.manage' },
      record: { param: 'id', kind: 'unit', authorize: (actor, id) => units.getManaged(actor, id) },
      handler: async (req, res) => {
        const { active } = parseOrThrow(activeSchema, req.body);
        await units.setActive(actorOf(req), req.ip ?? null, String(req.params.id), active);
        res.redirect(303, `/admin/units/${req.params.id}?saved=1`);
      },
    },
  ];
}
