import type { DataSource } from 'typeorm';
import { dayStartsAt } from '../shared/db/sql-text';
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
  overdue: number;
  medianDaysToClose: number | null;
}

export interface EscalationCounts {
  handOffs: number;
  reviewed: number;
  questioned: number;
}

/**
 * What one unit did with the selected cases it held: how many of them it escalated (上报),
 * returned down (交办) and transferred (移交) — each case counted once per kind, and only a
 * case the unit held, so each is a part of `held` by construction.
 */
export interface UnitHandOffCounts extends EscalationCounts {
  unitId: string;
  held: number;
  escalatedCases: number;
  returnedCases: number;
  transferredCases: number;
}

export interface HandOffFigures {
  overall: EscalationCounts;
  /** The selected cases escalated (handed up) at least once since the period began. */
  escalatedCases: number;
  byUnit: UnitHandOffCounts[];
  /** The selected cases' escalations (上报) since the period began, by their reason code. */
  byReasonCode: ReasonCodeCounts[];
}

/** The escalations (ESCALATE) of the selected cases with one reason code (null: none given). */
export interface ReasonCodeCounts {
  reasonCode: string | null;
  escalations: number;
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
      clauses.push(`c.created_at >= ${dayStartsAt(`$${params.length}`)}`);
    }
    if (query.to) {
      params.push(query.to);
      clauses.push(`c.created_at < ${dayStartsAt(`$${params.length}`, 1)}`);
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
    return `e.created_at >= ${dayStartsAt(`$${params.length}`)}`;
  }

  /**
   * The counts over the selected cases' own columns, read from the index that covers them.
   * Each case's facts (closed? resolved? …) are worked out once, in a subquery kept apart
   * by `OFFSET 0`; inlined, each count's filter compared the state's text again (97 → 80 ms
   * for 90,000 cases at 1M, test/bench). The days to close are `date_part` (double
   * precision), not `extract` (numeric since PostgreSQL 14): the median sorts ~80,000 of
   * them, and numeric arithmetic and comparison took 140 ms of it there. The escalated cases
   * are counted with the hand-offs (`handOffFigures`), which match the period's hand-offs to
   * these cases anyway.
   */
  async caseCounts(query: ScopedStatsQuery): Promise<CaseCounts> {
    const params: unknown[] = [];
    const where = this.caseFilter(query, params);
    const [row] = await this.db.query(
      `SELECT
         count(*)::int AS received,
         count(*) FILTER (WHERE k.screened)::int AS screened,
         count(*) FILTER (WHERE k.closed)::int AS closed,
         count(*) FILTER (WHERE k.closed AND k.closed_on_time)::int AS closed_on_time,
         count(*) FILTER (WHERE k.closed AND k.accepted)::int AS closed_after_mediation,
         count(*) FILTER (WHERE k.closed AND k.accepted AND k.resolved)::int AS resolved_after_mediation,
         count(*) FILTER (WHERE k.closed AND k.resolved)::int AS resolved,
         count(*) FILTER (WHERE k.closed AND k.resolved AND k.at_registered_level)::int AS resolved_at_registered_level,
         count(*) FILTER (WHERE k.accepted)::int AS accepted,
         count(*) FILTER (WHERE NOT k.closed AND k.overdue)::int AS overdue,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY k.days_to_close)
           FILTER (WHERE k.closed AND k.days_to_close IS NOT NULL) AS median_days_to_close
       FROM (SELECT c.screened_at IS NOT NULL AS screened, c.state = 'closed' AS closed, c.closed_on_time,
                    c.accepted_at IS NOT NULL AS accepted, c.outcome = 'resolved' AS resolved,
                    c.resolved_level IS NOT DISTINCT FROM c.registered_level AS at_registered_level, c.overdue,
                    date_part('epoch', c.closed_at - c.created_at) / 86400 AS days_to_close
             FROM cases c WHERE ${where} OFFSET 0) k`,
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
      overdue: row.overdue,
      medianDaysToClose: row.median_days_to_close === null ? null : Number(row.median_days_to_close),
    };
  }

  /**
   * The agreements of the selected cases: the agreements reached since the period began,
   * matched by hash against the selected cases (one index-only scan). An agreement is never
   * reached before its case was registered (a trigger sees to it), so that range holds every
   * agreement of a case registered in the period; without it this joined every agreement
   * ever made (≈ 800,000 at city scale: 300–460 ms, the slowest figure). A plain semi-join,
   * not the cases kept in a CTE first: 90,000 ids spill a CTE to disk (89 → 75 ms at 1M).
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
      `SELECT count(*) FILTER (WHERE a.perform_by < $${params.length}::date AND a.status <> 'superseded')::int AS due,
              count(*) FILTER (WHERE a.perform_by < $${params.length}::date AND a.status = 'fulfilled')::int AS fulfilled
       FROM agreements a WHERE ${reached} a.case_id IN (SELECT c.id FROM cases c WHERE ${where})`,
      params,
    );
    return { due: row.due, fulfilled: row.fulfilled };
  }

  /**
   * The selected cases' hand-offs: overall, per unit that handed them off beside how many
   * of the cases each unit held, how many of the cases were escalated, and the escalations
   * by reason code. The period's hand-offs are matched by hash against the selected cases once,
   * from the index that includes what the figures need, and read three times (per unit; escalated
   * cases; reason codes, until issue 22's eleventh round a query of its own that hashed the
   * selected cases again: test/bench/README item 31).
   * The units that held each case are `unnest` in the select list, not a LATERAL function scan,
   * which built a set per case (94 → 56 ms for 90,000 cases at 1M). A unit's escalated,
   * returned and transferred cases are distinct cases of the ones it held (a hand-off from a
   * unit that never held the case is not its), so no rate built on `held` passes 100 % (issue
   * 21: counting hand-offs gave 莘庄镇 200 %). The reason codes count every escalation of the
   * selected cases, whichever unit made it. One row, whatever the selection.
   */
  async handOffFigures(query: ScopedStatsQuery): Promise<HandOffFigures> {
    const params: unknown[] = [];
    const where = this.caseFilter(query, params);
    const since = this.handOffsSince(query, params);
    const [row]: Array<{
      units: Array<{
        unit_id: string;
        hand_offs: number;
        reviewed: number;
        questioned: number;
        held: number;
        escalated: number;
        returned: number;
        transferred: number;
      }> | null;
      escalated_cases: number;
      reason_codes: Array<{
        reason_code: string | null;
        escalations: number;
        reviewed: number;
        questioned: number;
      }> | null;
    }> = await this.db.query(
      `WITH held AS (
         SELECT h.unit_id, count(*)::int AS held
         FROM (SELECT unnest(c.held_unit_ids) AS unit_id FROM cases c WHERE ${where}) h GROUP BY h.unit_id),
       period_hand_offs AS (
         SELECT e.from_unit_id, e.case_id, e.kind, e.status, e.reason_code,
                e.from_unit_id = ANY(c.held_unit_ids) AS by_holder
         FROM escalations e JOIN cases c ON c.id = e.case_id
         WHERE ${since} AND ${where}),
       hand_offs AS NOT MATERIALIZED (SELECT * FROM period_hand_offs x WHERE x.by_holder),
       handed AS (
         SELECT x.from_unit_id AS unit_id, count(*)::int AS hand_offs,
                count(*) FILTER (WHERE x.status <> 'pending')::int AS reviewed,
                count(*) FILTER (WHERE x.status = 'questioned')::int AS questioned,
                count(DISTINCT x.case_id) FILTER (WHERE x.kind = 'ESCALATE')::int AS escalated,
                count(DISTINCT x.case_id) FILTER (WHERE x.kind = 'RETURN_DOWN')::int AS returned,
                count(DISTINCT x.case_id) FILTER (WHERE x.kind = 'TRANSFER')::int AS transferred
         FROM hand_offs x GROUP BY x.from_unit_id),
       per_unit AS (
         SELECT h.unit_id, h.held, COALESCE(x.hand_offs, 0) AS hand_offs, COALESCE(x.reviewed, 0) AS reviewed,
                COALESCE(x.questioned, 0) AS questioned, COALESCE(x.escalated, 0) AS escalated,
                COALESCE(x.returned, 0) AS returned, COALESCE(x.transferred, 0) AS transferred
         FROM held h LEFT JOIN handed x ON x.unit_id = h.unit_id),
       reasons AS (
         SELECT x.reason_code, count(*)::int AS escalations,
                count(*) FILTER (WHERE x.status <> 'pending')::int AS reviewed,
                count(*) FILTER (WHERE x.status = 'questioned')::int AS questioned
         FROM period_hand_offs x WHERE x.kind = 'ESCALATE' GROUP BY x.reason_code)
       SELECT (SELECT json_agg(u ORDER BY u.hand_offs DESC, u.held DESC, u.unit_id) FROM per_unit u) AS units,
              (SELECT count(DISTINCT x.case_id)::int FROM hand_offs x WHERE x.kind = 'ESCALATE') AS escalated_cases,
              (SELECT json_agg(r) FROM reasons r) AS reason_codes`,
      params,
    );
    const units = row?.units ?? [];
    const overall = units.reduce(
      (sum, unit) => ({
        handOffs: sum.handOffs + unit.hand_offs,
        reviewed: sum.reviewed + unit.reviewed,
        questioned: sum.questioned + unit.questioned,
      }),
      { handOffs: 0, reviewed: 0, questioned: 0 },
    );
    return {
      overall,
      escalatedCases: row?.escalated_cases ?? 0,
      byUnit: units.map((unit) => ({
        unitId: unit.unit_id,
        held: unit.held,
        handOffs: unit.hand_offs,
        reviewed: unit.reviewed,
        questioned: unit.questioned,
        escalatedCases: unit.escalated,
        returnedCases: unit.returned,
        transferredCases: unit.transferred,
      })),
      byReasonCode: (row?.reason_codes ?? []).map((reason) => ({
        reasonCode: reason.reason_code,
        escalations: reason.escalations,
        reviewed: reason.reviewed,
        questioned: reason.questioned,
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
