import type { DataSource, EntityManager } from 'typeorm';
import type { ScreeningItemInput } from './screening.schemas';

/** A round as stored, with its unit's names. */
export interface ScreeningRoundRow {
  id: string;
  unitId: string;
  unitPath: string;
  unitNameZh: string;
  unitNameEn: string;
  period: string;
  filedBy: string;
  filedAt: Date;
  updatedAt: Date;
}

export interface ScreeningItemRow {
  id: string;
  roundId: string;
  title: string;
  type: string;
  riskGrade: number;
  peopleCount: number;
  gridId: string | null;
  description: string;
  measures: string | null;
  caseId: string | null;
  addedAt: Date;
}

/** Which rounds a list reads: a unit's subtree (by ltree path) or one unit, and optionally one period. */
export interface RoundFilter {
  scope: { subtreePath: string } | { unitId: string };
  period?: string;
  limit: number;
  offset: number;
}

const roundColumns = `r.id, r.unit_id AS "unitId", u.path::text AS "unitPath", u.name_zh AS "unitNameZh",
  u.name_en AS "unitNameEn", r.period, r.filed_by AS "filedBy", r.filed_at AS "filedAt", r.updated_at AS "updatedAt"`;
const itemColumns = `i.id, i.round_id AS "roundId", i.title, i.type, i.risk_grade AS "riskGrade",
  i.people_count AS "peopleCount", i.grid_id AS "gridId", i.description, i.measures, i.case_id AS "caseId",
  i.added_at AS "addedAt"`;

/** The only code that reads and writes screening rounds (矛盾纠纷排查), their items and missing flags. */
export class ScreeningRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  /**
   * The round of this unit and period, made if there is none, and locked for the rest of the
   * transaction (the unique key keeps one: two filings at once meet on its row).
   */
  async openRound(
    tx: EntityManager,
    round: { unitId: string; period: string; filedBy: string; now: Date },
  ): Promise<{ id: string; created: boolean }> {
    const [row]: Array<{ id: string; created: boolean }> = await tx.query(
      `INSERT INTO screening_rounds (unit_id, period, filed_by, filed_at, updated_at)
       VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT ON CONSTRAINT screening_rounds_one_per_unit_and_period
       DO UPDATE SET updated_at = EXCLUDED.updated_at
       RETURNING id, (xmax = 0) AS created`,
      [round.unitId, round.period, round.filedBy, round.now],
    );
    return row;
  }

  async insertItems(
    tx: EntityManager,
    roundId: string,
    items: ScreeningItemInput[],
    added: { by: string; at: Date },
  ): Promise<ScreeningItemRow[]> {
    const inserted: ScreeningItemRow[] = [];
    for (const item of items) {
      const [row]: ScreeningItemRow[] = await tx.query(
        `INSERT INTO screening_items AS i (round_id, title, type, risk_grade, people_count, grid_id, description,
           measures, added_by, added_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${itemColumns}`,
        [
          roundId,
          item.title,
          item.type,
          item.riskGrade,
          item.peopleCount,
          item.gridId ?? null,
          item.description,
          item.measures ?? null,
          added.by,
          added.at,
        ],
      );
      inserted.push(row);
    }
    return inserted;
  }

  async findRound(id: string, tx?: EntityManager): Promise<ScreeningRoundRow | null> {
    const rows: ScreeningRoundRow[] = await this.manager(tx).query(
      `SELECT ${roundColumns} FROM screening_rounds r JOIN units u ON u.id = r.unit_id WHERE r.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async findRoundOf(unitId: string, period: string, tx?: EntityManager): Promise<ScreeningRoundRow | null> {
    const rows: ScreeningRoundRow[] = await this.manager(tx).query(
      `SELECT ${roundColumns} FROM screening_rounds r JOIN units u ON u.id = r.unit_id
       WHERE r.unit_id = $1 AND r.period = $2`,
      [unitId, period],
    );
    return rows[0] ?? null;
  }

  /** Rounds in a subtree, newest period first, and how many match. */
  async listRounds(filter: RoundFilter): Promise<{ rows: ScreeningRoundRow[]; total: number }> {
    const byUnit = 'unitId' in filter.scope;
    const where = `${byUnit ? 'r.unit_id = $1::uuid' : 'u.path <@ $1::ltree'} AND ($2::text IS NULL OR r.period = $2)`;
    const params = [
      'unitId' in filter.scope ? filter.scope.unitId : filter.scope.subtreePath,
      filter.period ?? null,
    ];
    const [rows, [count]] = await Promise.all([
      this.db.query(
        `SELECT ${roundColumns} FROM screening_rounds r JOIN units u ON u.id = r.unit_id WHERE ${where}
         ORDER BY r.period DESC, u.path LIMIT $3 OFFSET $4`,
        [...params, filter.limit, filter.offset],
      ) as Promise<ScreeningRoundRow[]>,
      this.db.query(
        `SELECT count(*)::int AS total FROM screening_rounds r JOIN units u ON u.id = r.unit_id WHERE ${where}`,
        params,
      ) as Promise<Array<{ total: number }>>,
    ]);
    return { rows, total: count.total };
  }

  /** The items of these rounds, highest risk first. */
  async itemsOf(roundIds: string[], tx?: EntityManager): Promise<ScreeningItemRow[]> {
    if (roundIds.length === 0) return [];
    return this.manager(tx).query(
      `SELECT ${itemColumns} FROM screening_items i WHERE i.round_id = ANY($1::uuid[])
       ORDER BY i.risk_grade DESC, i.added_at, i.id`,
      [roundIds],
    );
  }

  /** An item with its round, locked (making it a case happens once). */
  async lockItem(
    tx: EntityManager,
    itemId: string,
  ): Promise<(ScreeningItemRow & { unitId: string; unitPath: string; period: string }) | null> {
    const rows = await tx.query(
      `SELECT ${itemColumns}, r.unit_id AS "unitId", u.path::text AS "unitPath", r.period
       FROM screening_items i JOIN screening_rounds r ON r.id = i.round_id JOIN units u ON u.id = r.unit_id
       WHERE i.id = $1 FOR UPDATE OF i`,
      [itemId],
    );
    return rows[0] ?? null;
  }

  /** Where an item was filed: its round and the round's unit (what access to it depends on). */
  async findItemUnit(itemId: string): Promise<{ roundId: string; unitId: string; unitPath: string } | null> {
    const rows = await this.db.query(
      `SELECT i.round_id AS "roundId", r.unit_id AS "unitId", u.path::text AS "unitPath"
       FROM screening_items i JOIN screening_rounds r ON r.id = i.round_id JOIN units u ON u.id = r.unit_id
       WHERE i.id = $1`,
      [itemId],
    );
    return rows[0] ?? null;
  }

  async setItemCase(tx: EntityManager, itemId: string, caseId: string): Promise<void> {
    await tx.query('UPDATE screening_items SET case_id = $2 WHERE id = $1', [itemId, caseId]);
  }

  /**
   * Flags, once per unit and period, the active community workstations in existence before the
   * period ended that filed no round for it; answers the flags made now.
   */
  async flagMissing(
    tx: EntityManager,
    period: { period: string; endsAt: Date; now: Date },
  ): Promise<Array<{ id: string; unitId: string; unitNameZh: string; unitNameEn: string }>> {
    return tx.query(
      `WITH flagged AS (
         INSERT INTO screening_missing_reports (unit_id, period, flagged_at)
         SELECT u.id, $1, $3 FROM units u
         WHERE u.kind = 'community' AND u.active AND u.created_at < $2
           AND NOT EXISTS (SELECT 1 FROM screening_rounds r WHERE r.unit_id = u.id AND r.period = $1)
         ON CONFLICT ON CONSTRAINT screening_missing_once_per_unit_and_period DO NOTHING
         RETURNING id, unit_id
       )
       SELECT f.id, f.unit_id AS "unitId", u.name_zh AS "unitNameZh", u.name_en AS "unitNameEn"
       FROM flagged f JOIN units u ON u.id = f.unit_id ORDER BY u.path`,
      [period.period, period.endsAt, period.now],
    );
  }

  /**
   * The supervisors' overview: each reporting unit of a subtree (community workstations) in each
   * of these periods — filed with items, zero report, or missing — with its high-risk count.
   */
  async overview(
    subtreePath: string,
    periods: string[],
  ): Promise<
    Array<{
      unitId: string;
      unitNameZh: string;
      unitNameEn: string;
      period: string;
      roundId: string | null;
      items: number;
      highRisk: number;
      /** The unit existed before the period ended (else it owed no report for it). */
      owed: boolean;
    }>
  > {
    return this.db.query(
      `SELECT u.id AS "unitId", u.name_zh AS "unitNameZh", u.name_en AS "unitNameEn", p.period,
              r.id AS "roundId",
              (SELECT count(*)::int FROM screening_items i WHERE i.round_id = r.id) AS items,
              (SELECT count(*)::int FROM screening_items i WHERE i.round_id = r.id AND i.risk_grade >= 3) AS "highRisk",
              u.created_at < (((p.period || '-01')::date + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai') AS owed
       FROM units u CROSS JOIN unnest($2::text[]) AS p(period)
       LEFT JOIN screening_rounds r ON r.unit_id = u.id AND r.period = p.period
       WHERE u.path <@ $1::ltree AND u.kind = 'community' AND u.active
       ORDER BY u.path, p.period DESC`,
      [subtreePath, periods],
    );
  }

  /** The items of grade 3 or more in a subtree and these periods, highest first (the overview's top). */
  async highRiskItems(
    subtreePath: string,
    periods: string[],
  ): Promise<Array<ScreeningItemRow & { unitNameZh: string; unitNameEn: string; period: string }>> {
    return this.db.query(
      `SELECT ${itemColumns}, u.name_zh AS "unitNameZh", u.name_en AS "unitNameEn", r.period
       FROM screening_items i JOIN screening_rounds r ON r.id = i.round_id JOIN units u ON u.id = r.unit_id
       WHERE u.path <@ $1::ltree AND r.period = ANY($2::text[]) AND i.risk_grade >= 3
       ORDER BY i.risk_grade DESC, r.period DESC, i.added_at DESC LIMIT 200`,
      [subtreePath, periods],
    );
  }

  /**
   * Every item (and zero report, as a row with no item) of a subtree between two periods: the
   * flat table an export (issue 21, G5) writes. Periods compare as text (`YYYY-MM`).
   */
  reportRows(filter: { subtreePath: string; fromPeriod: string; toPeriod: string }): Promise<
    Array<{
      period: string;
      unitId: string;
      unitNameZh: string;
      unitNameEn: string;
      filedAt: Date;
      item: ScreeningItemRow | null;
    }>
  > {
    return this.db.query(
      `SELECT r.period, r.unit_id AS "unitId", u.name_zh AS "unitNameZh", u.name_en AS "unitNameEn",
              r.filed_at AS "filedAt",
              CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object(
                'id', i.id, 'roundId', i.round_id, 'title', i.title, 'type', i.type, 'riskGrade', i.risk_grade,
                'peopleCount', i.people_count, 'gridId', i.grid_id, 'description', i.description,
                'measures', i.measures, 'caseId', i.case_id, 'addedAt', i.added_at) END AS item
       FROM screening_rounds r JOIN units u ON u.id = r.unit_id
       LEFT JOIN screening_items i ON i.round_id = r.id
       WHERE u.path <@ $1::ltree AND r.period BETWEEN $2 AND $3
       ORDER BY r.period, u.path, i.risk_grade DESC NULLS LAST, i.added_at`,
      [filter.subtreePath, filter.fromPeriod, filter.toPeriod],
    );
  }
}
