import type { Notification } from '../notifications/outbox';
import type { SteppedCaseEvent } from './case-event-step';

/**
 * Who hears of the event: the mediator assigned, the unit a case was handed off or reopened
 * to, the court an agreement was sent to for confirmation (with the day its period ends),
 * the unit the case returns to with the court's ruling.
 */
export function noticesOf(stepped: SteppedCaseEvent, due?: string): Notification[] {
  const { row, event, after: next, actor } = stepped;
  const subject = { subjectType: 'case' as const, subjectId: row.id };
  const payload = { number: row.number, title: row.title, event: event.type, by: actor.displayName };
  switch (event.type) {
    case 'ASSIGN':
      return [{ kind: 'case.assigned', recipientUserId: next.mediatorId, ...subject, payload }];
    case 'ESCALATE':
    case 'RETURN_DOWN':
      return [{ kind: 'case.handed_off', recipientUnitId: next.holdingUnitId, ...subject, payload }];
    case 'TRANSFER': {
      // the mail names what the transfer is: 委派调解, 委托调解 or 移送
      const named = { ...payload, transferKind: event.transferKind };
      return [{ kind: 'case.handed_off', recipientUnitId: next.holdingUnitId, ...subject, payload: named }];
    }
    case 'REQUEST_JUDICIAL_CONFIRMATION':
      return [
        {
          kind: 'case.confirmation_requested',
          recipientUnitId: event.court,
          ...subject,
          payload: { ...payload, appliedOn: event.appliedOn, due: due ?? null },
        },
      ];
    case 'CONFIRMED':
    case 'CONFIRMATION_REJECTED':
      return rulingNotices(stepped, payload, due);
    case 'REOPEN':
      return [{ kind: 'case.reopened', recipientUnitId: next.holdingUnitId, ...subject, payload }];
    default:
      return [];
  }
}

/**
 * 民事诉讼法 §206: the court's ruling goes back with the case to the unit that sent the
 * agreement — a confirmed one to follow up (and enforce, if breached), a rejected one to
 * mediate again under a new period (`due`). On the judicial track the court itself holds the
 * case and recorded the ruling: nobody else to tell.
 */
function rulingNotices(
  { row, event, after: next, actor }: SteppedCaseEvent,
  payload: Record<string, unknown>,
  due?: string,
): Notification[] {
  if (!next.holdingUnitId || next.holdingUnitId === actor.unitId) return [];
  const ruling =
    event.type === 'CONFIRMED'
      ? { rulingNo: event.rulingNo, ruledOn: event.ruledOn }
      : event.type === 'CONFIRMATION_REJECTED'
        ? { reason: event.reason, due: due ?? null }
        : {};
  return [
    {
      kind: 'case.confirmation_ruled',
      recipientUnitId: next.holdingUnitId,
      subjectType: 'case',
      subjectId: row.id,
      payload: { ...payload, ...ruling },
    },
  ];
}
