import type { DataSource, EntityManager } from 'typeorm';
import type { CaseVisibility } from '../access/policy';
import { CaseEventRecord } from '../workflows/workflow-event.entity';
import { Case } from './case.entity';
import { byLastChange, dueSoonSql, heldNow, overdueSql, scoped } from './case-list.queries';

/** What the dashboard (我的工作台) asks about cases: what waits, deadlines, recent activity. */
export class CaseDashboardQueries {
  constructor(private readonly db: DataSource) {}

  private manager(): EntityManager {
    return this.db.manager;
  }

  /** Cases the actor's place holds now in the given states, oldest first, and how many per state. */
  async waitingIn(
    visibility: CaseVisibility,
    states: readonly string[],
    limit: number,
  ): Promise<{ items: Case[]; counts: Record<string, number> }> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await heldNow(this.manager(), visibility, builder))) return { items: [], counts: {} };
    builder.andWhere('c.state IN (:...states)', { states });
    const counted = await builder
      .clone()
      .select('c.state', 'state')
      .addSelect('count(*)::int', 'count')
      .groupBy('c.state')
      .getRawMany<{ state: string; count: number }>();
    const items = await builder.orderBy('c.created_at', 'ASC').limit(limit).getMany();
    return { items, counts: Object.fromEntries(counted.map((row) => [row.state, row.count])) };
  }

  /**
   * Open cases with a running deadline, nearest first: those assigned to `mediatorId`, or
   * (without one) all the actor's place holds now; with how many are overdue and due soon
   * (the warning date, 80 % of the period, has come).
   */
  async byDeadline(
    visibility: CaseVisibility,
    options: { mediatorId?: string; today: string; limit: number; onlyPressing: boolean },
  ): Promise<{ items: Case[]; overdue: number; dueSoon: number; open: number }> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await heldNow(this.manager(), visibility, builder)))
      return { items: [], overdue: 0, dueSoon: 0, open: 0 };
    builder.andWhere(`c.state <> 'closed'`);
    if (options.mediatorId)
      builder.andWhere('c.mediator_id = :mediatorId', { mediatorId: options.mediatorId });
    const [counts] = await builder
      .clone()
      .select('count(*)::int', 'open')
      .addSelect(`count(*) FILTER (WHERE ${overdueSql})::int`, 'overdue')
      .addSelect(`count(*) FILTER (WHERE ${dueSoonSql})::int`, 'dueSoon')
      .setParameters({ today: options.today })
      .getRawMany<{ open: number; overdue: number; dueSoon: number }>();
    if (options.onlyPressing) builder.andWhere(`(${overdueSql} OR ${dueSoonSql})`, { today: options.today });
    const items = await builder
      .orderBy('c.deadline_due', 'ASC', 'NULLS LAST')
      .addOrderBy('c.created_at', 'ASC')
      .limit(options.limit)
      .getMany();
    return { items, ...counts };
  }

  /** The cases the actor may see that changed last, each with its latest event. */
  async recentActivity(
    visibility: CaseVisibility,
    limit: number,
  ): Promise<Array<{ row: Case; event: CaseEventRecord }>> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await scoped(this.manager(), visibility, builder))) return [];
    const rows = await byLastChange(builder).limit(limit).getMany();
    if (rows.length === 0) return [];
    const events: CaseEventRecord[] = await this.manager()
      .createQueryBuilder(CaseEventRecord, 'e')
      .where('e.case_id = ANY(:ids::uuid[])', { ids: rows.map((row) => row.id) })
      .andWhere('e.seq = (SELECT max(l.seq) FROM case_events l WHERE l.case_id = e.case_id)')
      .getMany();
    const byCase = new Map(events.map((event) => [event.caseId, event]));
    return rows.flatMap((row) => {
      const event = byCase.get(row.id);
      return event ? [{ row, event }] : [];
    });
  }
}
