import type { DataSource, EntityManager } from 'typeorm';

/** A case of a group (群体性纠纷) as the master's page counts it. */
export interface GroupMemberRow {
  id: string;
  number: string;
  title: string;
  state: string;
  outcome: string | null;
  /** The case's own people: its group size where one was given, else its applicants. */
  people: number;
  /** An agreement was reached (whatever became of it since, but superseded). */
  agreementReached: boolean;
  agreementFulfilled: boolean;
}

/** A petition a case was linked from (诉访分离), with what deciding who may see it needs. */
export interface LinkedPetitionRow {
  id: string;
  number: string;
  subject: string;
  holdingUnitId: string;
  heldUnitPaths: string[];
  agentId: string | null;
  registeredBy: string | null;
}

const memberColumns = `c.id, c.number, c.title, c.state, c.outcome,
  COALESCE(c.group_size, (SELECT count(*) FROM parties p WHERE p.case_id = c.id AND p.role = 'applicant'))::int AS people,
  EXISTS (SELECT 1 FROM agreements a WHERE a.case_id = c.id AND a.status <> 'superseded') AS "agreementReached",
  EXISTS (SELECT 1 FROM agreements a WHERE a.case_id = c.id AND a.status = 'fulfilled') AS "agreementFulfilled"`;

/**
 * The questions about groups of cases (群体性纠纷: a master case, 主案, and the individual cases
 * linked to it through `cases.master_case_id`) and about the petitions a case came from.
 */
export class CaseGroupRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  /** The case of this number (numbers are unique), or null. */
  async idByNumber(number: string, tx?: EntityManager): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.manager(tx).query(
      'SELECT id FROM cases WHERE number = $1',
      [number],
    );
    return rows[0]?.id ?? null;
  }

  /** How many cases are linked to this one as their master. */
  async memberCount(masterId: string, tx?: EntityManager): Promise<number> {
    const rows: Array<{ n: number }> = await this.manager(tx).query(
      'SELECT count(*)::int AS n FROM cases WHERE master_case_id = $1',
      [masterId],
    );
    return rows[0]?.n ?? 0;
  }

  /** The master first, then its members in the order they were registered. */
  groupRows(masterId: string): Promise<GroupMemberRow[]> {
    return this.db.query(
      `SELECT ${memberColumns} FROM cases c WHERE c.id = $1 OR c.master_case_id = $1
       ORDER BY (c.id = $1) DESC, c.created_at, c.number`,
      [masterId],
    );
  }

  /**
   * Serialises the changes of groups (links and unlinks) until the transaction ends: the rules
   * of a group read other cases than the one locked (the master's own master, the member's
   * members), so two links at once — A→M while M→X — could each pass them and nest a group.
   * Links are rare; one advisory lock is enough and cannot deadlock with the case row locks.
   */
  async lockGroupChanges(tx: EntityManager): Promise<void> {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('case-groups', 0))");
  }

  /** Sets or clears a case's master (the caller holds the case's row lock and records it on its chain). */
  async setMaster(caseId: string, masterId: string | null, tx: EntityManager): Promise<void> {
    await tx.query('UPDATE cases SET master_case_id = $2 WHERE id = $1', [caseId, masterId]);
  }

  /** The petitions the case was linked from, in the order they were linked. */
  petitionsLinkedTo(caseId: string): Promise<LinkedPetitionRow[]> {
    return this.db.query(
      `SELECT pe.id, pe.number, pe.subject, pe.holding_unit_id AS "holdingUnitId",
              ARRAY(SELECT u.path::text FROM units u WHERE u.id = ANY(pe.held_unit_ids)) AS "heldUnitPaths",
              pe.agent_id AS "agentId", pe.registered_by AS "registeredBy"
       FROM petition_case_links l JOIN petitions pe ON pe.id = l.petition_id
       WHERE l.case_id = $1 ORDER BY l.created_at`,
      [caseId],
    );
  }
}
