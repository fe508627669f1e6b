import { z } from 'zod';
import { policy } from '../access/policy';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { ForbiddenError } from '../shared/errors';
import { formatDateTime } from '../shared/format';
import type { AuditService } from './audit.service';

const pageSize = 100;
const auditQuerySchema = z.object({
  action: z
    .string()
    .regex(/^[a-z_.]+$/)
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).default(1).catch(1),
});

/** The audit log page: who did what, when, from where. */
export function auditRoutes(audit: AuditService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/admin/audit',
      access: { action: 'audit.view' },
      handler: async (req, res) => {
        if (!policy.can(actorOf(req), 'audit.view', { kind: 'audit' })) throw new ForbiddenError();
        const query = auditQuerySchema.parse(req.query);
        const { items, total } = await audit.list({ action: query.action, page: query.page, pageSize });
        res.render('admin/audit', {
          title: req.t('admin.audit.title'),
          action: query.action,
          total,
          previousPage: query.page > 1 ? query.page - 1 : null,
          nextPage: query.page * pageSize < total ? query.page + 1 : null,
          entries: items.map((entry) => ({
            at: formatDateTime(entry.at, req.locale),
            actor: entry.actorUsername ?? '—',
            ip: entry.ip ?? '—',
            action: entry.action,
            actionLabel: req.t(`auditActions.${entry.action}`, { defaultValue: entry.action }),
            target: entry.targetType ? `${entry.targetType}:${entry.targetId}` : '',
            details: JSON.stringify(entry.details),
          })),
        });
      },
    },
  ];
}
