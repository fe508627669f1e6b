import type { Case, CaseDeadline } from './case.entity';
import { clockColumns, resolvedLevelOf } from './case-columns';
import type { SteppedCaseEvent } from './case-event-step';

/** What of an event the case's derived columns depend on. */
export type ColumnsSource = Pick<SteppedCaseEvent, 'row' | 'snapshot' | 'toState' | 'today' | 'now'> & {
  event: { type: string };
};

/** The columns every event writes: the snapshot and the queryable columns beside it (`CaseRepository.recordEvent`). */
export type CaseEventColumns = Pick<
  Case,
  | 'snapshot'
  | 'version'
  | 'state'
  | 'outcome'
  | 'track'
  | 'level'
  | 'holdingUnitId'
  | 'heldUnitIds'
  | 'mediatorId'
  | 'riskGrade'
  | 'deadline'
  | 'deadlineDue'
  | 'overdue'
  | 'screenedAt'
  | 'acceptedAt'
  | 'closedAt'
  | 'closedOnTime'
  | 'resolvedLevel'
  | 'updatedAt'
>;

/** The queryable columns, in step with the new snapshot. */
export function columnsAfter(stepped: ColumnsSource, deadline: CaseDeadline | null): CaseEventColumns {
  const { row, snapshot, toState, today, now } = stepped;
  const eventType = stepped.event.type;
  const next = snapshot.context;
  const holdingUnitId = next.holdingUnitId;
  const closing = toState === 'closed' && row.state !== 'closed';
  return {
    snapshot,
    version: row.version + 1,
    state: toState,
    outcome: next.outcome,
    track: next.track,
    level: next.level,
    holdingUnitId,
    heldUnitIds: row.heldUnitIds.includes(holdingUnitId)
      ? row.heldUnitIds
      : [...row.heldUnitIds, holdingUnitId],
    mediatorId: next.mediatorId,
    riskGrade: next.riskGrade ?? row.riskGrade ?? null,
    ...clockColumns(deadline, today),
    screenedAt: row.screenedAt ?? (['ACCEPT', 'DECLINE', 'REFER_OUT'].includes(eventType) ? now : null),
    acceptedAt: eventType === 'ACCEPT' ? (row.acceptedAt ?? now) : row.acceptedAt,
    closedAt: toState === 'closed' ? (closing ? now : row.closedAt) : null,
    // a case closed with no stage clock running (e.g. after an agreement) counts as on time
    closedOnTime:
      toState === 'closed'
        ? closing
          ? row.deadline
            ? row.deadline.due >= today
            : true
          : row.closedOnTime
        : null,
    resolvedLevel: resolvedLevelOf(toState, next.outcome, next.level),
    updatedAt: now,
  };
}
