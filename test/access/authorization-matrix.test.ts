import request from 'supertest';
import { type Role, roles } from '../../src/access/roles';
import type { RouteSpec } from '../../src/access/route-table';
import { todayInShanghai } from '../../src/deadlines/working-calendar';
import {
  bearer,
  type CaseTeam,
  createCaseTeam,
  type Member,
  registerCase,
  sendEvent,
  sendEvents,
} from '../cases/case-api';
import { repliedPetition, reviewLevels, type Who } from '../petitions/petition-review-support';
import { apiToken, Browser, createUser } from '../support/auth';
import {
  createCase,
  createDistrictTree,
  createEscalation,
  createUnit,
  linkCaseToAgent,
} from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** Today in Shanghai on the app's clock. */
const todayOf = (testApp: TestApp) => todayInShanghai(testApp.clock.now());

/**
 * The authorisation matrix, generated from the app's route table: every route ×
 * every role × a record in scope and out of scope. The expectations below are
 * written from the product rules (issue 3, DOMAIN.md), not read from the policy
 * module; a route whose action has no row here fails the suite.
 */
const rolesAllowed: Record<string, readonly Role[]> = {
  'unit.list': roles,
  'unit.manage': ['admin'],
  'user.manage': ['admin'],
  'audit.view': ['admin'],
  'case.register': ['mediator', 'supervisor'],
  'case.list': ['mediator', 'supervisor', 'petition_agent'],
  'case.view': ['mediator', 'supervisor', 'petition_agent'],
  'case.act': ['mediator', 'supervisor'],
  'party.reveal': ['mediator', 'supervisor'],
  'attachment.add': ['mediator', 'supervisor'],
  'escalation.list': ['supervisor'],
  'escalation.review': ['supervisor'],
  'petition.register': ['petition_agent', 'supervisor'],
  'petition.list': ['petition_agent', 'supervisor'],
  'petition.view': ['petition_agent', 'supervisor'],
  'petition.act': ['petition_agent', 'supervisor'],
  'petition.visit': ['petition_agent'],
  'stats.view': ['supervisor', 'admin'],
  'supervision.view': ['supervisor'],
  'import.cases': ['admin'],
  // issue 7: mail that could not be delivered is an administrator's to see and resend
  'outbox.manage': ['admin'],
  // issue 17: a signed checkpoint of every audit chain, on request of those who answer for the records
  'audit.checkpoint': ['admin', 'supervisor'],
  // issue 16: the year's holiday notice is an administrator's to enter (it moves every open deadline)
  'calendar.manage': ['admin'],
  // issue 20: the parties' lookup code of a case — who may act on the case; of a petition — its agent, or a supervisor over it
  'case.lookup_code': ['mediator', 'supervisor'],
  'petition.lookup_code': ['petition_agent', 'supervisor'],
  'case.sms_consent': ['mediator', 'supervisor'],
  'petition.sms_consent': ['petition_agent', 'supervisor'],
  // issue 21: 矛盾纠纷排查 — a unit's round is filed by its mediators or a supervisor over it, and read by them
  'screening.file': ['mediator', 'supervisor'],
  'screening.list': ['mediator', 'supervisor'],
  // issue 21: a calendar of one's own and one's unit's appointments, for those who hold sessions and visits or oversee them
  'schedule.view': ['mediator', 'supervisor', 'petition_agent'],
};

/** Static assets are not routes with access decisions. */
const isAsset = (path: string) => path.startsWith('/static/');

type RecordKind = NonNullable<RouteSpec['record']>['kind'];
interface Scope {
  records: Record<RecordKind, string>;
  /** Values for the other route parameters that belong to that record (a case's party). */
  params: Record<string, string>;
}
interface Fixture {
  inScope: Scope;
  outOfScope: Scope;
}

function pathFor(spec: RouteSpec, scope: Scope) {
  return spec.path.replace(/:(\w+)/g, (_match, name: string) =>
    spec.record && name === spec.record.param
      ? scope.records[spec.record.kind]
      : (scope.params[name] ?? '00000000-0000-4000-8000-000000000000'),
  );
}

function listExpressRoutes(stack: unknown[]): Array<{ method: string; path: string }> {
  const found: Array<{ method: string; path: string }> = [];
  for (const layer of stack as Array<{
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: unknown[] };
  }>) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) found.push({ method, path: layer.route.path });
    } else if (layer.handle?.stack) {
      found.push(...listExpressRoutes(layer.handle.stack));
    }
  }
  return found;
}

describe('authorisation matrix (route table × role × scope)', () => {
  let testApp: TestApp;
  let routes: RouteSpec[];
  let fixture: Fixture;
  const browsers = new Map<Role, Browser>();
  const tokens = new Map<Role, string>();
  const usernames = new Map<Role, string>();
  const userIds = new Map<Role, string>();

  async function signInAs(role: Role) {
    const browser = new Browser(testApp.app);
    await browser.signIn(usernames.get(role) as string);
    browsers.set(role, browser);
    tokens.set(role, await apiToken(testApp.app, usernames.get(role) as string));
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    routes = testApp.app.routes;
    const home = await createDistrictTree(testApp.db);
    const elsewhere = await createDistrictTree(testApp.db);
    // everyone works at the top of their district, so scope is decided by the record alone
    for (const role of roles) {
      const user = await createUser(testApp.db, { role, unitId: home.district.id });
      usernames.set(role, user.username);
      userIds.set(role, user.id);
    }
    const scopeIn = async (tree: typeof home, mediatorId: string, agentId: string): Promise<Scope> => {
      const dispute = await createCase(testApp.services, mediatorId, { unitId: tree.district.id });
      const petition = await linkCaseToAgent(testApp.services, testApp.db, dispute.id, agentId);
      const [party] = await testApp.services.cases.partiesOf(dispute.id);
      const registeredBy = await testApp.services.actors.load(mediatorId);
      if (!registeredBy) throw new Error('no mediator');
      const attachment = await testApp.services.attachments.add(
        registeredBy,
        dispute.id,
        { originalName: '证据.txt', content: Buffer.from('借条照片的说明') },
        undefined,
      );
      // issue 21: a screening round of the district, with one item
      const round = await testApp.services.screenings.file(
        registeredBy,
        {
          unitId: tree.district.id,
          period: '2025-06',
          items: [
            {
              title: '排查事项',
              type: 'neighbourhood',
              riskGrade: 1,
              peopleCount: 2,
              description: '邻里噪音。',
            },
          ],
        },
        { actor: null, ip: null },
      );
      return {
        records: {
          screening: round.round.id,
          screeningItem: round.items[0].id,
          unit: tree.community.id,
          user: (await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })).id,
          case: dispute.id,
          escalation: await createEscalation(testApp.db, dispute.id, tree.street.id, tree.district.id),
          petition,
        },
        params: { partyId: party.id, attachmentId: attachment.id },
      };
    };
    const outsiderMediator = await createUser(testApp.db, {
      role: 'mediator',
      unitId: elsewhere.district.id,
    });
    const outsiderAgent = await createUser(testApp.db, {
      role: 'petition_agent',
      unitId: elsewhere.district.id,
    });
    fixture = {
      inScope: await scopeIn(
        home,
        userIds.get('mediator') as string,
        userIds.get('petition_agent') as string,
      ),
      outOfScope: await scopeIn(elsewhere, outsiderMediator.id, outsiderAgent.id),
    };
    for (const role of roles) await signInAs(role);
  });
  afterAll(() => testApp.close());

  it('every route mounted in the app has an entry in the route table', () => {
    const mounted = listExpressRoutes(
      (testApp.app as unknown as { router: { stack: unknown[] } }).router.stack,
    ).filter((route) => !isAsset(route.path));
    const declared = new Set(routes.map((spec) => `${spec.method} ${spec.path}`));
    const undeclared = mounted.filter((route) => !declared.has(`${route.method} ${route.path}`));
    expect(undeclared).toEqual([]);
    expect(mounted.length).toBeGreaterThanOrEqual(routes.length);
  });

  it('every action used by a route has an expectation in this matrix', () => {
    const actions = routes.flatMap((spec) => (typeof spec.access === 'object' ? [spec.access.action] : []));
    expect(actions.filter((action) => !(action in rolesAllowed))).toEqual([]);
  });

  async function call(spec: RouteSpec, role: Role | null, scope: Scope) {
    const path = pathFor(spec, scope);
    const isApi = path.startsWith('/api/');
    if (role === null) {
      if (isApi) return request(testApp.app)[spec.method](path).set('Accept', 'application/json');
      // an anonymous visitor with a valid CSRF token: what stops them must be the guard
      const visitor = new Browser(testApp.app);
      await visitor.get('/login');
      return spec.method === 'get' ? visitor.agent.get(path) : visitor.post(path, {});
    }
    let response: request.Response;
    if (isApi) {
      response = await request(testApp.app)
        [spec.method](path)
        .set('Authorization', `Bearer ${tokens.get(role)}`)
        .send({});
    } else {
      const browser = browsers.get(role) as Browser;
      await browser.get('/');
      response = spec.method === 'get' ? await browser.agent.get(path) : await browser.post(path, {});
    }
    if (spec.path.endsWith('/logout')) await signInAs(role); // that call ended the session or token
    return response;
  }

  const deniedAnonymously = (status: number, location: string | undefined) =>
    status === 401 || (status === 303 && /^\/login/.test(location ?? ''));

  it('anonymous callers reach only public routes', async () => {
    const failures: string[] = [];
    for (const spec of routes) {
      const response = await call(spec, null, fixture.inScope);
      const label = `${spec.method.toUpperCase()} ${spec.path}: ${response.status}`;
      if (spec.access === 'public' && [401, 403].includes(response.status))
        failures.push(`${label} — public`);
      if (spec.access !== 'public' && !deniedAnonymously(response.status, response.headers.location)) {
        failures.push(`${label} — should ask to sign in`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(roles.map((role) => [role]))(
    'as %s, each route allows or denies as the rules say, in and out of scope',
    async (role) => {
      const failures: string[] = [];
      for (const spec of routes) {
        if (spec.access === 'public') continue;
        const allowedRole = spec.access === 'signedIn' || rolesAllowed[spec.access.action]?.includes(role);
        const scopes: Array<'in' | 'out'> = spec.record ? ['in', 'out'] : ['in'];
        for (const scope of scopes) {
          const response = await call(spec, role, scope === 'in' ? fixture.inScope : fixture.outOfScope);
          const label = `${spec.method.toUpperCase()} ${spec.path} (${scope} scope): ${response.status}`;
          if (deniedAnonymously(response.status, response.headers.location)) {
            failures.push(`${label} — treated as signed out`);
          } else if (spec.record && scope === 'out' && response.status !== 404) {
            failures.push(`${label} — a record out of scope must answer 404`);
          } else if (
            allowedRole &&
            (scope === 'in' || !spec.record) &&
            [403, 404].includes(response.status)
          ) {
            failures.push(`${label} — should be allowed`);
          } else if (!allowedRole && ![403, 404].includes(response.status)) {
            failures.push(`${label} — should be denied`);
          }
        }
      }
      expect(failures).toEqual([]);
    },
  );

  describe('who decides a petition’s review and recheck (信访工作条例 第三十五条、第三十六条; issue 19)', () => {
    // written from the regulations: the body one level above the opinion decides, only its
    // supervisors; the unit whose opinion is reviewed never does, nor a unit above the body
    type Row = [who: Who | 'otherStreetSupervisor' | 'mediator', expected: number];
    let levels: Awaited<ReturnType<typeof reviewLevels>>;
    let outsiders: Record<'otherStreetSupervisor' | 'mediator', string>;

    beforeAll(async () => {
      levels = await reviewLevels(testApp);
      const other = await createUser(testApp.db, { role: 'supervisor', unitId: levels.tree.otherStreet.id });
      const mediator = await createUser(testApp.db, { role: 'mediator', unitId: levels.tree.street.id });
      outsiders = {
        otherStreetSupervisor: await apiToken(testApp.app, other.username),
        mediator: await apiToken(testApp.app, mediator.username),
      };
    });

    async function sendAs(who: Row[0], id: string, event: Record<string, unknown>) {
      if (who === 'otherStreetSupervisor' || who === 'mediator') {
        const current = await levels.api.get('districtSupervisor', id);
        return request(testApp.app)
          .post(`/api/v1/petitions/${id}/events`)
          .set('Authorization', `Bearer ${outsiders[who]}`)
          .send({ expectedVersion: current.body.version, ...event });
      }
      return levels.api.send(who, id, event);
    }

    /** A community's reply under review at the street. */
    async function underReview() {
      const id = await repliedPetition(levels.api, levels.tree.community.id, 'communitySupervisor');
      await levels.api.send('agent', id, { type: 'REQUEST_REVIEW', requestedOn: todayOf(testApp) });
      return id;
    }

    /** The street's review under recheck at the district. */
    async function underRecheck() {
      const id = await underReview();
      await levels.api.send('streetSupervisor', id, { type: 'REVIEW_DECIDED', opinion: '维持。' });
      await levels.api.send('agent', id, { type: 'REQUEST_RECHECK', requestedOn: todayOf(testApp) });
      return id;
    }

    it.each<Row>([
      ['communitySupervisor', 403],
      ['districtSupervisor', 403],
      ['agent', 403],
      // a mediator sees no petitions at all
      ['mediator', 404],
      ['otherStreetSupervisor', 404],
      ['streetSupervisor', 200],
    ])('REVIEW_DECIDED of a community’s reply, reviewed at the street, as %s: %i', async (who, expected) => {
      const id = await underReview();
      const answer = await sendAs(who, id, { type: 'REVIEW_DECIDED', opinion: '维持。' });
      expect(answer.status).toBe(expected);
    });

    it.each<Row>([
      ['agent', 403],
      ['mediator', 404],
      ['otherStreetSupervisor', 404],
      ['communitySupervisor', 200],
      ['streetSupervisor', 200],
    ])(
      'RECORD_DELIVERY of a community’s reply (it moves the §35 window: the serving unit’s side only), as %s: %i',
      async (who, expected) => {
        const id = await repliedPetition(levels.api, levels.tree.community.id, 'communitySupervisor');
        const answer = await sendAs(who, id, { type: 'RECORD_DELIVERY', deliveredOn: todayOf(testApp) });
        expect(answer.status).toBe(expected);
      },
    );

    let opened = 0;
    it.each<Row>([
      ['mediator', 404],
      ['otherStreetSupervisor', 404],
      ['communitySupervisor', 200],
      ['agent', 200],
      ['streetSupervisor', 200],
    ])(
      'LINK_CASE opening a case while the street reviews a community’s reply (诉访分离 stays with the first instance), as %s: %i',
      async (who, expected) => {
        const id = await underReview();
        opened += 1;
        const answer = await sendAs(who, id, {
          type: 'LINK_CASE',
          openCase: {
            type: 'neighbourhood',
            title: `复查期间的纠纷 ${opened}`,
            description: '邻里纠纷。',
            parties: [
              { role: 'applicant', kind: 'person', name: `申请人${opened}号` },
              { role: 'respondent', kind: 'person', name: `被申请人${opened}号` },
            ],
          },
        });
        expect(answer.status).toBe(expected);
      },
    );

    it.each<Row>([
      ['communitySupervisor', 403],
      ['streetSupervisor', 403],
      ['agent', 403],
      ['otherStreetSupervisor', 404],
      ['districtSupervisor', 200],
    ])(
      'RECHECK_DECIDED and the hearing (SUSPEND) of the street’s review, rechecked at the district, as %s: %i',
      async (who, expected) => {
        const id = await underRecheck();
        expect((await sendAs(who, id, { type: 'SUSPEND', reason: 'hearing' })).status).toBe(expected);
        if (expected === 200) await sendAs(who, id, { type: 'RESUME' });
        expect((await sendAs(who, id, { type: 'RECHECK_DECIDED', opinion: '维持。' })).status).toBe(expected);
      },
    );
  });
});

/**
 * Issue 19, the court's hand (人民调解法 §33; 民事诉讼法 §205, §206): a case sent for judicial
 * confirmation is in the queue of the court it went to — its users see it, while it decides
 * and after, and alone record the ruling — not of another court; the mediators whose
 * agreement it is still see it but may not rule, nor act on it while the court has it.
 */
describe('authorisation matrix: the court deciding on judicial confirmation', () => {
  let testApp: TestApp;
  let team: CaseTeam;
  let otherCourt: Member;
  let caseId: string;
  let version: number;

  const listed = async (who: Member) =>
    (await request(testApp.app).get('/api/v1/cases').set(bearer(who))).body.items.map(
      (item: { id: string }) => item.id,
    );
  const ruling = { type: 'CONFIRMED', rulingNo: '(2026)沪0112民特5号', ruledOn: '2026-12-03' };

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    team = await createCaseTeam(testApp);
    const secondCourt = await createUnit(testApp.db, { kind: 'court', parentId: team.units.district.id });
    const user = await createUser(testApp.db, { role: 'mediator', unitId: secondCourt.id });
    otherCourt = { user, token: await apiToken(testApp.app, user.username) };
    const registered = await registerCase(testApp, team.mediators.community);
    const community = team.mediators.community;
    const requested = await sendEvents(testApp, registered.body.id, registered.body.version, [
      [community, { type: 'SUBMIT' }],
      [community, { type: 'ACCEPT', track: 'people', level: 'community' }],
      [community, { type: 'ASSIGN', mediatorId: community.user.id }],
      [community, { type: 'REACH_AGREEMENT', form: 'written', terms: '十日内付清维修费。' }],
      [
        community,
        {
          type: 'REQUEST_JUDICIAL_CONFIRMATION',
          court: team.units.court.id,
          appliedOn: '2026-12-03',
          jointlyApplied: true,
        },
      ],
    ]);
    caseId = registered.body.id;
    version = requested.version;
  });
  afterAll(() => testApp.close());

  it('the court applied to sees the case in its list and may rule; another court sees nothing', async () => {
    expect(await listed(team.mediators.court)).toContain(caseId);
    const seen = await request(testApp.app).get(`/api/v1/cases/${caseId}`).set(bearer(team.mediators.court));
    expect(seen.status).toBe(200);
    expect([...seen.body.allowedEvents].sort()).toEqual(['CONFIRMATION_REJECTED', 'CONFIRMED']);

    expect(await listed(otherCourt)).not.toContain(caseId);
    expect((await request(testApp.app).get(`/api/v1/cases/${caseId}`).set(bearer(otherCourt))).status).toBe(
      404,
    );
    expect((await sendEvent(testApp, otherCourt, caseId, version, ruling)).status).toBe(404);
  });

  it('the mediators whose agreement it is, and the supervisor over the court, may not record the ruling', async () => {
    const community = await request(testApp.app)
      .get(`/api/v1/cases/${caseId}`)
      .set(bearer(team.mediators.community));
    expect(community.status).toBe(200);
    expect(community.body.allowedEvents).toEqual([]);
    for (const who of [team.mediators.community, team.supervisor]) {
      const refused = await sendEvent(testApp, who, caseId, version, ruling);
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
        status: 403,
        code: 'event_forbidden',
      });
    }
  });

  it('once it has ruled, the court still sees the case but acts on it no more; the agreement’s unit acts again', async () => {
    const ruled = await sendEvent(testApp, team.mediators.court, caseId, version, ruling);
    expect(ruled.status).toBe(200);
    const court = await request(testApp.app).get(`/api/v1/cases/${caseId}`).set(bearer(team.mediators.court));
    expect(court.status).toBe(200);
    expect(court.body.allowedEvents).toEqual([]);
    expect(
      (await sendEvent(testApp, team.mediators.court, caseId, ruled.body.version, { type: 'FULFILLED' }))
        .status,
    ).toBe(403);
    const community = await request(testApp.app)
      .get(`/api/v1/cases/${caseId}`)
      .set(bearer(team.mediators.community));
    expect(community.body.allowedEvents).toEqual(expect.arrayContaining(['FULFILLED', 'BREACHED']));
  });
});
