import type { UnitRepository } from '../units/unit.repository';
import type { CaseDeadline } from './case.entity';
import {
  acceptancePeriodAt,
  extendClock,
  pauseClock,
  resumeClock,
  startAcceptanceClock,
  startConfirmationClock,
  startMediationClock,
  withReading,
} from './case-deadline';
import type { SteppedCaseEvent } from './case-event-step';

/** Events after which the case is in a (new) mediation stage with its own period. */
const startsMediationStage = new Set([
  'ACCEPT',
  'ESCALATE',
  'RETURN_DOWN',
  'TRANSFER',
  'CONFIRMATION_REJECTED',
  'RESUME_MEDIATION',
]);

/**
 * The case's clock after the event. In mediation: a new stage's period (from the
 * application, for labour, where a hand-off restarts nothing), paused, resumed, or
 * extended by agreement. In screening at the type's administrative body after a
 * transfer: the body's period to decide acceptance (医疗 §40), which any way out of
 * screening ends. While a court decides on confirming the agreement: its period (民事诉讼法
 * §187), from the day the application is recorded (its filing). Elsewhere none.
 */
export async function deadlineAfter(
  stepped: SteppedCaseEvent,
  units: Pick<UnitRepository, 'findById'>,
): Promise<CaseDeadline | null> {
  const { row, event, after: next, toState, rules, today, calendar, tx } = stepped;
  const current = row.deadline;
  if (toState === 'registered' || toState === 'screening') {
    if (event.type === 'TRANSFER') {
      const department = await units.findById(next.holdingUnitId, tx);
      const period = department ? acceptancePeriodAt(rules, department) : null;
      return period ? startAcceptanceClock(period, today, today, calendar) : null;
    }
    return current?.clock === 'acceptance' ? withReading(current, today, calendar) : null;
  }
  if (toState === 'agreement.judicialConfirmation') {
    // §187 counts from filing (立案): the day the application is recorded, not the day it is dated
    if (event.type === 'REQUEST_JUDICIAL_CONFIRMATION')
      return startConfirmationClock(rules.judicialConfirmation.decisionPeriod, today, today, calendar);
    return current ? withReading(current, today, calendar) : null;
  }
  if (!toState.startsWith('mediation.')) return null;
  if (startsMediationStage.has(event.type) && next.track) {
    const mediation = current?.clock === 'mediation' || current?.clock === undefined ? current : null;
    return startMediationClock(
      rules,
      next.track,
      { today, receivedOn: row.receivedOn, current: mediation },
      calendar,
    );
  }
  if (!current) return null;
  if (event.type === 'SUSPEND' && next.track && next.suspendedReason)
    return pauseClock(current, rules, next.track, next.suspendedReason, today, calendar);
  if (event.type === 'RESUME') return resumeClock(current, today, calendar);
  if (event.type === 'EXTEND_PERIOD') return extendClock(current, event.days, today, calendar);
  return withReading(current, today, calendar);
}
