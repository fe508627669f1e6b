import type { Actor } from '../access/actor';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { Tx } from '../shared/db/transactions';
import type { CaseContext, CaseEvent } from '../workflows/case.machine';
import type { PersistedState } from '../workflows/machine-runner';
import type { DisputeRules } from '../workflows/rules/dispute-rules.types';
import type { Case } from './case.entity';
import type { HoldingUnit } from './case.repository';
import type { StagePeriodToday } from './case-period';

/**
 * One case event on the write path, once its case is locked and the event admitted: who
 * sends it, the case as the lock read it and the unit holding it, the type's rules, the
 * moment and the day (Asia/Shanghai) it happens on, and the transaction it is written in.
 * The parts of the write path (resolution, deadline, columns, side records, notices) take
 * this one object instead of their long lists of the same arguments.
 */
export interface CaseEventStep {
  actor: Actor;
  /** The case as its row lock read it (`CaseRepository.lockForEvent`). */
  row: Case;
  holdingUnit: HoldingUnit;
  rules: DisputeRules;
  calendar: WorkingCalendar;
  today: string;
  now: Date;
  tx: Tx;
  /** The stage's period read today (a period run out gates the events: `case-period.ts`). */
  period: StagePeriodToday;
  /** The statechart's context before the event. */
  before: CaseContext;
}

/** The step once the statechart took the event: the machine's event, the state and context after it, its number. */
export interface SteppedCaseEvent extends CaseEventStep {
  /** The machine's event, resolved from the payload (`CaseEventResolver`). */
  event: CaseEvent;
  /** The snapshot after the event, as it is persisted. */
  snapshot: PersistedState<CaseContext>;
  after: CaseContext;
  fromState: string;
  toState: string;
  /** The number the event takes in the case's chain (`nextSeq` of its head). */
  seq: number;
}
