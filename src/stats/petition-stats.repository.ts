import type { DataSource } from 'typeorm';
import type { ScopedStatsQuery } from './stats.repository';

/** The counts behind the petition figures (信访统计), over the petitions a subtree received in a period. */
export interface PetitionCounts {
  received: number;
  decided: number;
  accepted: number;
  replied: number;
  /** Replied petitions that had a conclusion period (claims, 信访工作条例 §34). */
  repliedWithPeriod: number;
  /** … of which the reply fell on or before the period's last day (extensions counted). */
  repliedOnTime: number;
  /** Replied claims: only a claim's opinion can be reviewed (§35). */
  repliedClaims: number;
  reviewRequested: number;
  reviewDecided: number;
  recheckRequested: number;
  flagRepeat: number;
  flagGroup: number;
  flagSkipLevel: number;
  byCategory: Array<{ category: string; received: number; accepted: number; replied: number }>;
}

/**
 * The petitions' counts, one SQL aggregate: the petitions received (`received_on`) in the
 * period by a unit of the subtree — the first unit that held it (`held_unit_ids[1]`), so a
 * petition reviewed or rechecked above is counted once, where it was brought. What happened
 * to each is read from its own timeline (ACCEPT, REPLY, REQUEST_REVIEW, REVIEW_DECIDED,
 * REQUEST_RECHECK). The cases' type, level and track do not apply to petitions.
 */
export class PetitionStatsRepository {
  constructor(private readonly db: DataSource) {}

  async counts(query: Pick<ScopedStatsQuery, 'scopeUnitIds' | 'from' | 'to'>): Promise<PetitionCounts> {
    const params: unknown[] = [query.scopeUnitIds];
    const clauses = ['p.held_unit_ids[1] = ANY($1::uuid[])'];
    if (query.from) {
      params.push(query.from);
      clauses.push(`p.received_on >= $${params.length}::date`);
    }
    if (query.to) {
      params.push(query.to);
      clauses.push(`p.received_on <= $${params.length}::date`);
    }
    const rows: Array<Record<string, number | string>> = await this.db.query(
      `SELECT k.category, count(*)::int AS received,
              count(*) FILTER (WHERE k.decided)::int AS decided,
              count(*) FILTER (WHERE k.accepted)::int AS accepted,
              count(*) FILTER (WHERE k.replied_on IS NOT NULL)::int AS replied,
              count(*) FILTER (WHERE k.replied_on IS NOT NULL AND k.conclusion_due IS NOT NULL)::int AS replied_with_period,
              count(*) FILTER (WHERE k.replied_on <= k.conclusion_due)::int AS replied_on_time,
              count(*) FILTER (WHERE k.replied_on IS NOT NULL AND k.category = 'claim')::int AS replied_claims,
              count(*) FILTER (WHERE k.review_requested)::int AS review_requested,
              count(*) FILTER (WHERE k.review_decided)::int AS review_decided,
              count(*) FILTER (WHERE k.recheck_requested)::int AS recheck_requested,
              count(*) FILTER (WHERE k.flag_repeat)::int AS flag_repeat,
              count(*) FILTER (WHERE k.flag_group)::int AS flag_group,
              count(*) FILTER (WHERE k.flag_skip_level)::int AS flag_skip_level
       FROM (SELECT CASE WHEN p.category = 'suggestion' THEN 'proposal' ELSE p.category END AS category,
                    p.flag_repeat, p.flag_group, p.flag_skip_level,
                    (p.due_dates->'conclusion'->>'due')::date AS conclusion_due,
                    ev.decided, ev.accepted, ev.replied_on, ev.review_requested, ev.review_decided, ev.recheck_requested
             FROM petitions p
             CROSS JOIN LATERAL (
               SELECT COALESCE(bool_or(v.type IN ('ACCEPT', 'DECLINE', 'FORWARD')), false) AS decided,
                      COALESCE(bool_or(v.type = 'ACCEPT'), false) AS accepted,
                      min((v.at AT TIME ZONE 'Asia/Shanghai')::date) FILTER (WHERE v.type = 'REPLY') AS replied_on,
                      COALESCE(bool_or(v.type = 'REQUEST_REVIEW'), false) AS review_requested,
                      COALESCE(bool_or(v.type = 'REVIEW_DECIDED'), false) AS review_decided,
                      COALESCE(bool_or(v.type = 'REQUEST_RECHECK'), false) AS recheck_requested
               FROM petition_events v WHERE v.petition_id = p.id) ev
             WHERE ${clauses.join(' AND ')}) k
       GROUP BY k.category ORDER BY k.category`,
      params,
    );
    const sum = (column: string) => rows.reduce((total, row) => total + Number(row[column]), 0);
    return {
      received: sum('received'),
      decided: sum('decided'),
      accepted: sum('accepted'),
      replied: sum('replied'),
      repliedWithPeriod: sum('replied_with_period'),
      repliedOnTime: sum('replied_on_time'),
      repliedClaims: sum('replied_claims'),
      reviewRequested: sum('review_requested'),
      reviewDecided: sum('review_decided'),
      recheckRequested: sum('recheck_requested'),
      flagRepeat: sum('flag_repeat'),
      flagGroup: sum('flag_group'),
      flagSkipLevel: sum('flag_skip_level'),
      byCategory: rows.map((row) => ({
        category: String(row.category),
        received: Number(row.received),
        accepted: Number(row.accepted),
        replied: Number(row.replied),
      })),
    };
  }
}
