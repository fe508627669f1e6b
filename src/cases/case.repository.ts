import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { CaseResource, CaseVisibility } from '../access/policy';
import { type PendingInsert, WriteBatch } from '../shared/db/write-batch';
import { caseTimersColumn, type TimerRow, timersFromJson } from '../timers/deadline-timer.repository';
import type { Unit } from '../units/unit.entity';
import type { User } from '../users/user.entity';
import { caseStatePaths } from '../workflows/case.machine';
import type { ChainHead, ChainVerification } from '../workflows/event-chain';
import type { EventLog } from '../workflows/event-log';
import { CaseEventRecord } from '../workflows/workflow-event.entity';
import { Case } from './case.entity';
import type { ShownParty } from './case.presenter';
import type { CaseListQuery } from './case.schemas';
import { Agreement } from './mediation-record.entity';
import { Party } from './party.entity';

/** A running deadline whose last day is before :today (the clock not stopped). */
const overdueSql = `(c.deadline_due < :today::date AND NOT coalesce((c.deadline->>'paused')::boolean, false))`;
/** A running deadline not yet overdue whose warning day (80 % of the period) has come. */
const dueSoonSql = `(c.deadline_due >= :today::date AND (c.deadline->>'warningOn')::date <= :today::date
  AND NOT coalesce((c.deadline->>'paused')::boolean, false))`;

/** How far the case list reads before it changes method. */
export interface CaseListLimits {
  /** matches counted exactly up to this many; beyond it the total is a lower bound */
  count: number;
  /** a search term in more party names than this is matched case by case, not by a list of ids */
  partyMatches: number;
}
/**
 * 1,000: a list counts its matches exactly while that is cheap. Beyond a thousand matches
 * nobody pages through them (they narrow the filter), and counting a sub-centre's
 * 10,000 took 0.4–0.5 s at 1,000,000 cases against 35–55 ms for 1,000 (test/bench).
 */
export const caseListLimits: CaseListLimits = { count: 1000, partyMatches: 1000 };

/**
 * How deep into a search's results the list walks in its own order instead of asking the
 * bigram index (`CaseRepository.list`): with more than `caseListLimits.count` matches among
 * a million cases, the walk to row 100 tests about 100,000 cases at worst (≈ 0.3–0.8 s), while
 * the index fetches every match (72,000 for 拖欠工资: 1.3 s).
 */
const walkedRowsAtMost = 100;

/** A search term, its ILIKE pattern and the cases whose parties' names match (or 'probe': too many to list). */
interface CaseSearch {
  q: string;
  like: string;
  byName: string[] | 'probe';
}

/** One page of the case list; `totalIsLowerBound`: more than `total` cases match. */
export interface CaseListPage {
  items: Case[];
  total: number;
  totalIsLowerBound: boolean;
}

export interface NewCaseEvent {
  caseId: string;
  type: string;
  actorId: string | null;
  actorName: string | null;
  unitId: string | null;
  at: Date;
  payload: Record<string, unknown>;
  fromState: string | null;
  toState: string;
}

/** A case as other lists name it. */
export type CaseSummary = Pick<Case, 'id' | 'number' | 'title' | 'type' | 'state'>;

export type { ChainHead };

/** The unit holding a case, as an event needs it (its line upwards, whether it still works). */
export type HoldingUnit = Pick<Unit, 'id' | 'nameZh' | 'nameEn' | 'kind' | 'path' | 'parentId' | 'active'>;

/** A case with what the policy needs to decide about it. */
export interface CaseWithAccess {
  row: Case;
  resource: CaseResource;
}

interface AccessRow {
  access_paths: Array<{ id: string; path: string }> | null;
  access_agents: string[] | null;
}

function caseResource(row: Pick<Case, 'holdingUnitId' | 'heldUnitIds'>, found: AccessRow): CaseResource {
  const paths = found.access_paths ?? [];
  return {
    kind: 'case',
    holdingUnitId: row.holdingUnitId,
    holdingUnitPath: paths.find((unit) => unit.id === row.holdingUnitId)?.path ?? '',
    heldUnitIds: row.heldUnitIds,
    heldUnitPaths: paths.map((unit) => unit.path),
    linkedAgentIds: found.access_agents ?? [],
  };
}

/** What a case's body shows besides its own row. */
export interface CaseView {
  units: Array<{ id: string } & Pick<Unit, 'code' | 'nameZh' | 'nameEn' | 'kind'>>;
  mediator: Pick<User, 'id' | 'displayName'> | null;
  parties: ShownParty[];
}

function caseView(raw: {
  view_units?: CaseView['units'] | null;
  view_mediator?: CaseView['mediator'];
  view_parties?: ShownParty[] | null;
}): CaseView {
  return {
    units: raw.view_units ?? [],
    mediator: raw.view_mediator ?? null,
    parties: raw.view_parties ?? [],
  };
}

function withAccess(row: Case, raw: AccessRow): CaseWithAccess {
  return { row, resource: caseResource(row, raw) };
}

/** The number the next event of a chain takes: one after its last link (`head`), or 1. */
export function nextSeq(head: ChainHead | null): number {
  return (head?.seq ?? 0) + 1;
}

/** The only code that queries cases, their parties and their events (appended through the one `EventLog`). */
export class CaseRepository {
  constructor(
    private readonly db: DataSource,
    private readonly log: EventLog,
  ) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  findById(id: string, tx?: EntityManager): Promise<Case | null> {
    return this.manager(tx).findOne(Case, { where: { id } });
  }

  /** Number, title, type and state of each case: what a list of other records (hand-offs) names a case by. */
  summariesOf(ids: string[]): Promise<CaseSummary[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.manager().query(
      'SELECT id, number, title, type, state FROM cases WHERE id = ANY($1::uuid[])',
      [ids],
    );
  }

  findByNumber(number: string, tx?: EntityManager): Promise<Case | null> {
    return this.manager(tx).findOne(Case, { where: { number } });
  }

  /**
   * The case and what the policy needs to decide about it, in one round trip: every case
   * read and every event asks this first (the route guard), so it is one query, not two.
   */
  async findWithAccess(id: string, tx?: EntityManager): Promise<CaseWithAccess | null> {
    const { entities, raw } = await this.withAccessColumns(this.manager(tx).createQueryBuilder(Case, 'c'))
      .where('c.id = :id', { id })
      .getRawAndEntities();
    return entities[0] ? withAccess(entities[0], raw[0]) : null;
  }

  /**
   * The case locked until the transaction ends (concurrent events on one case queue
   * here), with its access data, the head of its hash chain (as it is once the lock is
   * granted: `EventLog.headAfterLock`), its deadline timers (safe
   * to read under the case's lock: see `caseTimersColumn`) and what its body shows:
   * what an event needs before it can be decided and appended, and what the answer
   * shows when the event leaves units and mediator as they were, in one round trip.
   */
  async lockForEvent(
    id: string,
    tx: EntityManager,
  ): Promise<
    | (CaseWithAccess & {
        head: ChainHead | null;
        holdingUnit: HoldingUnit | null;
        view: CaseView;
        timers: TimerRow[];
      })
    | null
  > {
    const { entities, raw } = await this.withViewColumns(
      this.withAccessColumns(tx.createQueryBuilder(Case, 'c')),
    )
      .addSelect(
        // read on the statement's snapshot, so possibly stale once the lock is granted: `headAfterLock` decides
        `(SELECT json_build_object('seq', e.seq, 'hash', e.hash, 'digest', coalesce(e.digest, e.hash))
            FROM case_events e WHERE e.case_id = c.id ORDER BY e.seq DESC LIMIT 1)`,
        'chain_head',
      )
      .addSelect(
        `(SELECT json_build_object('id', hu.id, 'nameZh', hu.name_zh, 'nameEn', hu.name_en, 'kind', hu.kind,
                                   'path', hu.path::text, 'parentId', hu.parent_id, 'active', hu.active)
            FROM units hu WHERE hu.id = c.holding_unit_id)`,
        'holding_unit',
      )
      .addSelect(caseTimersColumn, 'case_timers')
      .setLock('pessimistic_write')
      .where('c.id = :id', { id })
      .getRawAndEntities();
    if (!entities[0]) return null;
    const head = await this.log.headAfterLock(tx, 'case', id, {
      head: raw[0].chain_head as ChainHead | null,
      events: entities[0].version + 1,
    });
    const holdingUnit = raw[0].holding_unit as HoldingUnit | null;
    return {
      ...withAccess(entities[0], raw[0]),
      head,
      holdingUnit,
      view: caseView(raw[0]),
      timers: timersFromJson(raw[0].case_timers),
    };
  }

  /**
   * A case with its access data and what its body shows (units, mediator, masked
   * parties), in one round trip: the case read of `GET /api/v1/cases/:id`.
   */
  async findForView(id: string): Promise<(CaseWithAccess & { view: CaseView }) | null> {
    const { entities, raw } = await this.withViewColumns(
      this.withAccessColumns(this.manager().createQueryBuilder(Case, 'c')),
    )
      .where('c.id = :id', { id })
      .getRawAndEntities();
    return entities[0] ? { ...withAccess(entities[0], raw[0]), view: caseView(raw[0]) } : null;
  }

  /** What a case's body shows besides its own row (units, mediator, masked parties): one query. */
  async viewOf(row: Pick<Case, 'id'>, tx?: EntityManager): Promise<CaseView> {
    const { raw } = await this.withViewColumns(this.manager(tx).createQueryBuilder(Case, 'c').select('c.id'))
      .where('c.id = :id', { id: row.id })
      .getRawAndEntities();
    return caseView(raw[0] ?? {});
  }

  private withViewColumns(builder: SelectQueryBuilder<Case>): SelectQueryBuilder<Case> {
    return builder
      .addSelect(
        `(SELECT json_agg(json_build_object('id', u.id, 'code', u.code, 'nameZh', u.name_zh,
                                            'nameEn', u.name_en, 'kind', u.kind))
            FROM units u WHERE u.id IN (c.holding_unit_id, c.registered_unit_id))`,
        'view_units',
      )
      .addSelect(
        `(SELECT json_build_object('id', m.id, 'displayName', m.display_name) FROM users m WHERE m.id = c.mediator_id)`,
        'view_mediator',
      )
      .addSelect(
        `(SELECT json_agg(json_build_object('id', p.id, 'role', p.role, 'kind', p.kind, 'name', p.name,
                                            'idNumberMasked', p.id_number_masked, 'phoneMasked', p.phone_masked,
                                            'address', p.address, 'representative', p.representative)
                          ORDER BY p.position)
            FROM parties p WHERE p.case_id = c.id)`,
        'view_parties',
      );
  }

  /** The unit paths (now and before) and the linked petitions' agents, as selected columns. */
  private withAccessColumns(builder: SelectQueryBuilder<Case>): SelectQueryBuilder<Case> {
    return builder
      .addSelect(
        `(SELECT json_agg(json_build_object('id', u.id, 'path', u.path::text))
            FROM units u WHERE u.id = ANY(c.held_unit_ids))`,
        'access_paths',
      )
      .addSelect(
        `ARRAY(SELECT DISTINCT p.agent_id::text FROM petition_case_links l JOIN petitions p ON p.id = l.petition_id
                WHERE l.case_id = c.id AND p.agent_id IS NOT NULL)`,
        'access_agents',
      );
  }

  /** What the policy needs to decide about a case as it stands: unit paths now and before, linked agents. */
  async accessResource(row: Pick<Case, 'id' | 'holdingUnitId' | 'heldUnitIds'>): Promise<CaseResource> {
    const { raw } = await this.withAccessColumns(this.manager().createQueryBuilder(Case, 'c').select('c.id'))
      .where('c.id = :id', { id: row.id })
      .getRawAndEntities();
    return caseResource(row, raw[0] ?? { access_paths: null, access_agents: null });
  }

  /** Narrows a query to the cases the visibility allows (false: none at all). */
  private async scoped(visibility: CaseVisibility, builder: SelectQueryBuilder<Case>): Promise<boolean> {
    switch (visibility.kind) {
      case 'none':
        return false;
      case 'unit':
        // `@>` and `&&` (not `= ANY`, not EXISTS over the array) so that cases_scope_state_type_gin can serve it
        builder.where('c.held_unit_ids @> ARRAY[:unitId]::uuid[]', { unitId: visibility.unitId });
        return true;
      case 'subtree': {
        // the subtree's ids as a value, not a subquery: the planner then sees how much of the table
        // they cover (a workstation: the GIN index; a sub-centre: its newest cases first)
        const units: Array<{ id: string; district_id: string; district_path: string }> =
          await this.manager().query(
            `SELECT u.id, d.id AS district_id, d.path::text AS district_path
           FROM units u JOIN units d ON d.path = subpath(u.path, 0, 1)
           WHERE u.path <@ $1::ltree`,
            [visibility.path],
          );
        if (!units[0]) return false;
        // a case stays in its district whoever holds it (hand-offs and transfers never leave it),
        // and a subtree lies in one district (the root of its paths), so this narrows nothing; it
        // lets the planner walk cases_created_at_idx (district_id, created_at DESC) newest-first
        // to the page instead of sorting the scope's ≈ 75,000 cases at city scale (a sub-centre's
        // list: ≈ 500 → 1.4–26 ms at 1,000,000 cases). An equality: `= ANY` loses the order.
        builder.where('c.district_id = :scopeDistrictId', { scopeDistrictId: units[0].district_id });
        // the whole district's scope is that equality alone: its units' ids would be all of
        // them, which the planner took for a narrow filter and read from the GIN index for
        // every case (a district supervisor's search for 漏水 at 1,000,000 cases: 7.6 s)
        if (visibility.path !== units[0].district_path)
          builder.andWhere('c.held_unit_ids && :scopeIds::uuid[]', {
            scopeIds: units.map((unit) => unit.id),
          });
        return true;
      }
      case 'agent':
        builder.where(
          `EXISTS (SELECT 1 FROM petition_case_links l JOIN petitions p ON p.id = l.petition_id
                   WHERE l.case_id = c.id AND p.agent_id = :agentId)`,
          { agentId: visibility.agentId },
        );
        return true;
    }
  }

  /**
   * Narrows a query to the cases the actor's place holds NOW (a mediator: their unit; a
   * supervisor: their subtree; an agent: their linked cases): what waits for them.
   */
  private async heldNow(visibility: CaseVisibility, builder: SelectQueryBuilder<Case>): Promise<boolean> {
    switch (visibility.kind) {
      case 'unit':
        builder.where('c.holding_unit_id = :unitId', { unitId: visibility.unitId });
        return true;
      case 'subtree':
        builder.where('c.holding_unit_id IN (SELECT hu.id FROM units hu WHERE hu.path <@ :scope::ltree)', {
          scope: visibility.path,
        });
        return true;
      default:
        return this.scoped(visibility, builder);
    }
  }

  /**
   * The filtered, sorted, paged list. `today` (Asia/Shanghai) decides what is overdue:
   * a deadline whose last day has passed and whose clock is not stopped.
   */
  async list(
    visibility: CaseVisibility,
    query: CaseListQuery,
    today: string,
    limits: CaseListLimits = caseListLimits,
  ): Promise<CaseListPage> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await this.scoped(visibility, builder))) return { items: [], total: 0, totalIsLowerBound: false };
    if (query.state) {
      // the statechart's states the filter names (itself, or a stage's sub-states) as an `= ANY`,
      // which cases_scope_state_type_gin intersects with the scope; `LIKE 'mediation.%'` it cannot
      const states = caseStatePaths.filter(
        (path) => path === query.state || path.startsWith(`${query.state}.`),
      );
      builder.andWhere('c.state = ANY(:states::text[])', { states });
    }
    if (query.type) builder.andWhere('c.type = :type', { type: query.type });
    if (query.track) builder.andWhere('c.track = :track', { track: query.track });
    if (query.level) builder.andWhere('c.level = :level', { level: query.level });
    if (query.mediatorId) builder.andWhere('c.mediator_id = :mediatorId', { mediatorId: query.mediatorId });
    if (query.overdue === true) builder.andWhere(`${overdueSql}`, { today });
    if (query.overdue === false) builder.andWhere(`NOT (${overdueSql})`, { today });
    if (query.unitId) {
      // the subtree's ids as a value (as in `scoped`): a subquery here planned as one GIN scan per unit
      const units: Array<{ id: string }> = await this.manager().query(
        'SELECT su.id FROM units su, units r WHERE r.id = $1 AND su.path <@ r.path',
        [query.unitId],
      );
      builder.andWhere('c.holding_unit_id = ANY(:unitIds::uuid[])', {
        unitIds: units.map((unit) => unit.id),
      });
    }
    if (query.from)
      builder.andWhere(`c.created_at >= (:from::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`, {
        from: query.from,
      });
    if (query.to)
      builder.andWhere(`c.created_at < (:to::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`, {
        to: query.to,
      });
    const search = query.q ? await this.searchOf(query.q, limits.partyMatches) : undefined;
    // one unit's own cases are few enough to match one by one; asking the bigram index
    // as well costs more there (工资 is in 144,000 of 1,000,000 cases: 60 ms to read)
    const byIndex = visibility.kind !== 'unit';
    // the same filter with each case's text tested one by one, for a page walked to in the
    // list's order (below)
    const walked = search && byIndex && [...search.q].length >= 2 ? builder.clone() : undefined;
    if (search) this.searched(builder, search, byIndex);
    if (search && walked) this.searched(walked, search, false);
    for (const sorted of walked ? [builder, walked] : [builder]) this.sorted(sorted, query.sort);
    const page = (from: SelectQueryBuilder<Case>) =>
      from
        .clone()
        .offset((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .getMany();
    let items: Case[];
    let counted: number;
    if (walked) {
      // A term of several characters is in the cases that have all its bigrams, which the
      // planner takes for independent: 拖欠工资 (拖欠, 欠工, 工资) it expects in 31 of a
      // million cases, and fetches and sorts all 72,000 that match (1.3 s). So the capped
      // count comes first, reading the matches' ids: when it read them all, the page is
      // sorted from those; when there are more, they are found soonest by walking the list's
      // order and testing each case (2 ms for that page). The walk tests about (rows to the
      // page's end) × (cases ÷ matches) cases, so past `walkedRowsAtMost` the index serves.
      const ids = await this.matchingIdsUpTo(builder, limits.count);
      counted = ids.length;
      const shallow = query.page * query.pageSize <= walkedRowsAtMost;
      if (counted <= limits.count) {
        const among = this.manager().createQueryBuilder(Case, 'c').where('c.id = ANY(:ids::uuid[])', { ids });
        this.sorted(among, query.sort);
        items = await page(among);
      } else items = await page(shallow ? walked : builder);
    } else [items, counted] = await Promise.all([page(builder), this.countUpTo(builder, limits.count)]);
    return { items, total: Math.min(counted, limits.count), totalIsLowerBound: counted > limits.count };
  }

  /** The list's order: newest first unless the query names another; the case number breaks ties. */
  private sorted(builder: SelectQueryBuilder<Case>, sort: CaseListQuery['sort']): void {
    switch (sort) {
      case 'oldest':
        builder.orderBy('c.created_at', 'ASC').addOrderBy('c.number', 'ASC');
        break;
      case 'due':
        builder
          .orderBy('c.deadline_due', 'ASC', 'NULLS LAST')
          .addOrderBy('c.created_at', 'ASC')
          .addOrderBy('c.number', 'ASC');
        break;
      case 'updated':
        builder.orderBy('c.updated_at', 'DESC').addOrderBy('c.number', 'DESC');
        break;
      default:
        builder.orderBy('c.created_at', 'DESC').addOrderBy('c.number', 'DESC');
    }
  }

  /**
   * What `q` needs besides the case row: the cases whose parties' names match, read first
   * (`text_bigrams` over names, then ILIKE), up to `partyMatchLimit` + 1.
   */
  private async searchOf(q: string, partyMatchLimit: number): Promise<CaseSearch> {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    if ([...q].length < 2) return { q, like, byName: 'probe' };
    const byName: Array<{ case_id: string }> = await this.manager().query(
      `SELECT DISTINCT case_id FROM parties
       WHERE text_bigrams(name) @> text_bigrams($1) AND name ILIKE $2 AND case_id IS NOT NULL
       LIMIT ${partyMatchLimit + 1}`,
      [q, like],
    );
    return {
      q,
      like,
      byName: byName.length > partyMatchLimit ? 'probe' : byName.map((row) => row.case_id),
    };
  }

  /**
   * Matches `q` anywhere in the case's number, title and facts or in a party's name
   * (ILIKE, so case-insensitive). Terms of two or more characters can also ask the bigram
   * index (`text_bigrams`, migration IndexCaseSearchByCharacterBigrams): every bigram of
   * the term is one of the text's, which GIN answers where pg_trgm cannot (two Chinese
   * characters: 工资). The cases whose parties match are a value when there are few, so
   * that both halves of the OR are index scans the planner can intersect with the
   * caller's scope; many (公司 is in 280,000 names) stay a probe per case.
   */
  private searched(builder: SelectQueryBuilder<Case>, search: CaseSearch, useCaseBigrams: boolean): void {
    const { q, like, byName } = search;
    const caseText = `(c.number || ' ' || c.title || ' ' || c.description)`;
    const byText =
      useCaseBigrams && [...q].length >= 2
        ? `(c.search_bigrams @> text_bigrams(:term) AND ${caseText} ILIKE :like)`
        : `${caseText} ILIKE :like`;
    if (byName === 'probe')
      builder.andWhere(
        `(${byText} OR EXISTS (SELECT 1 FROM parties sp WHERE sp.case_id = c.id AND sp.name ILIKE :like))`,
        { like, term: q },
      );
    else if (byName.length > 0)
      builder.andWhere(`(${byText} OR c.id = ANY(:byName::uuid[]))`, { like, term: q, byName });
    else builder.andWhere(byText, { like, term: q });
  }

  /**
   * The list's filter, unordered, stopping at `limit` + 1 matches: an exact total costs a
   * read of every match (a sub-centre's 77,000 cases, the district's million), a capped one
   * stops early, and more than `limit` is told as such.
   */
  private matchesUpTo(builder: SelectQueryBuilder<Case>, limit: number): SelectQueryBuilder<Case> {
    return builder
      .clone()
      .orderBy()
      .limit(limit + 1);
  }

  /** How many cases the list's filter matches, no more than `limit` + 1. */
  private async countUpTo(builder: SelectQueryBuilder<Case>, limit: number): Promise<number> {
    const [sql, parameters] = this.matchesUpTo(builder, limit).select('1').getQueryAndParameters();
    const [row]: Array<{ n: number }> = await this.manager().query(
      `SELECT count(*)::int AS n FROM (${sql}) AS matching`,
      parameters,
    );
    return row?.n ?? 0;
  }

  /** The ids of the cases the list's filter matches, no more than `limit` + 1. */
  private async matchingIdsUpTo(builder: SelectQueryBuilder<Case>, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.matchesUpTo(builder, limit)
      .select('c.id', 'id')
      .getRawMany();
    return rows.map((row) => row.id);
  }

  /** Cases the actor's place holds now in the given states, oldest first, and how many per state. */
  async waitingIn(
    visibility: CaseVisibility,
    states: readonly string[],
    limit: number,
  ): Promise<{ items: Case[]; counts: Record<string, number> }> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await this.heldNow(visibility, builder))) return { items: [], counts: {} };
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
    if (!(await this.heldNow(visibility, builder))) return { items: [], overdue: 0, dueSoon: 0, open: 0 };
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

  /** Hand-offs (上报, 交办, 移交) into the actor's place, latest first. */
  async handOffsInto(
    visibility: CaseVisibility,
    limit: number,
  ): Promise<
    Array<{
      id: string;
      caseId: string;
      number: string;
      title: string;
      kind: string;
      reasonCode: string | null;
      reason: string;
      fromUnitId: string;
      toUnitId: string;
      status: string;
      createdAt: Date;
      state: string;
    }>
  > {
    let scope: string;
    let param: string;
    if (visibility.kind === 'unit') {
      scope = 'e.to_unit_id = $1';
      param = visibility.unitId;
    } else if (visibility.kind === 'subtree') {
      scope = 'e.to_unit_id IN (SELECT tu.id FROM units tu WHERE tu.path <@ $1::ltree)';
      param = visibility.path;
    } else {
      return [];
    }
    const rows: Array<Record<string, unknown>> = await this.manager().query(
      `SELECT e.id, e.case_id, c.number, c.title, c.state, e.kind, e.reason_code, e.reason,
              e.from_unit_id, e.to_unit_id, e.status, e.created_at
       FROM escalations e JOIN cases c ON c.id = e.case_id
       WHERE ${scope}
       ORDER BY (e.status = 'pending') DESC, e.created_at DESC
       LIMIT $2`,
      [param, limit],
    );
    return rows.map((row) => ({
      id: row.id as string,
      caseId: row.case_id as string,
      number: row.number as string,
      title: row.title as string,
      state: row.state as string,
      kind: row.kind as string,
      reasonCode: (row.reason_code as string | null) ?? null,
      reason: row.reason as string,
      fromUnitId: row.from_unit_id as string,
      toUnitId: row.to_unit_id as string,
      status: row.status as string,
      createdAt: row.created_at as Date,
    }));
  }

  /** The cases the actor may see that changed last, each with its latest event. */
  async recentActivity(
    visibility: CaseVisibility,
    limit: number,
  ): Promise<Array<{ row: Case; event: CaseEventRecord }>> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await this.scoped(visibility, builder))) return [];
    const rows = await builder.orderBy('c.updated_at', 'DESC').limit(limit).getMany();
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

  /**
   * Open cases the actor may see that look like the dispute being registered: the same
   * applicant and respondent (by ID number, else by name), a party with the same ID
   * number, or a similar title at the same unit (pg_trgm).
   */
  async findPossibleDuplicates(
    visibility: CaseVisibility,
    probe: {
      applicantKeys: string[];
      respondentKeys: string[];
      idHashes: string[];
      title: string;
      unitId: string;
    },
  ): Promise<Array<{ row: Case; sameParties: boolean; sameIdNumber: boolean; similarTitle: boolean }>> {
    const builder = this.manager().createQueryBuilder(Case, 'c');
    if (!(await this.scoped(visibility, builder))) return [];
    const partyKey = `COALESCE(p.id_number_hash, 'name:' || p.name_hash)`;
    const sameParties = `(cardinality(:applicantKeys::text[]) > 0 AND cardinality(:respondentKeys::text[]) > 0
      AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'applicant' AND ${partyKey} = ANY(:applicantKeys::text[]))
      AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'respondent' AND ${partyKey} = ANY(:respondentKeys::text[])))`;
    const sameIdNumber = `EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.id_number_hash = ANY(:idHashes::text[]))`;
    const similarTitle = `(c.holding_unit_id = :unitId AND similarity(c.title, :title) > 0.4)`;
    builder
      .andWhere(`c.state <> 'closed'`)
      .andWhere(`(${sameParties} OR ${sameIdNumber} OR ${similarTitle})`)
      .addSelect(sameParties, 'same_parties')
      .addSelect(sameIdNumber, 'same_id_number')
      .addSelect(similarTitle, 'similar_title')
      .setParameters(probe)
      .orderBy('c.created_at', 'DESC')
      .limit(10);
    const { entities, raw } = await builder.getRawAndEntities<{
      c_id: string;
      same_parties: boolean;
      same_id_number: boolean;
      similar_title: boolean;
    }>();
    return entities.map((row) => {
      const flags = raw.find((item) => item.c_id === row.id);
      return {
        row,
        sameParties: flags?.same_parties === true,
        sameIdNumber: flags?.same_id_number === true,
        similarTitle: flags?.similar_title === true,
      };
    });
  }

  saveCase(row: Partial<Case>, tx: EntityManager): Promise<Case> {
    return tx.save(Case, tx.create(Case, row));
  }

  async updateCase(id: string, changes: Partial<Case>, tx: EntityManager): Promise<void> {
    await tx.update(Case, { id }, changes as object);
  }

  async insertParties(parties: Array<Partial<Party>>, tx: EntityManager): Promise<void> {
    if (parties.length > 0) await tx.insert(Party, parties);
  }

  partiesOf(caseId: string, tx?: EntityManager): Promise<Party[]> {
    return this.manager(tx).find(Party, { where: { caseId }, order: { position: 'ASC' } });
  }

  findParty(caseId: string, partyId: string): Promise<Party | null> {
    return this.manager().findOne(Party, { where: { id: partyId, caseId } });
  }

  /**
   * Appends one event to the case's chain; the caller holds the case's row lock. `head`
   * is the chain's last link as `lockForEvent` found it under that lock, else it is read
   * here (`EventLog.append`).
   */
  appendEvent(event: NewCaseEvent, tx: EntityManager, head?: ChainHead | null): Promise<CaseEventRecord> {
    const { caseId, ...entry } = event;
    return this.log.append(tx, 'case', caseId, entry, head);
  }

  /**
   * A workflow event's writes in one statement (`WriteBatch`): the event appended after
   * `head` (the chain's last link, read under the case's row lock by `lockForEvent`), the
   * case's columns as the event left them, and the rows the event adds besides (a session,
   * a hand-off, notices to send: numbered `nextSeq(head)`). Answers the appended event.
   */
  async recordEvent(
    tx: EntityManager,
    event: NewCaseEvent,
    head: ChainHead | null,
    changes: Partial<Case>,
    alsoInsert: PendingInsert[],
  ): Promise<CaseEventRecord> {
    const { caseId, ...entry } = event;
    const record = this.log.link('case', caseId, entry, head);
    const batch = new WriteBatch(tx)
      .insert({ into: CaseEventRecord, values: record })
      .update(Case, { id: event.caseId }, changes);
    for (const row of alsoInsert) batch.insert(row);
    await batch.run();
    return record;
  }

  /** The case's current agreement (the latest not superseded by a new round of mediation), if any. */
  latestAgreementOf(caseId: string, tx?: EntityManager): Promise<Agreement | null> {
    return this.manager(tx)
      .createQueryBuilder(Agreement, 'a')
      .where('a.case_id = :caseId', { caseId })
      .andWhere(`a.status <> 'superseded'`)
      .orderBy('a.event_seq', 'DESC')
      .getOne();
  }

  /** The case's chain checked with the chain key, against the count of events its row keeps (version + 1). */
  verifyChainOf(tx: EntityManager, caseId: string, events: number): Promise<ChainVerification> {
    return this.log.verifyStored(tx, 'case', caseId, { events });
  }

  eventsOf(caseId: string, tx?: EntityManager): Promise<CaseEventRecord[]> {
    return this.manager(tx).find(CaseEventRecord, { where: { caseId }, order: { seq: 'ASC' } });
  }

  /**
   * Open, accepted cases (in mediation or agreement) other than `exceptCaseId` whose
   * parties include one of the given applicants and one of the given respondents,
   * matched by ID-number hash, else by name hash: the same dispute in another forum.
   */
  async findActiveForumsFor(
    parties: Array<Pick<Party, 'role' | 'idNumberHash' | 'nameHash'>>,
    exceptCaseIds: string[],
    tx?: EntityManager,
  ): Promise<Array<{ id: string; number: string; holding_unit_id: string }>> {
    const keysOf = (role: string) =>
      parties
        .filter((party) => party.role === role)
        .map((party) => party.idNumberHash ?? `name:${party.nameHash}`);
    const applicants = keysOf('applicant');
    const respondents = keysOf('respondent');
    if (applicants.length === 0 || respondents.length === 0) return [];
    return this.manager(tx).query(
      `SELECT c.id, c.number, c.holding_unit_id FROM cases c
       WHERE (c.state LIKE 'mediation.%' OR c.state LIKE 'agreement.%')
         AND c.id <> ALL($3::uuid[])
         AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'applicant'
                     AND COALESCE(p.id_number_hash, 'name:' || p.name_hash) = ANY($1::text[]))
         AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = 'respondent'
                     AND COALESCE(p.id_number_hash, 'name:' || p.name_hash) = ANY($2::text[]))
       ORDER BY c.created_at
       LIMIT 5`,
      [applicants, respondents, exceptCaseIds],
    );
  }
}
