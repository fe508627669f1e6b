import type { Notification } from '../notifications/outbox';
import type { SteppedCaseEvent } from './case-event-step';

/**
 * Who hears of the event: the mediator assigned, the unit a case was handed off or reopened
 * to, the court an agreement was sent to for confirmation (with the day its period ends).
 */
export function noticesOf(
  { row, event, after: next, actor }: SteppedCaseEvent,
  due?: string,
): Notification[] {
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
    case 'REOPEN':
      return [{ kind: 'case.reopened', recipientUnitId: next.holdingUnitId, ...subject, payload }];
    default:
      return [];
  }
}
