import type { CaseEvent } from './case-events/case-events';
import { failureGuidances } from './rules/dispute-rules.types';

/**
 * Probe events for `allowedEvents()`: one per event type, plus one per value of
 * every payload field a guard reads (TRANSFER's `toTrack`, FAIL's `guidance`,
 * REFER_OUT's `agency`). Dates a guard compares are `today` (YYYY-MM-DD, Asia/Shanghai):
 * a confirmation applied for today is what the button in front of the user would send;
 * whether the stage's period has run out is the case's clock read today (`clock`), as
 * the service resolves REFER_OUT. Ids are placeholders: no guard reads them.
 */
export function caseEventProbes(
  today: string,
  clock: { periodRunOut: boolean } = { periodRunOut: false },
): CaseEvent[] {
  const unitId = 'probe-unit';
  return [
    { type: 'SUBMIT' },
    { type: 'ACCEPT', track: 'people', level: 'community', unitId },
    { type: 'ACCEPT', track: 'administrative', unitId },
    { type: 'ACCEPT', track: 'judicial', unitId },
    { type: 'DECLINE', reason: 'probe' },
    { type: 'REFER_OUT', agency: 'other', reason: 'probe', periodRunOut: clock.periodRunOut },
    { type: 'REFER_OUT', agency: 'arbitration', reason: 'probe', periodRunOut: clock.periodRunOut },
    { type: 'ASSIGN', mediatorId: 'probe-mediator' },
    { type: 'LOG_SESSION', kind: 'session', heldAt: today, minutes: 'probe' },
    { type: 'SCHEDULE_SESSION', at: today },
    { type: 'CANCEL_SESSION', appointmentId: 'probe-appointment', reason: 'probe' },
    { type: 'SUSPEND', reason: 'other' },
    { type: 'RESUME' },
    {
      type: 'REACH_AGREEMENT',
      form: 'written',
      terms: 'probe',
      confirmationWindowEndsOn: today,
      reachedOn: today,
    },
    { type: 'ESCALATE', reasonCode: 'other', reason: 'probe', unitId },
    { type: 'RETURN_DOWN', instructions: 'probe', unitId },
    { type: 'TRANSFER', toTrack: 'people', level: 'community', unitId, reason: 'probe' },
    { type: 'TRANSFER', toTrack: 'administrative', unitId, reason: 'probe' },
    { type: 'TRANSFER', toTrack: 'judicial', unitId, reason: 'probe' },
    ...failureGuidances.map((guidance): CaseEvent => ({ type: 'FAIL', reason: 'probe', guidance })),
    { type: 'EXTEND_PERIOD', days: 1, reason: 'probe' },
    { type: 'WITHDRAW', by: 'both' },
    { type: 'REQUEST_JUDICIAL_CONFIRMATION', court: 'probe-court', appliedOn: today, jointlyApplied: true },
    { type: 'CONFIRMED', rulingNo: 'probe', ruledOn: today },
    { type: 'CONFIRMATION_REJECTED', reason: 'probe' },
    { type: 'RECORD_FOLLOW_UP', visitedAt: today, note: 'probe', performed: 'none' },
    { type: 'FULFILLED' },
    { type: 'BREACHED', guidance: [] },
    { type: 'RESUME_MEDIATION' },
    { type: 'REOPEN', reason: 'probe' },
    { type: 'SET_RISK_GRADE', riskGrade: 1, reason: 'probe' },
  ];
}
