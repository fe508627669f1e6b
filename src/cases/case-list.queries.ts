import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';

import type { CaseVisibility } from '../access/policy';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import { containsPattern, dayStartsAt } from '../shared/db/sql-text';
import { caseStatePaths } from '../workflows/case.machine';
import { Case } from './case.entity';
import type { CaseListQuery } from './case.schemas';
import {
  type CaseSearch,
  type SearchRows,
  searchMatchesUpTo,
  searchPageUpTo,
} from './case-search-rows.queries';
import { CaseStateShares, commonStatesShare } from './case-state-shares.queries';
import { type IdentifierSearch, identifierSearchOf } from './party-identifiers';

/*
 * The case list and its search (`CaseListQueries.list`), and the visibility every case
 * query narrows by (`scoped`, `heldNow`). The strategies were chosen at 1,000,000 cases
 * (test/bench/README.md); each comment keeps the measurement that decided it.
 */

/** A running deadline whose last day is before :today (the clock not stopped). */
export const overdueSql = `(c.deadline_due < :today::date AND NOT coalesce((c.deadline->>'paused')::boolean, false))`;
/** A running deadline not yet overdue whose warning day (80 % of the period) has come. */
export const dueSoonSql = `(c.deadline_due >= :today::date AND (c.deadline->>'warningOn')::date <= :today::date
  AND NOT coalesce((c.deadline->>'paused')::boolean, false))`;

/** How far the case list reads before it changes method. */
export interface CaseListLimits {
  /** matches counted exactly up to this many; beyond it the total is a lower bound */
  count: number;
}
/**
 * 1,000: a list counts its matches exactly while that is cheap. Beyond a thousand matches
 * nobody pages through them (they narrow the filter), and counting a sub-centre's
 * 10,000 took 0.4–0.5 s at 1,000,000 cases against 35–55 ms for 1,000 (test/bench).
 */
export const caseListLimits: CaseListLimits = { count: 1000 };

/**
 * How deep into a search's results the list walks in its own order instead of asking the
 * gram index (`CaseListQueries.list`): with more than `caseListLimits.count` matches among
 * a million cases, the walk to row 100 tests about 100,000 cases at worst (≈ 0.3–0.8 s), while
 * the index fetches every match (72,000 for 拖欠工资: 1.3 s).
 */
const walkedRowsAtMost = 100;

/**
 * How `scoped` narrowed a query: `scopeUnitId`, the unit whose held cases are the scope (a
 * supervisor's subtree root below the district; a mediator's unit, the district's centre too),
 * as `case_search.scopes` keys it (migration KeepEachSearchRowsHoldersAndOrder).
 * `searchRowsSuffice`: the scope is exactly the cases whose search rows' `scopes` hold that unit
 * and, with `heldUnitId`, whose `held_unit_ids` hold that one, so a search with no other filter
 * is answered from `case_search` alone. A mediator's unit is both: its rows' scopes also hold the
 * cases of the units below it, which the mediator does not see.
 */
interface Narrowing {
  scopeUnitId?: string;
  searchRowsSuffice?: boolean;
  heldUnitId?: string;
}

/** One page of the case list; `totalIsLowerBound`: more than `total` cases match. */
export interface CaseListPage {
  items: Case[];
  total: number;
  totalIsLowerBound: boolean;
}

/** Narrows a query to the cases the visibility allows (false: none at all); `manager` reads a subtree's units. */
export async function scoped(
  manager: EntityManager,
  visibility: CaseVisibility,
  builder: SelectQueryBuilder<Case>,
): Promise<boolean> {
  return (await narrowed(manager, visibility, builder)) !== false;
}

/**
 * The cases newest change first (the case number breaks ties), walked in `case_last_changes`
 * (district_id, updated_at DESC): a row per case kept beside `cases` by trigger, so that no index
 * of `cases` holds `updated_at` and an event that changes no indexed column (a logged session)
 * updates its case on its page (HOT; migration OrderCasesByLastChangeBesideTheirRows). Joined on
 * the district too, which is the case's: the planner carries a scope's `c.district_id = …` over to
 * the index.
 */
export function byLastChange(builder: SelectQueryBuilder<Case>): SelectQueryBuilder<Case> {
  return builder
    .innerJoin('case_last_changes', 'lc', 'lc.case_id = c.id AND lc.district_id = c.district_id')
    .orderBy('lc.updated_at', 'DESC')
    .addOrderBy('c.number', 'DESC');
}

/** `scoped`, telling which unit's scope it narrowed to. */
async function narrowed(
  manager: EntityManager,
  visibility: CaseVisibility,
  builder: SelectQueryBuilder<Case>,
): Promise<Narrowing | false> {
  switch (visibility.kind) {
    case 'none':
      return false;
    case 'unit':
      // `@>` and `&&` (not `= ANY`, not EXISTS over the array) so that cases_scope_state_type_gin can serve it
      builder.where('c.held_unit_ids @> ARRAY[:unitId]::uuid[]', { unitId: visibility.unitId });
      return { scopeUnitId: visibility.unitId, searchRowsSuffice: true, heldUnitId: visibility.unitId };
    case 'subtree': {
      // the subtree's root unit and its district, as values (the planner sees what they cover)
      const [root]: Array<{ id: string; district_id: string; district_path: string }> = await manager.query(
        `SELECT u.id, d.id AS district_id, d.path::text AS district_path
           FROM units u JOIN units d ON d.path = subpath(u.path, 0, 1)
           WHERE u.path = $1::ltree`,
        [visibility.path],
      );
      if (!root) return false;
      // a case stays in its district whoever holds it (hand-offs and transfers never leave it),
      // and a subtree lies in one district (the root of its paths), so this narrows nothing; it
      // lets the planner walk cases_created_at_idx (district_id, created_at DESC) newest-first
      // to the page instead of sorting the scope's ≈ 75,000 cases at city scale (a sub-centre's
      // list: ≈ 500 → 1.4–26 ms at 1,000,000 cases). An equality: `= ANY` loses the order.
      builder.where('c.district_id = :scopeDistrictId', { scopeDistrictId: root.district_id });
      // the whole district's scope is that equality alone: its units' ids would be all of
      // them, which the planner took for a narrow filter and read from the GIN index for
      // every case (a district supervisor's search for 漏水 at 1,000,000 cases: 7.6 s)
      if (visibility.path === root.district_path) return {};
      // one GIN key, the subtree's root among the units that held the case and their ancestors
      // (cases.scope_ids, migration KeepEachCaseScopesOnItsRow), not `held_unit_ids &&` the
      // subtree's ≈ 40 ids: the index ORed 40 posting lists for a sub-centre (77,000 cases at
      // 1,000,000), 47 ms before it could intersect them with the state (587 rows)
      builder.andWhere('c.scope_ids @> ARRAY[:scopeUnitId]::uuid[]', { scopeUnitId: root.id });
      return { scopeUnitId: root.id, searchRowsSuffice: true };
    }
    case 'agent':
      builder.where(
        `EXISTS (SELECT 1 FROM petition_case_links l JOIN petitions p ON p.id = l.petition_id
                   WHERE l.case_id = c.id AND p.agent_id = :agentId)`,
        { agentId: visibility.agentId },
      );
      return {};
  }
}

/**
 * Narrows a query to the cases the actor's place holds NOW (a mediator: their unit; a
 * supervisor: their subtree; an agent: their linked cases): what waits for them.
 */
export async function heldNow(
  manager: EntityManager,
  visibility: CaseVisibility,
  builder: SelectQueryBuilder<Case>,
): Promise<boolean> {
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
      return scoped(manager, visibility, builder);
  }
}

/**
 * The statechart's states a state filter names (itself, or a stage's sub-states), for an
 * `= ANY`, which cases_scope_state_type_gin intersects with the scope; `LIKE 'mediation.%'` it
 * cannot. None without a filter.
 */
function statesNamed(state: string | undefined): string[] | undefined {
  if (!state) return undefined;
  return caseStatePaths.filter((path) => path === state || path.startsWith(`${state}.`));
}

/** The filtered, sorted, paged case list, and its search. */
export class CaseListQueries {
  private readonly stateShares: CaseStateShares;

  /** `cipher`: hashes a search term that is a whole ID or phone number as the parties' numbers were hashed. */
  constructor(
    private readonly db: DataSource,
    private readonly cipher: Pick<PersonalDataCipher, 'hash'>,
    stateShares?: CaseStateShares,
  ) {
    this.stateShares = stateShares ?? new CaseStateShares(db);
  }

  private manager(): EntityManager {
    return this.db.manager;
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
    const narrowing = await narrowed(this.manager(), visibility, builder);
    if (!narrowing) return { items: [], total: 0, totalIsLowerBound: false };
    // the scope alone: a page read by its ids is narrowed again on the cases themselves
    const scope = builder.clone();
    const filteredBy = await this.filtered(builder, query, today);
    // a whole ID, credit code or phone number is looked up by its keyed hash, exactly; any
    // other term (a part of a number too) is text, in which no party's number is written
    const identifier = query.q ? identifierSearchOf(query.q) : undefined;
    if (identifier)
      builder.andWhere('c.id = ANY(:identifierCaseIds::uuid[])', {
        identifierCaseIds: await this.casesWithIdentifier(identifier),
      });
    const search =
      query.q && !identifier
        ? { q: query.q, like: containsPattern(query.q), scopeUnitId: narrowing.scopeUnitId }
        : undefined;
    // the capped count's own copy of the filter (no search): its states tested on each row when
    // they hold most cases (`commonStatesShare`); `state || ''` is the same test, which the index cannot serve,
    // and whose share of the cases the planner knows from `cases_state_tested_alone` (migration 1765000200000)
    const states = statesNamed(query.state);
    const counting = search ? undefined : builder.clone();
    if (states) {
      builder.andWhere('c.state = ANY(:states::text[])', { states });
      const common = counting && (await this.stateShares.of(states)) >= commonStatesShare;
      counting?.andWhere(`${common ? "(c.state || '')" : 'c.state'} = ANY(:states::text[])`, { states });
    }
    // the same filter with each case's text tested one by one, for a page walked to in the
    // list's order (below)
    const walked = search ? builder.clone() : undefined;
    if (search) this.searched(builder, search, true);
    if (search && walked) this.searched(walked, search, false);
    const page = (from: SelectQueryBuilder<Case>) =>
      this.sorted(from.clone(), query.sort)
        .offset((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .getMany();
    let items: Case[];
    let counted: number;
    if (search && walked) {
      // a mediator's or a sub-centre's search and nothing else: its search rows alone
      const rows: SearchRows | undefined =
        narrowing.searchRowsSuffice && narrowing.scopeUnitId && !states && !filteredBy
          ? { scopeUnitId: narrowing.scopeUnitId, heldUnitId: narrowing.heldUnitId }
          : undefined;
      ({ items, counted } = await this.searchedPage({
        search,
        scope,
        rows,
        builder,
        walked,
        query,
        limit: limits.count,
        page,
      }));
    } else
      [items, counted] = await Promise.all([
        page(builder),
        this.countUpTo(counting ?? builder, limits.count),
      ]);
    return { items, total: Math.min(counted, limits.count), totalIsLowerBound: counted > limits.count };
  }

  /**
   * A page of a search, with its capped count. A term is in the cases that have all its grams,
   * which the planner takes for independent: 拖欠工资 (拖欠, 欠工, 工资) it expects in 31 of a
   * million cases, and fetches and sorts all 72,000 that match (1.3 s). So the capped count comes
   * first, reading the matches' ids: when it read them all, the page is sorted from those; when
   * there are more, they are found soonest by walking the list's order and testing each case
   * (`walked`: 2 ms for that page). The walk tests about (rows to the page's end) × (cases ÷
   * matches) cases, so past `walkedRowsAtMost` the index serves (`builder`). With `rows` (a scope's
   * search rows suffice), the matches are read from `case_search` alone, and in the order by
   * creation the page's ids with them, so that only the page's cases are read from `cases`.
   */
  private async searchedPage(search: {
    search: CaseSearch;
    scope: SelectQueryBuilder<Case>;
    rows: SearchRows | undefined;
    builder: SelectQueryBuilder<Case>;
    walked: SelectQueryBuilder<Case>;
    query: CaseListQuery;
    limit: number;
    page: (from: SelectQueryBuilder<Case>) => Promise<Case[]>;
  }): Promise<{ items: Case[]; counted: number }> {
    const { scope, rows, builder, walked, query, limit, page } = search;
    // ids found in the search rows, whose scopes and holders are copies kept by triggers: the
    // cases' own columns decide visibility again (a row gone stale could otherwise show a case);
    // ids found by `builder` were narrowed on the cases already
    const byIds = (ids: string[]) =>
      (rows ? scope.clone() : this.manager().createQueryBuilder(Case, 'c')).andWhere(
        'c.id = ANY(:ids::uuid[])',
        {
          ids,
        },
      );
    const beyondCount = () => page(query.page * query.pageSize <= walkedRowsAtMost ? walked : builder);
    if (rows && (query.sort === 'newest' || query.sort === 'oldest')) {
      const { counted, pageIds } = await searchPageUpTo(this.manager(), search.search, rows, limit, query);
      if (counted > limit) return { counted, items: await beyondCount() };
      const items = pageIds.length === 0 ? [] : await this.sorted(byIds(pageIds), query.sort).getMany();
      return { counted, items };
    }
    const ids = rows
      ? await searchMatchesUpTo(this.manager(), search.search, rows, limit)
      : await this.matchingIdsUpTo(builder, limit);
    // a thousand rows at most, sorted by their own keys
    return { counted: ids.length, items: await (ids.length > limit ? beyondCount() : page(byIds(ids))) };
  }

  /** The list's filters besides the scope, the state (`statesNamed`) and the search term; whether there was any. */
  private async filtered(
    builder: SelectQueryBuilder<Case>,
    query: CaseListQuery,
    today: string,
  ): Promise<boolean> {
    // whether any filter was added: counted as each is, so that a new filter cannot be missed
    let any = false;
    const and = (condition: string, parameters: Record<string, unknown>) => {
      builder.andWhere(condition, parameters);
      any = true;
    };
    if (query.type) and('c.type = :type', { type: query.type });
    if (query.track) and('c.track = :track', { track: query.track });
    if (query.level) and('c.level = :level', { level: query.level });
    if (query.mediatorId) and('c.mediator_id = :mediatorId', { mediatorId: query.mediatorId });
    if (query.riskGrade) and('c.risk_grade = :riskGrade', { riskGrade: query.riskGrade });
    if (query.overdue === true) and(`${overdueSql}`, { today });
    if (query.overdue === false) and(`NOT (${overdueSql})`, { today });
    if (query.unitId) {
      // the subtree's ids as a value (as in `scoped`): a subquery here planned as one GIN scan per unit
      const units: Array<{ id: string }> = await this.manager().query(
        'SELECT su.id FROM units su, units r WHERE r.id = $1 AND su.path <@ r.path',
        [query.unitId],
      );
      and('c.holding_unit_id = ANY(:unitIds::uuid[])', { unitIds: units.map((unit) => unit.id) });
    }
    if (query.from) and(`c.created_at >= ${dayStartsAt(':from')}`, { from: query.from });
    if (query.to) and(`c.created_at < ${dayStartsAt(':to', 1)}`, { to: query.to });
    return any;
  }

  /** The list's order: newest first unless the query names another; the case number breaks ties. */
  private sorted(builder: SelectQueryBuilder<Case>, sort: CaseListQuery['sort']): SelectQueryBuilder<Case> {
    switch (sort) {
      case 'oldest':
        return builder.orderBy('c.created_at', 'ASC').addOrderBy('c.number', 'ASC');
      case 'due':
        return builder
          .orderBy('c.deadline_due', 'ASC', 'NULLS LAST')
          .addOrderBy('c.created_at', 'ASC')
          .addOrderBy('c.number', 'ASC');
      case 'updated':
        return byLastChange(builder);
      default:
        return builder.orderBy('c.created_at', 'DESC').addOrderBy('c.number', 'DESC');
    }
  }

  /**
   * The cases with a party whose ID (or phone) number is this one: its keyed hash as stored,
   * read first through `parties_id_number_hash_idx` / `parties_phone_hash_idx` (a handful of
   * rows), then a value the list narrows to within the caller's scope, so the planner never
   * walks the scope's cases probing each one's parties.
   */
  private async casesWithIdentifier(identifier: IdentifierSearch): Promise<string[]> {
    const column = identifier.kind === 'id' ? 'id_number_hash' : 'phone_hash';
    const rows: Array<{ case_id: string }> = await this.manager().query(
      `SELECT DISTINCT case_id FROM parties WHERE ${column} = $1 AND case_id IS NOT NULL`,
      [this.cipher.hash(identifier.kind, identifier.value)],
    );
    return rows.map((row) => row.case_id);
  }

  /**
   * Matches `q` anywhere in the case's number, title and facts or in a party's name
   * (case-insensitive: `case_search.body` is lower-cased, migration
   * SearchCasesFromASideTableWithSingleCharacters). `byIndex`: the cases are found by the gram
   * index — every pair of the term's characters (or the one character) is among the text's
   * grams, which GIN answers where pg_trgm cannot (two Chinese characters: 工资; 张) —
   * intersected there with the caller's scope unit; otherwise each case's row is tested.
   */
  private searched(builder: SelectQueryBuilder<Case>, search: CaseSearch, byIndex: boolean): void {
    const { q, like, scopeUnitId } = search;
    if (!byIndex) {
      builder.andWhere(
        'EXISTS (SELECT 1 FROM case_search cs WHERE cs.case_id = c.id AND cs.body LIKE lower(:like))',
        { like },
      );
      return;
    }
    const inScope = scopeUnitId ? 'AND cs.scopes @> ARRAY[:searchUnitId]::uuid[]' : '';
    builder.andWhere(
      `c.id IN (SELECT cs.case_id FROM case_search cs
                WHERE cs.grams @> term_grams(:term) ${inScope} AND cs.body LIKE lower(:like))`,
      { like, term: q, searchUnitId: scopeUnitId },
    );
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
}
