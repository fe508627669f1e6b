import type { CaseContext, CaseEvent } from '../workflows/case.machine';

/** An event that hands a case to another unit: up (上报), back down (交办), or across to another track (移交). */
export type HandOffEvent = Extract<CaseEvent, { type: 'ESCALATE' | 'RETURN_DOWN' | 'TRANSFER' }>;

/**
 * What an escalation record keeps of its event and of the case before and after it: the
 * kind, the levels and tracks, and the reason (the escalation's or transfer's reason, the
 * instructions sent down with a return).
 */
export function handOffRecordOf(event: HandOffEvent, before: CaseContext, after: CaseContext) {
  return {
    kind: event.type,
    fromLevel: before.level,
    toLevel: after.level,
    fromTrack: before.track,
    // a transfer awaiting the department's decision (医疗 §40) has no track yet: it is on its way to the one named
    toTrack: event.type === 'TRANSFER' ? event.toTrack : after.track,
    reasonCode: event.type === 'ESCALATE' ? event.reasonCode : null,
    reason: event.type === 'RETURN_DOWN' ? event.instructions : event.reason,
  };
}
