import type { DataSource } from 'typeorm';
import type { StatsQuery } from './stats.schemas';

export interface CaseCounts {
  received: number;
  screened: number;
  closed: number;
  closedOnTime: number;
  closedAfterMediation: number;
  resolvedAfterMediation: number;
  resolved: number;
  resolvedAtRegisteredLevel: number;
  accepted: number;
  escalatedCases: number;
  overdue: number;
  medianDaysToClose: number | null;
}

export interface EscalationCounts {
  handOffs: number;
  reviewed: number;
  questioned: number;
}

export interface AgreementCounts {
  due: number;
  fulfilled: number;
}

/** The figures' filter: the query, with the subtree it covers as the ids of its units. */
export type ScopedStatsQuery = StatsQuery & { scopeUnitIds: string[] };

/**
 * The figures' counts, each one SQL aggregate over an indexed subtree filter: the
 * cases registered in the unit's subtree in the period (by registration date,
 * Asia/Shanghai), narrowed by type, level and track.
 */
export class StatsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The ids of the units in a subtree, asked once per request: the figures' queries take
   * them as a value, whose size the planner knows (a subquery on the ltree path it guessed
   * at 5 units for a district's 535, and chose nested loops over 90,000 cases).
   */
  async unitIdsUnder(scopePath: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      'SELECT u.id FROM units u WHERE u.path <@ $1::ltree',
      [scopePath],
    );
    return rows.map((row) => row.id);
  }

  private caseFilter(query: ScopedStatsQuery, params: unknown[]): string {
    params.push(query.scopeUnitIds);
    const clauses = [`c.registered_unit_id = ANY($${params.length}::uuid[])`];
    if (query.from) {
      params.push(query.from);
      clauses.push(`c.created_at >= ($${params.length}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
    }
    if (query.to) {
      params.push(query.to);
      clauses.push(`c.created_at < ($${params.length}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
    }
    for (const column of ['type', 'level', 'track'] as const) {
      if (query[column]) {
        params.push(query[column]);
        clauses.push(`c.${column} = $${params.length}`);
      }
    }
    return clauses.join(' AND ');
  }

  /**
   * The hand-offs that can belong to the selected cases: those made since the period
   * began, for none is made before its case was registered (a trigger sees to it,
   * migration IndexHandOffFiguresByDay) — a year's instead of every one ever made.
   */
  private handOffsSince(query: ScopedStatsQuery, params: unknown[]): string {
    if (!query.from) return 'TRUE';
    params.push(query.from);
    return `e.created_at >= ($${params.length}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`;
  }

  /**
   * The escalated cases are one set probed by hash (`c.id IN (…)`), not an EXISTS per case:
   * a district-year is ~90,000 cases at city scale (test/bench), and the set holds only the
   * escalations made since the period began (`handOffsSince`). The days to close are
   * `date_part` (double precision), not `extract` (numeric since PostgreSQL 14): the median
   * sorts ~80,000 of them, and numeric arithmetic and comparison took 140 ms of it there.
   */
  async caseCounts(query: ScopedStatsQuery): Promise<CaseCounts> {
    const params: unknown[] = [];
    const where = this.caseFilter(query, params);
    const since = this.handOffsSince(query, params);
    const [row] = await this.db.query(
      `SELECT
         count(*)::int AS received,
         count(*) FILTER (WHERE c.screened_at IS NOT NULL)::int AS screened,
         count(*) FILTER (WHERE c.state = 'closed')::int AS closed,
         count(*) FILTER (WHERE c.state = 'closed' AND c.closed_on_time)::int AS closed_on_time,
         count(*) FILTER (WHERE c.state = 'closed' AND c.accepted_at IS NOT NULL)::int AS closed_after_mediation,
         count(*) FILTER (WHERE c.state = 'closed' AND c.accepted_at IS NOT NULL AND c.outcome = 'resolved')::int AS resolved_after_mediation,
         count(*) FILTER (WHERE c.state = 'closed' AND c.outcome = 'resolved')::int AS resolved,
         count(*) FILTER (WHERE c.state = 'closed' AND c.outcome = 'resolved'
                          AND c.resolved_level IS NOT DISTINCT FROM c.registered_level)::int AS resolved_at_registered_level,
         count(*) FILTER (WHERE c.accepted_at IS NOT NULL)::int AS accepted,
         count(*) FILTER (WHERE c.id IN (SELECT e.case_id FROM escalations e WHERE e.kind = 'ESCALATE' AND ${since}))::int AS escalated_cases,
         count(*) FILTER (WHERE c.state <> 'closed' AND c.overdue)::int AS overdue,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', c.closed_at - c.created_at) / 86400)
           FILTER (WHERE c.state = 'closed' AND c.closed_at IS NOT NULL) AS median_days_to_close
       FROM cases c WHERE ${where}`,
      params,
    );
    return {
      received: row.received,
      screened: row.screened,
      closed: row.closed,
      closedOnTime: row.closed_on_time,
      closedAfterMediation: row.closed_after_mediation,
      resolvedAfterMediation: row.resolved_after_mediation,
      resolved: row.resolved,
      resolvedAtRegisteredLevel: row.resolved_at_registered_level,
      accepted: row.accepted,
      escalatedCases: row.escalated_cases,
      overdue: row.overdue,
      medianDaysToClose: row.median_days_to_close === null ? null : Number(row.median_days_to_close),
    };
  }

  /**
   * The agreements of the selected cases: the cases picked first (one index-only scan), then
   * the agreements reached since the period began probed against them by hash. An agreement
   * is never reached before its case was registered (a trigger sees to it), so that range
   * holds every agreement of a case registered in the period; without it this joined every
   * agreement ever made (≈ 800,000 at city scale: 300–460 ms, the slowest figure).
   */
  async agreementCounts(query: ScopedStatsQuery, today: string): Promise<AgreementCounts> {
    const params: unknown[] = [];
    const where = this.caseFilter(query, params);
    let reached = '';
    if (query.from) {
      params.push(query.from);
      reached = `a.reached_on >= $${params.length}::date AND`;
    }
    params.push(today);
    const [row] = await this.db.query(
      `WITH selected AS MATERIALIZED (SELECT c.id FROM cases c WHERE ${where})
       SELECT count(*) FILTER (WHERE a.perform_by < $${params.length}::date AND a.status <> 'superseded')::int AS due,
              count(*) FILTER (WHERE a.perform_by < $${params.length}::date AND a.status = 'fulfilled')::int AS fulfilled
       FROM agreements a WHERE ${reached} a.case_id IN (SELECT s.id FROM selected s)`,
      params,
    );
    return { due: row.due, fulfilled: row.fulfilled };
  }

  /**
   * Hand-offs of the selected cases, overall and per unit that handed them off, beside how
   * many of them each unit held. Two reads of the selected cases' index entries (the units
   * that held each; the ids the period's hand-offs are matched against by hash) cost less
   * than one read kept in a CTE: 90,000 cases with their unit arrays spill to disk.
   */
  async escalationCounts(query: ScopedStatsQuery): Promise<{
    overall: EscalationCounts;
    byUnit: Array<EscalationCounts & { unitId: string; held: number }>;
  }> {
    const params: unknown[] = [];
    const where = this.caseFilter(query, params);
    const since = this.handOffsSince(query, params);
    const rows: Array<{
      unit_id: string;
      hand_offs: number;
      reviewed: number;
      questioned: number;
      held: number;
    }> = await this.db.query(
      `WITH held AS (
         SELECT h.unit_id, count(*)::int AS held
         FROM cases c CROSS JOIN LATERAL unnest(c.held_unit_ids) AS h(unit_id) WHERE ${where} GROUP BY h.unit_id),
       handed AS (
         SELECT e.from_unit_id AS unit_id, count(*)::int AS hand_offs,
                count(*) FILTER (WHERE e.status <> 'pending')::int AS reviewed,
                count(*) FILTER (WHERE e.status = 'questioned')::int AS questioned
         FROM escalations e
         WHERE ${since} AND e.case_id IN (SELECT c.id FROM cases c WHERE ${where})
         GROUP BY e.from_unit_id)
       SELECT h.unit_id, h.held, COALESCE(x.hand_offs, 0) AS hand_offs, COALESCE(x.reviewed, 0) AS reviewed,
              COALESCE(x.questioned, 0) AS questioned
       FROM held h LEFT JOIN handed x ON x.unit_id = h.unit_id
       ORDER BY hand_offs DESC, h.held DESC`,
      params,
    );
    const overall = rows.reduce(
      (sum, row) => ({
        handOffs: sum.handOffs + row.hand_offs,
        reviewed: sum.reviewed + row.reviewed,
        questioned: sum.questioned + row.questioned,
      }),
      { handOffs: 0, reviewed: 0, questioned: 0 },
    );
    return {
      overall,
      byUnit: rows.map((row) => ({
        unitId: row.unit_id,
        held: row.held,
        handOffs: row.hand_offs,
        reviewed: row.reviewed,
        questioned: row.questioned,
      })),
    };
  }

  /** Received and closed per month (Asia/Shanghai), for the chart. */
  async monthly(
    query: ScopedStatsQuery,
  ): Promise<Array<{ month: string; received: number; closed: number }>> {
    const params: unknown[] = [];
    const where = this.caseFilter(query, params);
    return this.db.query(
      `SELECT to_char(date_trunc('month', c.created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM') AS month,
              count(*)::int AS received,
              count(*) FILTER (WHERE c.state = 'closed')::int AS closed
       FROM cases c WHERE ${where} GROUP BY 1 ORDER BY 1`,
      params,
    );
  }

  /** Counts by type, and where closed cases ended by level. */
  async breakdowns(query: ScopedStatsQuery) {
    const params: unknown[] = [];
    const where = this.caseFilter(query, params);
    const byType: Array<{ type: string; received: number; closed: number }> = await this.db.query(
      `SELECT c.type, count(*)::int AS received, count(*) FILTER (WHERE c.state = 'closed')::int AS closed
       FROM cases c WHERE ${where} GROUP BY c.type ORDER BY received DESC`,
      params,
    );
    const byLevel: Array<{ level: string | null; track: string | null; closed: number; resolved: number }> =
      await this.db.query(
        `SELECT c.level, c.track, count(*)::int AS closed, count(*) FILTER (WHERE c.outcome = 'resolved')::int AS resolved
       FROM cases c WHERE ${where} AND c.state = 'closed' GROUP BY c.level, c.track ORDER BY closed DESC`,
        params,
      );
    return { byType, byLevel };
  }
}
