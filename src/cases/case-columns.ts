import type { Case, CaseDeadline } from './case.entity';

/**
 * The case columns derived from others, computed the same way wherever a case row is
 * written: at registration, by the write path after each event, by the historic import.
 */

/** The clock's columns: the deadline, its last day (indexed for the lists) and whether that has passed. */
export function clockColumns(
  deadline: CaseDeadline | null,
  today: string,
): Pick<Case, 'deadline' | 'deadlineDue' | 'overdue'> {
  return {
    deadline,
    deadlineDue: deadline?.due ?? null,
    overdue: deadline ? deadline.due < today : false,
  };
}

/** The level a case was resolved at: its level, when it closed resolved; else none. */
export function resolvedLevelOf(
  state: string,
  outcome: Case['outcome'],
  level: Case['level'],
): Case['resolvedLevel'] {
  return state === 'closed' && outcome === 'resolved' ? level : null;
}
