import type { Actor } from '../access/actor';
import type { Notification } from '../notifications/outbox';
import { toLocalDateTimeInput } from '../shared/format';
import type { Petition, PetitionVisit } from './petition.entity';

/**
 * A visit that found the petitioner agitated (情绪激动) or the risk high (高风险) alerts the
 * supervisors over the petition's holding unit at once, so the risk of an extreme act or a
 * mass incident is known and dealt with on the day — the rule of 人民调解法 §25 (a dispute that
 * may escalate: preventive measures, and a report at once), which the petition work follows.
 */
export function isAlarmingVisit(visit: Pick<PetitionVisit, 'mood' | 'risk'>): boolean {
  return visit.risk === 'high' || visit.mood === 'agitated';
}

/** The alert of a visit, if it calls for one: to the holding unit's supervisors (`petition.visit_alert`). */
export function visitAlertsOf(row: Petition, visit: PetitionVisit, actor: Actor): Notification[] {
  if (!isAlarmingVisit(visit)) return [];
  return [
    {
      kind: 'petition.visit_alert',
      recipientUnitId: row.holdingUnitId,
      unitAudience: 'supervisors',
      subjectType: 'petition',
      subjectId: row.id,
      payload: {
        number: row.number,
        subject: row.subject,
        by: actor.displayName,
        visitId: visit.id,
        // Asia/Shanghai wall time, the same in both languages
        visitedAt: toLocalDateTimeInput(visit.visitedAt).replace('T', ' '),
        risk: visit.risk,
        mood: visit.mood,
      },
    },
  ];
}
