import type { DataSource } from 'typeorm';

export interface OverdueCase {
  id: string;
  number: string;
  title: string;
  type: string;
  state: string;
  holding_unit_id: string;
  mediator_id: string | null;
  deadline_due: string;
  /** The day the overdue clock started, to tell whether its period crossed a year without a holiday notice. */
  deadline_started_on: string | null;
}

/** Supervisors' cross-subtree queries: the overdue list (the chain check is `ChainAuditService`'s). */
export class SupervisionRepository {
  constructor(private readonly db: DataSource) {}

  /** Open overdue cases held in the subtree, the latest first (most days late). */
  overdueWithin(scopePath: string, limit = 500): Promise<OverdueCase[]> {
    return this.db.query(
      `SELECT c.id, c.number, c.title, c.type, c.state, c.holding_unit_id, c.mediator_id, to_char(c.deadline_due, 'YYYY-MM-DD') AS deadline_due,
              c.deadline->>'startedOn' AS deadline_started_on
       FROM cases c JOIN units u ON u.id = c.holding_unit_id
       WHERE c.overdue AND c.state <> 'closed' AND u.path <@ $1::ltree
       ORDER BY c.deadline_due ASC, c.number
       LIMIT $2`,
      [scopePath, limit],
    );
  }
}
