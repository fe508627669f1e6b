import { readClock } from '../deadlines/clock';
import { addDays, type PlainDate } from '../deadlines/plain-date';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import { RuleViolationError } from '../shared/errors';
import type { DisputeRules, LegalSource, StageDeadline } from '../workflows/rules/dispute-rules.types';
import type { Case } from './case.entity';

/**
 * Where a case's mediation period stands today, as the workflow decides with it: whether
 * it has run out, and what the law makes of that — the mediation counts as failed
 * (医疗纠纷预防和处理条例 §38, §40), or a party may now apply for arbitration (劳动争议调解
 * 仲裁法 §14). Read from the case's clock and today's calendar, like every deadline.
 */
export interface StagePeriodToday {
  /** The stage's rule, while the case is in mediation on a track. */
  stage: StageDeadline | null;
  /** Today is past the period's last day (a stopped clock never is). */
  runOut: boolean;
  /** The first day after the period, once it has run out: the day arbitration opened, or mediation failed. */
  runOutSince: PlainDate | null;
  /** Run out, and the rule says so: only FAIL and EXTEND_PERIOD are left. */
  failedByExpiry: boolean;
}

/** What is left once a period whose expiry counts as failure has run out: record the failure, or an agreed extension. */
export const eventsLeftOnceFailedByExpiry: readonly string[] = ['FAIL', 'EXTEND_PERIOD'];

export function stagePeriodToday(
  row: Pick<Case, 'state' | 'track' | 'deadline'>,
  rules: DisputeRules,
  today: PlainDate,
  calendar: WorkingCalendar,
): StagePeriodToday {
  const deadline = row.deadline;
  const stage = row.state.startsWith('mediation.') && row.track ? rules.deadlines[row.track] : null;
  if (!stage || !deadline || (deadline.clock ?? 'mediation') !== 'mediation') {
    return { stage, runOut: false, runOutSince: null, failedByExpiry: false };
  }
  const reading = readClock(
    { startedOn: deadline.startedOn, days: deadline.days, basis: deadline.basis, pauses: deadline.pauses },
    today,
    calendar,
  );
  return {
    stage,
    runOut: reading.overdue,
    runOutSince: reading.overdue ? addDays(reading.due, 1) : null,
    failedByExpiry: reading.overdue && stage.expiryCountsAsFailure,
  };
}

/** Whether an event may still be sent as the period stands (the write path and the allowed list agree). */
export function isAdmittedAsPeriodStands(eventType: string, period: StagePeriodToday): boolean {
  return !period.failedByExpiry || eventsLeftOnceFailedByExpiry.includes(eventType);
}

/**
 * The write path's check before the statechart's: 422 `period_run_out` when the period has
 * run out and counts as failed mediation, for anything but FAIL or an agreed extension;
 * 422 `period_not_extendable` for an extension on a track whose rule allows none (§40).
 */
export function assertAdmittedAsPeriodStands(eventType: string, period: StagePeriodToday): void {
  if (eventType === 'EXTEND_PERIOD' && period.stage && !period.stage.extensionByAgreement) {
    throw new RuleViolationError('period_not_extendable', undefined, sourceParams(period.stage.source));
  }
  if (!isAdmittedAsPeriodStands(eventType, period)) {
    throw new RuleViolationError('period_run_out', undefined, {
      ...sourceParams((period.stage as StageDeadline).source),
      event: eventType,
      since: period.runOutSince,
      allowed: [...eventsLeftOnceFailedByExpiry],
    });
  }
}

function sourceParams(source: LegalSource) {
  return { source: source.zh, sourceEn: source.en };
}
