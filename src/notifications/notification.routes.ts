import type { Request } from 'express';
import type { RouteSpec } from '../access/route-table';
import { actorOf } from '../access/route-table';
import { formatDateTime } from '../shared/format';
import { submitForm } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import { outboxRetrySchema, preferencesFormSchema } from './notification.schemas';
import { deliveries, kindRules } from './notification-kinds';
import type { NotificationPreferenceService } from './notification-preference.service';
import type { OutboxAdminService } from './outbox-admin.service';

/** Every signed-in user's notification settings, and the administrator's undelivered-mail page. */
export function notificationRoutes(deps: {
  preferences: NotificationPreferenceService;
  outboxAdmin: OutboxAdminService;
}): RouteSpec[] {
  const preferencesView = async (req: Request, selected?: Record<string, unknown>) => {
    const actor = actorOf(req);
    const current = await deps.preferences.listFor(actor);
    return {
      title: req.t('notifications.title'),
      noEmail: !(await deps.preferences.hasEmail(actor.id)),
      kinds: current.map((entry) => {
        const chosen = typeof selected?.[entry.kind] === 'string' ? selected[entry.kind] : entry.delivery;
        return {
          kind: entry.kind,
          label: req.t(`notifications.kinds.${entry.kind}`),
          mandatory: entry.mandatory,
          isDefault: entry.isDefault,
          options: deliveries
            .filter((delivery) => !(delivery === 'off' && kindRules[entry.kind].mandatory))
            .map((delivery) => ({
              value: delivery,
              label: req.t(`notifications.deliveries.${delivery}`),
              selected: delivery === chosen,
            })),
        };
      }),
    };
  };

  return [
    {
      method: 'get',
      path: '/account/notifications',
      access: 'signedIn',
      handler: async (req, res) => {
        res.render('account/notifications', {
          ...(await preferencesView(req)),
          saved: req.query.saved === '1',
        });
      },
    },
    {
      method: 'post',
      path: '/account/notifications',
      access: 'signedIn',
      handler: async (req, res) => {
        const view = { view: 'account/notifications', viewModel: () => preferencesView(req, req.body ?? {}) };
        const ok = await submitForm(req, res, view, async () => {
          await deps.preferences.save(actorOf(req), parseOrThrow(preferencesFormSchema, req.body ?? {}));
        });
        if (ok) res.redirect(303, '/account/notifications?saved=1');
      },
    },
    {
      method: 'get',
      path: '/admin/outbox',
      access: { action: 'outbox.manage' },
      handler: async (req, res) => {
        const overview = await deps.outboxAdmin.overview(actorOf(req));
        res.render('admin/outbox', {
          title: req.t('outbox.title'),
          pending: overview.pending,
          failedCount: overview.failedCount,
          retried: req.query.retried === '1',
          notFailed: req.query.notFailed === '1',
          rows: overview.failed.map((row) => ({
            id: row.id,
            kind:
              row.kind === 'digest' ? req.t('outbox.digestKind') : req.t(`notifications.kinds.${row.kind}`),
            recipient: row.partyRole ? req.t(`partyRoles.${row.partyRole}`) : (row.recipient ?? '—'),
            email: row.email ?? (row.partyRole ? req.t('outbox.smsParty') : '—'),
            subject: row.subjectNumber ?? '—',
            failedAt: formatDateTime(row.failedAt, req.locale),
            attempts: row.attempts,
            error: row.lastError ?? '',
          })),
          // not failures: SMS the worker did not send because their party withdrew consent (个人信息保护法 §15)
          withheldCount: overview.withheldCount,
          withheld: overview.withheld.map((row) => ({
            id: row.id,
            kind: req.t(`notifications.kinds.${row.kind}`),
            recipient: row.partyRole ? req.t(`partyRoles.${row.partyRole}`) : '—',
            phone: req.t('outbox.smsParty'),
            subject: row.subjectNumber ?? '—',
            withheldAt: formatDateTime(row.withheldAt, req.locale),
          })),
        });
      },
    },
    {
      method: 'post',
      path: '/admin/outbox/retry',
      access: { action: 'outbox.manage' },
      handler: async (req, res) => {
        const { id } = parseOrThrow(outboxRetrySchema, req.body ?? {});
        const outcome = await deps.outboxAdmin.retry(actorOf(req), req.ip ?? null, id);
        res.redirect(303, outcome === 'requeued' ? '/admin/outbox?retried=1' : '/admin/outbox?notFailed=1');
      },
    },
  ];
}
