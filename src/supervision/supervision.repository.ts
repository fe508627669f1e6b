import type { DataSource } from 'typeorm';
import type { CaseRepository } from '../cases/case.repository';
import { verifyChain } from '../workflows/event-chain';

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

/** Supervisors' cross-subtree queries: the overdue list and chain verification in bulk. */
export class SupervisionRepository {
  constructor(
    private readonly db: DataSource,
    private readonly cases: CaseRepository,
  ) {}

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

  /**
   * Verifies the chain of every case held (now or before) in the subtree, a page of
   * cases at a time, each page in one snapshot and against each case's own count of
   * events (its version + 1); returns the broken ones.
   */
  async verifyWithin(
    scopePath: string,
  ): Promise<{ checked: number; broken: Array<{ id: string; number: string; firstBrokenSeq?: number }> }> {
    const broken: Array<{ id: string; number: string; firstBrokenSeq?: number }> = [];
    let checked = 0;
    let after: string | null = null;
    for (;;) {
      const page = await this.db.transaction('REPEATABLE READ', async (tx) => {
        const rows = await this.cases.pageByNumber(after, 500, tx, scopePath);
        const events = await this.cases.eventsOfCases(
          rows.map((row) => row.id),
          tx,
        );
        for (const row of rows) {
          const chain = (events.get(row.id) ?? []).map((event) => ({ ...event, ownerId: event.caseId }));
          const result = verifyChain(chain, { events: row.version + 1 });
          if (!result.valid)
            broken.push({ id: row.id, number: row.number, firstBrokenSeq: result.firstBrokenSeq });
        }
        return rows;
      });
      checked += page.length;
      if (page.length < 500) break;
      after = page[page.length - 1].number;
    }
    return { checked, broken };
  }
}
