import { policy } from '../../src/access/policy';
import { caseListQuerySchema } from '../../src/cases/case.schemas';
import { CaseListQueries, caseListLimits } from '../../src/cases/case-list.queries';
import { caseListView } from '../../src/cases/case-list.view-model';
import { CaseStateShares } from '../../src/cases/case-state-shares.queries';
import { createI18n } from '../../src/shared/i18n/i18n';
import { waitUntil } from '../support/app-process';
import { Browser, createUser } from '../support/auth';
import { actorNamed, caseInState, send } from '../support/case-steps';
import { startDemoApp } from '../support/demo-app';
import { createCase, createDistrictTree } from '../support/factories';
import type { TestApp } from '../support/test-app';

const query = (fields: Record<string, string> = {}) => caseListQuerySchema.parse(fields);

/**
 * A search row (`s`) that is not as its case (`c`) makes it (migration
 * KeepEachSearchRowsHoldersAndOrder): scopes = the case's scope_ids with the units that held it,
 * and the holders and the list's order copied.
 */
const searchRowUnlikeItsCase = `(s.scopes IS DISTINCT FROM ARRAY(SELECT DISTINCT u FROM unnest(c.scope_ids || c.held_unit_ids) AS u ORDER BY u)
  OR s.held_unit_ids IS DISTINCT FROM c.held_unit_ids OR s.created_at IS DISTINCT FROM c.created_at
  OR s.number IS DISTINCT FROM c.number)`;

describe('the case list: capped totals and search by character bigrams', () => {
  let testApp: TestApp;
  let mediator: Browser;

  beforeAll(async () => {
    ({ testApp, browser: mediator } = await startDemoApp('mediator'));
  });
  afterAll(() => testApp.close());

  it('counts exactly up to the limit, and beyond it answers the limit as a lower bound', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    for (let i = 0; i < 3; i++) await createCase(testApp.services, actor.id, { type: 'environmental' });
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const visibility = policy.caseVisibility(actor);
    const filter = query({ type: 'environmental', pageSize: '2' });

    const exact = await repository.list(visibility, filter, '2026-01-01', { ...caseListLimits, count: 3 });
    expect(exact).toMatchObject({ total: 3, totalIsLowerBound: false });
    expect(exact.items).toHaveLength(2);

    const capped = await repository.list(visibility, filter, '2026-01-01', { ...caseListLimits, count: 2 });
    expect(capped).toMatchObject({ total: 2, totalIsLowerBound: true });
    expect(capped.items).toHaveLength(2);

    // the pages go on past the counted rows
    const second = await repository.list(visibility, { ...filter, page: 2 }, '2026-01-01', {
      ...caseListLimits,
      count: 2,
    });
    expect(second.items).toHaveLength(1);
    expect(second.items[0].id).not.toBe(capped.items[0].id);
  });

  it('when the total is a lower bound, the page says "more than" in both languages and the pager follows full pages', async () => {
    const i18n = await createI18n('zh-CN');
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const rows = [
      await createCase(testApp.services, actor.id, { type: 'consumer' }),
      await createCase(testApp.services, actor.id, { type: 'consumer' }),
    ];
    const deps = await testApp.services.casePresenter.viewDepsFor(rows, 'zh-CN');
    const filter = query({ type: 'consumer', pageSize: '2', page: '3' });
    const view = (locale: 'zh-CN' | 'en', items = rows) =>
      caseListView(filter, { items, total: 10000, totalIsLowerBound: true }, deps, [], {
        t: i18n.getFixedT(locale),
        locale,
      });

    const zh = view('zh-CN');
    expect(zh.totalText).toBe('超过 10,000 件');
    expect(zh.pageText).toBe('第 3 页');
    expect(zh.nextUrl).toBe('/cases?type=consumer&pageSize=2&page=4');
    expect(zh.previousUrl).toBe('/cases?type=consumer&pageSize=2&page=2');
    const en = view('en');
    expect(en.totalText).toBe('Cases found: more than 10,000');
    expect(en.pageText).toBe('Page 3');
    // a page that is not full is the last one
    expect(view('en', rows.slice(0, 1)).nextUrl).toBeNull();

    const exact = caseListView(filter, { items: rows, total: 6 }, deps, [], {
      t: i18n.getFixedT('zh-CN'),
      locale: 'zh-CN',
    });
    expect(exact.totalText).toBe('共 6 件');
    expect(exact.pageText).toBe('第 3 / 3 页');
    expect(exact.nextUrl).toBeNull();
  });

  it('finds two-character terms in titles, facts and party names, and nothing that merely shares the characters', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const inTitle = await createCase(testApp.services, actor.id, { type: 'labour', title: '拖欠工资纠纷甲' });
    const inFacts = await createCase(testApp.services, actor.id, {
      type: 'labour',
      title: '劳动纠纷乙',
      description: '公司三个月未发工资。',
    });
    const inParty = await createCase(testApp.services, actor.id, {
      title: '合同纠纷丙',
      parties: [
        { role: 'applicant', kind: 'person', name: '司马工资' },
        { role: 'respondent', kind: 'organisation', name: '某某公司' },
      ],
    });
    // 工 and 资 both occur, but never side by side
    const apart = await createCase(testApp.services, actor.id, {
      title: '工地材料费用纠纷',
      description: '投资款',
    });

    const found = await mediator.get(`/api/v1/cases?q=${encodeURIComponent('工资')}&pageSize=200`);
    expect(found.status).toBe(200);
    const numbers = found.body.items.map((item: { number: string }) => item.number);
    expect(numbers).toEqual(expect.arrayContaining([inTitle.number, inFacts.number, inParty.number]));
    expect(numbers).not.toContain(apart.number);
    expect(found.body.total).toBe(found.body.items.length);

    // a supervisor's subtree asks the bigram index of the cases too: the same answer
    const supervisor = await actorNamed(testApp.services, testApp.db, 'supervisor');
    const wide = await new CaseListQueries(testApp.db, testApp.services.cipher).list(
      policy.caseVisibility(supervisor),
      query({ q: '工资', pageSize: '200' }),
      '2026-01-01',
    );
    const wideIds = wide.items.map((row) => row.id);
    expect(wideIds).toEqual(expect.arrayContaining([inTitle.id, inFacts.id, inParty.id]));
    expect(wideIds).not.toContain(apart.id);

    // one character: its own key in the index, the same answer
    const one = await mediator.get(`/api/v1/cases?q=${encodeURIComponent('丙')}&pageSize=200`);
    expect(one.body.items.map((item: { number: string }) => item.number)).toContain(inParty.number);
  });

  it("finds a term in party names whether the index finds the cases or each case is tested, in a mediator's and a supervisor's scope", async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const named = async (name: string) =>
      createCase(testApp.services, actor.id, {
        title: '买卖合同纠纷',
        parties: [
          { role: 'applicant', kind: 'person', name },
          { role: 'respondent', kind: 'person', name: '王某' },
        ],
      });
    const first = await named('上官秋月');
    const second = await named('上官明月');
    const neither = await named('欧阳明月');
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const street = await actorNamed(testApp.services, testApp.db, 'supervisor.street');
    for (const who of [actor, street])
      for (const count of [1, 1000]) {
        // counted in full: the index; beyond the count (1): each case tested in the list's order
        const found = await repository.list(
          policy.caseVisibility(who),
          query({ q: '上官', pageSize: '200' }),
          '2026-01-01',
          {
            ...caseListLimits,
            count,
          },
        );
        const ids = found.items.map((row) => row.id);
        expect(ids).toEqual(expect.arrayContaining([first.id, second.id]));
        expect(ids).not.toContain(neither.id);
        expect(found.totalIsLowerBound).toBe(count < found.items.length);
      }
  });

  it('finds one character (a surname) in names and text from the index, for a sub-centre supervisor, newest first and the same when walked', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const surname = String.fromCodePoint(0x9fa0 - (Date.now() % 200)); // a rare character, fresh per run
    const inName = await createCase(testApp.services, actor.id, {
      title: '相邻关系纠纷',
      parties: [
        { role: 'applicant', kind: 'person', name: `${surname}某某` },
        { role: 'respondent', kind: 'person', name: '李某' },
      ],
    });
    const inTitle = await createCase(testApp.services, actor.id, { title: `${surname}家漏水纠纷` });
    const street = await actorNamed(testApp.services, testApp.db, 'supervisor.street');
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const newestFirst = [inTitle.id, inName.id];
    for (const count of [1000, 1]) {
      const found = await repository.list(
        policy.caseVisibility(street),
        query({ q: surname, pageSize: '20' }),
        '2026-01-01',
        { ...caseListLimits, count },
      );
      expect(found.items.map((row) => row.id)).toEqual(newestFirst);
    }
    const viaApi = await mediator.get(`/api/v1/cases?q=${encodeURIComponent(surname)}&pageSize=20`);
    expect(viaApi.body.items.map((item: { number: string }) => item.number)).toEqual([
      inTitle.number,
      inName.number,
    ]);
  });

  it('a term in more cases than the count reads is found by walking the list in its order: the same pages, newest first', async () => {
    const mediatorActor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const term = `欠薪${Date.now().toString(36)}`;
    const matching = [];
    for (let i = 0; i < 5; i++)
      matching.push(await createCase(testApp.services, mediatorActor.id, { title: `${term}纠纷${i}` }));
    const newestFirst = [...matching].reverse().map((row) => row.id);
    const supervisor = await actorNamed(testApp.services, testApp.db, 'supervisor');
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const pages = async (count: number) => {
      const limits = { ...caseListLimits, count };
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const found = await repository.list(
          policy.caseVisibility(supervisor),
          query({ q: term, pageSize: '2', page: String(page) }),
          '2026-01-01',
          limits,
        );
        seen.push(...found.items.map((row) => row.id));
        if (page === 1) expect(found.totalIsLowerBound).toBe(count < 5);
      }
      return seen;
    };
    // counted in full: the bigram index; beyond the count: walked newest first
    expect(await pages(1000)).toEqual(newestFirst);
    expect(await pages(2)).toEqual(newestFirst);
    // past the rows the list walks to, the index again: the same cases in the same order
    const deep = await repository.list(
      policy.caseVisibility(supervisor),
      query({ q: term, pageSize: '200' }),
      '2026-01-01',
      { ...caseListLimits, count: 2 },
    );
    expect(deep.items.map((row) => row.id)).toEqual(newestFirst);
  });

  it("a district supervisor's list and search hold the cases of the district's units, and none of another district's", async () => {
    const here = await createDistrictTree(testApp.db);
    const there = await createDistrictTree(testApp.db);
    const people = async (tree: typeof here) => ({
      mediator: await createUser(testApp.db, { role: 'mediator', unitId: tree.farCommunity.id }),
      supervisor: await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id }),
    });
    const ours = await people(here);
    const theirs = await people(there);
    const term = `漏雨${Date.now().toString(36)}`;
    const inOurs = await createCase(testApp.services, ours.mediator.id, { title: `${term}纠纷` });
    const inTheirs = await createCase(testApp.services, theirs.mediator.id, { title: `${term}纠纷` });
    const actor = await actorNamed(testApp.services, testApp.db, ours.supervisor.username);
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    for (const filter of [query({ q: term }), query({ type: 'neighbourhood', pageSize: '200' })]) {
      const ids = (await repository.list(policy.caseVisibility(actor), filter, '2026-01-01')).items.map(
        (row) => row.id,
      );
      expect(ids).toContain(inOurs.id);
      expect(ids).not.toContain(inTheirs.id);
    }
  });

  it("a case transferred to a department enters its supervisor's list and search, and stays in the sub-centre's that held it", async () => {
    const mediatorActor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const term = `移送${Date.now().toString(36)}`;
    const running = await caseInState(testApp.services, mediatorActor, 'mediation.inProgress', {
      type: 'labour',
      title: `${term}劳动报酬纠纷`,
    });
    const [bureau] = await testApp.db.query(`SELECT id FROM units WHERE code = 'MH-RSJ'`);
    const bureauSupervisor = await createUser(testApp.db, { role: 'supervisor', unitId: bureau.id });
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const seenBy = async (username: string) => {
      const visibility = policy.caseVisibility(await actorNamed(testApp.services, testApp.db, username));
      const listed = await repository.list(
        visibility,
        query({ type: 'labour', pageSize: '200' }),
        '2026-01-01',
      );
      const found = await repository.list(visibility, query({ q: term }), '2026-01-01');
      return [
        listed.items.some((row) => row.id === running.id),
        found.items.some((row) => row.id === running.id),
      ];
    };
    expect(await seenBy(bureauSupervisor.username)).toEqual([false, false]);
    expect(await seenBy('supervisor.street')).toEqual([true, true]);

    await send(testApp.services, mediatorActor, running, {
      type: 'TRANSFER',
      toTrack: 'administrative',
      unitId: bureau.id,
      reason: '劳动者申请人社局调解。',
    });
    expect(await seenBy(bureauSupervisor.username)).toEqual([true, true]);
    expect(await seenBy('supervisor.street')).toEqual([true, true]);
  });

  it("when a workstation moves to another sub-centre, its cases move to that sub-centre's list and search", async () => {
    const tree = await createDistrictTree(testApp.db);
    const mediatorUser = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const here = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const there = await createUser(testApp.db, { role: 'supervisor', unitId: tree.otherStreet.id });
    const term = `搬迁${Date.now().toString(36)}`;
    const row = await createCase(testApp.services, mediatorUser.id, { title: `${term}纠纷` });
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const seenBy = async (username: string) => {
      const visibility = policy.caseVisibility(await actorNamed(testApp.services, testApp.db, username));
      const listed = await repository.list(visibility, query({}), '2026-01-01');
      const found = await repository.list(visibility, query({ q: term }), '2026-01-01');
      return [listed.items.map((item) => item.id), found.items.map((item) => item.id)];
    };
    expect(await seenBy(here.username)).toEqual([[row.id], [row.id]]);
    expect(await seenBy(there.username)).toEqual([[], []]);

    await testApp.db.query('UPDATE units SET parent_id = $1 WHERE id = $2', [
      tree.otherStreet.id,
      tree.community.id,
    ]);
    expect(await seenBy(here.username)).toEqual([[], []]);
    expect(await seenBy(there.username)).toEqual([[row.id], [row.id]]);
  });

  it("a sub-centre's list is exactly the cases its units held, filtered or not, and follows a whole sub-centre moved under another", async () => {
    const tree = await createDistrictTree(testApp.db);
    const registered = async (unitId: string, type: 'neighbourhood' | 'family') => {
      const mediatorUser = await createUser(testApp.db, { role: 'mediator', unitId });
      return (await createCase(testApp.services, mediatorUser.id, { type })).id;
    };
    const inCommunity = await registered(tree.community.id, 'neighbourhood');
    const inNeighbour = await registered(tree.neighbour.id, 'family');
    const inFar = await registered(tree.farCommunity.id, 'neighbourhood');
    const inDepartment = await registered(tree.department.id, 'neighbourhood');
    const here = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const there = await createUser(testApp.db, { role: 'supervisor', unitId: tree.otherStreet.id });
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const listedFor = async (username: string, fields: Record<string, string> = {}) => {
      const visibility = policy.caseVisibility(await actorNamed(testApp.services, testApp.db, username));
      const page = await repository.list(visibility, query({ pageSize: '200', ...fields }), '2026-01-01');
      return page.items.map((item) => item.id).sort();
    };
    expect(await listedFor(here.username)).toEqual([inCommunity, inNeighbour].sort());
    expect(await listedFor(here.username, { type: 'neighbourhood' })).toEqual([inCommunity]);
    expect(await listedFor(here.username, { state: 'registered', type: 'family' })).toEqual([inNeighbour]);
    expect(await listedFor(there.username)).toEqual([inFar]);
    expect(await listedFor(here.username)).not.toContain(inDepartment);

    // a case handed into the sub-centre (its units written as a hand-off writes them): now in
    // both sub-centres' lists, as the one it came from held it
    const handedIn = await registered(tree.farCommunity.id, 'family');
    await testApp.db.query(
      'UPDATE cases SET holding_unit_id = $1, held_unit_ids = held_unit_ids || $1::uuid WHERE id = $2',
      [tree.community.id, handedIn],
    );
    expect(await listedFor(here.username, { type: 'family' })).toEqual([inNeighbour, handedIn].sort());
    expect(await listedFor(there.username, { type: 'family' })).toEqual([handedIn]);

    // the sub-centre and its two workstations move under the other: their paths all change,
    // the workstations' before the sub-centre's own row has its new one
    const pathBefore = (await actorNamed(testApp.services, testApp.db, here.username)).unitPath;
    await testApp.db.query('UPDATE units SET parent_id = $1 WHERE id = $2', [
      tree.otherStreet.id,
      tree.street.id,
    ]);
    // the supervisor's unit path is read from the in-memory actors, which the units' NOTIFY
    // refreshes after the commit: the list follows once this app has heard of the move
    await waitUntil(
      'the moved supervisor to carry the new unit path',
      async () => (await actorNamed(testApp.services, testApp.db, here.username)).unitPath !== pathBefore,
      20_000,
    );
    expect(await listedFor(there.username)).toEqual([inCommunity, inNeighbour, inFar, handedIn].sort());
    expect(await listedFor(there.username, { type: 'neighbourhood' })).toEqual([inCommunity, inFar].sort());
    expect(await listedFor(here.username)).toEqual([inCommunity, inNeighbour, handedIn].sort());
    // and the search follows it too: the search rows' scopes were rewritten for the whole moved subtree
    const [{ number }] = await testApp.db.query('SELECT number FROM cases WHERE id = $1', [inNeighbour]);
    expect(await listedFor(there.username, { q: number })).toEqual([inNeighbour]);
    expect(await listedFor(here.username, { q: number })).toEqual([inNeighbour]);
    // each search row carries its case's scopes, holders and order (from cases.scope_ids,
    // rewritten first on a move; the hand-off above rewrote the holders)
    const [{ differing }] = await testApp.db.query(
      `SELECT count(*)::int AS differing FROM cases c JOIN case_search s ON s.case_id = c.id
       WHERE c.id = ANY($1::uuid[]) AND (${searchRowUnlikeItsCase}
         OR c.scope_ids IS DISTINCT FROM coalesce(unit_scopes(c.held_unit_ids), '{}'))`,
      [[inCommunity, inNeighbour, inFar, handedIn, inDepartment]],
    );
    expect(differing).toBe(0);
  });

  it("a registration writes its case's search row once, with the parties' names in it", async () => {
    // every write to case_search, seen by a trigger of this test's own
    await testApp.db.query('CREATE TABLE search_writes_seen (case_id uuid, operation text)');
    await testApp.db.query(`CREATE FUNCTION note_search_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO search_writes_seen VALUES (NEW.case_id, TG_OP); RETURN NULL; END $$`);
    await testApp.db.query(
      'CREATE TRIGGER note_search_write AFTER INSERT OR UPDATE ON case_search FOR EACH ROW EXECUTE FUNCTION note_search_write()',
    );
    try {
      const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
      const registered = await createCase(testApp.services, actor.id, {
        parties: [
          { role: 'applicant', kind: 'person', name: '欧阳娜娜' },
          { role: 'respondent', kind: 'organisation', name: '莘庄物业公司' },
        ],
      });
      const writes = await testApp.db.query('SELECT operation FROM search_writes_seen WHERE case_id = $1', [
        registered.id,
      ]);
      expect(writes).toEqual([{ operation: 'INSERT' }]);
      const found = await mediator.get(`/api/v1/cases?q=${encodeURIComponent('欧阳娜')}&pageSize=200`);
      expect(found.body.items.map((item: { number: string }) => item.number)).toContain(registered.number);
    } finally {
      await testApp.db.query('DROP TRIGGER note_search_write ON case_search');
      await testApp.db.query('DROP FUNCTION note_search_write()');
      await testApp.db.query('DROP TABLE search_writes_seen');
    }
  });

  it('matches Latin letters regardless of case, and LIKE wildcards only literally', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const upper = await createCase(testApp.services, actor.id, { title: 'KTV噪音扰民' });
    const percent = await createCase(testApp.services, actor.id, { title: '违约金按50%计算' });
    const plain = await createCase(testApp.services, actor.id, { title: '违约金按500元计算' });

    const lower = await mediator.get(`/api/v1/cases?q=${encodeURIComponent('ktv')}&pageSize=200`);
    expect(lower.body.items.map((item: { number: string }) => item.number)).toContain(upper.number);
    const mixed = await mediator.get(`/api/v1/cases?q=${encodeURIComponent('Tv')}&pageSize=200`);
    expect(mixed.body.items.map((item: { number: string }) => item.number)).toContain(upper.number);

    const literal = await mediator.get(`/api/v1/cases?q=${encodeURIComponent('0%')}&pageSize=200`);
    const numbers = literal.body.items.map((item: { number: string }) => item.number);
    expect(numbers).toContain(percent.number);
    expect(numbers).not.toContain(plain.number);
  });

  it('the bigrams the index holds are the lower-cased pairs of adjacent characters', async () => {
    const [row] = await testApp.db.query(
      `SELECT text_bigrams('拖欠工资 Ab') AS pairs, text_bigrams('工') AS single, text_bigrams('') AS empty`,
    );
    expect([...row.pairs].sort()).toEqual([' a', 'ab', '工资', '拖欠', '欠工', '资 '].sort());
    expect(row.single).toEqual([]);
    expect(row.empty).toEqual([]);
  });
  it('a state held by most cases is counted on each row, not in the index: the same totals and pages either way', async () => {
    const mediatorActor = await actorNamed(testApp.services, testApp.db, 'mediator');
    for (const state of ['closed', 'closed', 'screening', 'mediation.inProgress'] as const)
      await caseInState(testApp.services, mediatorActor, state, { type: 'labour' });
    /** The share every state is told to hold: all the cases, or none. */
    class Told extends CaseStateShares {
      constructor(private readonly share: number) {
        super(testApp.db);
      }
      override async of(): Promise<number> {
        return this.share;
      }
    }
    const common = new CaseListQueries(testApp.db, testApp.services.cipher, new Told(1));
    const rare = new CaseListQueries(testApp.db, testApp.services.cipher, new Told(0));
    for (const username of ['mediator', 'supervisor.street', 'supervisor']) {
      const visibility = policy.caseVisibility(await actorNamed(testApp.services, testApp.db, username));
      const filters: Array<Record<string, string>> = [
        { state: 'closed' },
        { state: 'closed', type: 'labour', pageSize: '2' },
        { state: 'mediation' },
        { state: 'screening', type: 'labour' },
        { state: 'no-such-state' },
      ];
      for (const fields of filters)
        for (const count of [1000, 2]) {
          const limits = { ...caseListLimits, count };
          const [byRow, byIndex] = await Promise.all(
            [common, rare].map((lists) => lists.list(visibility, query(fields), '2026-01-01', limits)),
          );
          expect(byRow.items.map((row) => row.id)).toEqual(byIndex.items.map((row) => row.id));
          expect([byRow.total, byRow.totalIsLowerBound]).toEqual([byIndex.total, byIndex.totalIsLowerBound]);
          if (fields.state === 'closed' && count === 1000) expect(byRow.total).toBeGreaterThanOrEqual(2);
        }
    }
  });

  it("the states' shares are read from PostgreSQL's statistics once ANALYZE has sampled the cases", async () => {
    const mediatorActor = await actorNamed(testApp.services, testApp.db, 'mediator');
    await caseInState(testApp.services, mediatorActor, 'closed');
    await testApp.db.query('ANALYZE cases');
    const [{ closed, all }] = await testApp.db.query(
      `SELECT count(*) FILTER (WHERE state = 'closed')::int AS closed, count(*)::int AS all FROM cases`,
    );
    const shares = new CaseStateShares(testApp.db);
    // every case sampled (fewer than ANALYZE's 30,000-row sample): the share is the count's
    expect(await shares.of(['closed'])).toBeCloseTo(closed / all, 3);
    expect(await shares.of(['no-such-state'])).toBe(0);
  });
  it("every case's scopes, as its trigger wrote them, are the units that held it and their ancestors below the district", async () => {
    const tree = await createDistrictTree(testApp.db);
    const mediatorUser = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const row = await createCase(testApp.services, mediatorUser.id, { type: 'family' });
    // held by its workstation, then by a department and the district itself (no scope of its own)
    await testApp.db.query(
      'UPDATE cases SET held_unit_ids = held_unit_ids || $1::uuid || $2::uuid WHERE id = $3',
      [tree.department.id, tree.district.id, row.id],
    );
    const [{ scopes }] = await testApp.db.query(
      'SELECT scope_ids::text[] AS scopes FROM cases WHERE id = $1',
      [row.id],
    );
    expect(scopes).toEqual([tree.community.id, tree.street.id, tree.department.id].sort());
    // and every case of this database, handed on or not
    const [{ differing, all }] = await testApp.db.query(
      `SELECT count(*) FILTER (WHERE scope_ids IS DISTINCT FROM coalesce(unit_scopes(held_unit_ids), '{}'))::int AS differing,
              count(*)::int AS all FROM cases`,
    );
    expect(all).toBeGreaterThan(0);
    expect(differing).toBe(0);
    // and each has its search row with the same scopes and the units that held it (the district
    // too), its holders and its order, which a mediator's and a sub-centre's search read alone
    const [{ unlike }] = await testApp.db.query(
      `SELECT count(*)::int AS unlike FROM cases c LEFT JOIN case_search s ON s.case_id = c.id
        WHERE ${searchRowUnlikeItsCase}`,
    );
    expect(unlike).toBe(0);
    const [{ searchScopes }] = await testApp.db.query(
      'SELECT scopes::text[] AS "searchScopes" FROM case_search WHERE case_id = $1',
      [row.id],
    );
    expect(searchScopes).toEqual(
      [tree.community.id, tree.street.id, tree.department.id, tree.district.id].sort(),
    );
  });
  it("a sub-centre's search with another filter keeps that filter (only a bare search is answered from the search rows)", async () => {
    const tree = await createDistrictTree(testApp.db);
    const mediatorUser = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const term = `鸡鸭${Date.now().toString(36)}`;
    const family = await createCase(testApp.services, mediatorUser.id, {
      type: 'family',
      title: `${term}纠纷`,
    });
    const neighbours = await createCase(testApp.services, mediatorUser.id, {
      type: 'neighbourhood',
      title: `${term}纠纷`,
    });
    const visibility = policy.caseVisibility(
      await actorNamed(testApp.services, testApp.db, supervisor.username),
    );
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const found = async (fields: Record<string, string>) => {
      const page = await repository.list(visibility, query(fields), '2026-01-01');
      return { ids: page.items.map((row) => row.id).sort(), total: page.total };
    };
    expect(await found({ q: term })).toEqual({ ids: [family.id, neighbours.id].sort(), total: 2 });
    for (const [fields, expected] of [
      [{ q: term, type: 'family' }, family.id],
      [{ q: term, type: 'neighbourhood' }, neighbours.id],
      [{ q: term, state: 'registered', type: 'family' }, family.id],
    ] as const)
      expect(await found(fields)).toEqual({ ids: [expected], total: 1 });
  });
  it("a mediator of the district's own centre finds the cases their unit held by search, with or without another filter", async () => {
    // the district is in no case's scope_ids (every case is in it); its centre holds cases of its own
    const tree = await createDistrictTree(testApp.db);
    const centre = await createUser(testApp.db, { role: 'mediator', unitId: tree.district.id });
    const workstation = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const term = `欠租${Date.now().toString(36)}`;
    const ours = await createCase(testApp.services, centre.id, { type: 'family', title: `${term}纠纷` });
    const theirs = await createCase(testApp.services, workstation.id, {
      type: 'family',
      title: `${term}纠纷`,
    });
    const visibility = policy.caseVisibility(await actorNamed(testApp.services, testApp.db, centre.username));
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    for (const fields of [{ q: term }, { q: term, type: 'family' }, { q: term, sort: 'updated' }] as Array<
      Record<string, string>
    >)
      for (const count of [1000, 1]) {
        const found = await repository.list(visibility, query(fields), '2026-01-01', {
          ...caseListLimits,
          count,
        });
        expect(found.items.map((row) => row.id)).toEqual([ours.id]);
      }
    expect(theirs.id).not.toBe(ours.id);
  });

  it("a mediator's search holds exactly the cases their unit held, not those of the units below it, in every order and page, as when each case is tested", async () => {
    const tree = await createDistrictTree(testApp.db);
    const streetMediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.street.id });
    const workstation = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const term = `噪音${Date.now().toString(36)}`;
    const registered = [];
    for (let i = 0; i < 3; i++)
      registered.push(await createCase(testApp.services, streetMediator.id, { title: `${term}纠纷${i}` }));
    const below = await createCase(testApp.services, workstation.id, { title: `${term}纠纷` });
    // handed up from the workstation to the street centre, as a hand-off writes its units
    const handedUp = await createCase(testApp.services, workstation.id, { title: `${term}纠纷` });
    await testApp.db.query(
      'UPDATE cases SET holding_unit_id = $1, held_unit_ids = held_unit_ids || $1::uuid WHERE id = $2',
      [tree.street.id, handedUp.id],
    );
    const held = [...registered, handedUp];
    const visibility = policy.caseVisibility(
      await actorNamed(testApp.services, testApp.db, streetMediator.username),
    );
    const repository = new CaseListQueries(testApp.db, testApp.services.cipher);
    const pages = async (sort: string, count: number) => {
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const found = await repository.list(
          visibility,
          query({ q: term, sort, pageSize: '2', page: String(page) }),
          '2026-01-01',
          { ...caseListLimits, count },
        );
        expect(found.total).toBe(Math.min(count, held.length));
        seen.push(...found.items.map((row) => row.id));
      }
      return seen;
    };
    // the list's order as PostgreSQL sorts it (microseconds, its collation)
    const newestFirst: Array<{ id: string }> = await testApp.db.query(
      'SELECT id FROM cases WHERE id = ANY($1::uuid[]) ORDER BY created_at DESC, number DESC',
      [held.map((row) => row.id)],
    );
    // from the search rows alone (counted in full) and walked in the list's order (beyond the count): the same pages
    for (const count of [1000, 2]) {
      expect(await pages('newest', count)).toEqual(newestFirst.map((row) => row.id));
      expect(await pages('oldest', count)).toEqual([...newestFirst].reverse().map((row) => row.id));
      expect((await pages('updated', count)).sort()).toEqual(held.map((row) => row.id).sort());
    }
    // the workstation's mediator sees its two, and not the street centre's own
    const fromBelow = await repository.list(
      policy.caseVisibility(await actorNamed(testApp.services, testApp.db, workstation.username)),
      query({ q: term }),
      '2026-01-01',
    );
    expect(fromBelow.items.map((row) => row.id).sort()).toEqual([below.id, handedUp.id].sort());
    // a search row gone stale (as if written with its triggers off) naming the street centre among
    // its case's holders: the case's own holders decide, and the case is not shown
    await testApp.db.query(
      'UPDATE case_search SET scopes = scopes || $1::uuid, held_unit_ids = held_unit_ids || $1::uuid WHERE case_id = $2',
      [tree.street.id, below.id],
    );
    for (const sort of ['newest', 'updated']) {
      const found = await repository.list(visibility, query({ q: term, sort, pageSize: '20' }), '2026-01-01');
      expect(found.items.map((row) => row.id)).not.toContain(below.id);
    }
  });
});
