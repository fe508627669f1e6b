import type { DataSource } from 'typeorm';
import type { CaseDeadline } from '../cases/case.entity';
import type { PetitionDueDates } from '../petitions/petition.entity';

/** A case or petition as the progress lookup reads it: what a party may be told, and the code's hash. */
export interface ProgressRecord {
  subjectType: 'case' | 'petition';
  id: string;
  number: string;
  /** The dispute type of a case, the category (信访工作条例 §31) of a petition. */
  kind: string;
  state: string;
  outcome: string | null;
  track: string | null;
  deadline: CaseDeadline | null;
  dueDates: PetitionDueDates | null;
  /** The statechart's context (`nextSession`, windows to ask for a review, the rules' excerpt). */
  context: Record<string, unknown>;
  /** The holding unit's names and its public contact phone (normalised), if it has one. */
  holdingUnit: { nameZh: string; nameEn: string; phone: string | null };
  updatedAt: Date;
  /**
   * The event that closed a case unresolved — the last FAIL or BREACHED (mediation may have
   * resumed after an earlier one) — with the ways on it named: FAIL's one (arbitration,
   * litigation …), BREACHED's from the rules (人民调解法 §32; 劳动争议调解仲裁法 §15, §16).
   */
  closedBy: { type: 'FAIL' | 'BREACHED'; guidance: string[] } | null;
}

/**
 * The one read of the public lookup: a number (a case's or a petition's, the prefixes differ),
 * with its lookup code's hash when the lookup is on. It always answers one row and does the same
 * work whether or not the number exists, so that the time taken does not tell.
 */
export class ProgressLookupQueries {
  constructor(private readonly db: DataSource) {}

  async findByNumber(number: string): Promise<{ record: ProgressRecord | null; codeHash: string | null }> {
    const [row]: Array<Record<string, unknown>> = await this.db.query(
      `WITH subject AS (
         SELECT 'case' AS subject_type, c.id, c.number, c.type AS kind, c.state, c.outcome, c.track,
                c.deadline, NULL::jsonb AS due_dates, c.snapshot -> 'context' AS context,
                c.holding_unit_id, c.updated_at
         FROM cases c WHERE c.number = $1
         UNION ALL
         SELECT 'petition', p.id, p.number, p.category, p.state, NULL, NULL,
                NULL, p.due_dates, p.snapshot -> 'context', p.holding_unit_id, p.updated_at
         FROM petitions p WHERE p.number = $1
       )
       SELECT s.*, u.name_zh, u.name_en, u.phone AS unit_phone,
              CASE WHEN l.lookup_enabled THEN l.code_hash END AS code_hash,
              (SELECT jsonb_build_object('type', e.type, 'guidance', e.payload -> 'guidance')
                 FROM case_events e
                WHERE s.subject_type = 'case' AND e.case_id = s.id AND e.type IN ('FAIL', 'BREACHED')
                ORDER BY e.seq DESC LIMIT 1) AS closed_by
       FROM (VALUES (1)) AS one (x)
       LEFT JOIN subject s ON true
       LEFT JOIN lookup_codes l ON l.subject_type = s.subject_type AND l.subject_id = s.id
       LEFT JOIN units u ON u.id = s.holding_unit_id
       LIMIT 1`,
      [number],
    );
    const codeHash = (row?.code_hash as string | null) ?? null;
    if (!row?.id) return { record: null, codeHash };
    return {
      codeHash,
      record: {
        subjectType: row.subject_type as ProgressRecord['subjectType'],
        id: String(row.id),
        number: String(row.number),
        kind: String(row.kind),
        state: String(row.state),
        outcome: (row.outcome as string | null) ?? null,
        track: (row.track as string | null) ?? null,
        deadline: (row.deadline as CaseDeadline | null) ?? null,
        dueDates: (row.due_dates as PetitionDueDates | null) ?? null,
        context: (row.context as Record<string, unknown> | null) ?? {},
        holdingUnit: {
          nameZh: String(row.name_zh ?? ''),
          nameEn: String(row.name_en ?? ''),
          phone: (row.unit_phone as string | null) ?? null,
        },
        updatedAt: new Date(row.updated_at as string),
        closedBy: closedByOf(row.closed_by),
      },
    };
  }
}

/** FAIL records one way (a string), BREACHED a list of `{guidance, source}`: both read as a list of ways. */
function closedByOf(value: unknown): ProgressRecord['closedBy'] {
  if (!value || typeof value !== 'object') return null;
  const { type, guidance } = value as { type?: unknown; guidance?: unknown };
  if (type !== 'FAIL' && type !== 'BREACHED') return null;
  const entries = Array.isArray(guidance) ? guidance : [guidance];
  const ways = entries
    .map((entry) => (entry && typeof entry === 'object' ? (entry as { guidance?: unknown }).guidance : entry))
    .filter((way): way is string => typeof way === 'string');
  return { type, guidance: ways };
}
