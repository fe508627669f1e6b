import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import request from 'supertest';
import { z } from 'zod';
import type { RouteSpec } from '../../src/access/route-table';
import { changePasswordSchema } from '../../src/auth/auth.schemas';
import { reviewSchema } from '../../src/escalations/escalation.schemas';
import { outboxRetrySchema, preferencesFormSchema } from '../../src/notifications/notification.schemas';
import { activeSchema, newUnitSchema, unitChangesSchema } from '../../src/units/unit.schemas';
import { newUserSchema, resetPasswordSchema, userChangesSchema } from '../../src/users/user.schemas';
import { apiToken, Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree, createEscalation, linkCaseToAgent } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 17 item 2: no input makes a 500, and a request that fails writes nothing
 * (shared/API.md). This walks every route of the route table as an admin, a mediator and
 * an anonymous visitor, each route with requests that fast-check makes up: malformed
 * record ids (or real ones, with malformed bodies), query strings, bodies and content
 * types, the bodies built from the route's zod schema where it has one (and kept only when
 * that schema refuses them). Every answer must be below 500, and after each route no
 * table may have changed, except:
 *
 * - `user_sessions`, not compared: a visitor gets a session row when a page binds a CSRF
 *   token to them, every request of a signed-in user rolls its session's expiry, and an
 *   anonymous POST /logout ends the visitor's session — that is what a session store does;
 * - `audit_log` may gain rows, and only `auth.sign_in_failed` and `auth.sign_in_throttled`
 *   ones: a well-formed but wrong sign-in is a real failed attempt, audited by design (and
 *   so is the start of the refusal the failures lead to); nothing else may be added;
 * - `sign_in_failures`, not compared: the throttle counts each failed sign-in there
 *   (src/auth/sign-in-throttle.ts), which is what slows a guesser down. `user_sign_ins`
 *   (successful sign-ins) is compared like any table: none of these requests signs in.
 *
 * The seed is fixed (per route, from its method and path), so a failure reproduces, and
 * adding a route does not change what the others are sent. Routes that act whatever the body
 * says are walked only by the roles they refuse: signed in, the sign-out routes end the
 * session or revoke the token; an administrator's POST to the checkpoints signs one.
 */
const seed = 17;
const runsPerRoute = 5;

type Role = 'admin' | 'mediator' | 'anonymous';

/** Routes whose form is one of these schemas as it is (their handlers pass req.body to it). */
const formSchemas: Record<string, z.ZodType> = {
  'post /admin/units': newUnitSchema,
  'post /admin/units/:id': unitChangesSchema,
  'post /admin/units/:id/active': activeSchema,
  'post /admin/users': newUserSchema,
  'post /admin/users/:id': userChangesSchema,
  'post /admin/users/:id/active': activeSchema,
  'post /admin/users/:id/password': resetPasswordSchema,
  'post /account/password': changePasswordSchema,
  'post /account/notifications': preferencesFormSchema,
  'post /admin/outbox/retry': outboxRetrySchema,
  'post /escalations/:id/review': reviewSchema,
};
/** A well-formed wrong sign-in is a failed attempt (audited, counted): not filtered out. */
const signInRoutes = new Set(['post /login', 'post /api/v1/auth/login']);
const signOutRoutes = new Set(['post /logout', 'post /api/v1/auth/logout']);
/** Routes that need no input to act, with the only roles that walk them (those they refuse). */
const actionsWithoutInput: Record<string, Role[]> = {
  'post /logout': ['anonymous'],
  'post /api/v1/auth/logout': ['anonymous'],
  'post /api/v1/audit/checkpoints': ['anonymous', 'mediator'],
  // issue 20: a new lookup code needs no input (the mediator holds the fixture's case; nobody but the agent follows its petition)
  'post /api/v1/cases/:id/tracking-code': ['anonymous', 'admin'],
  'post /cases/:id/tracking-code': ['anonymous', 'admin'],
  'post /api/v1/petitions/:id/tracking-code': ['anonymous', 'admin', 'mediator'],
  'post /petitions/:id/tracking-code': ['anonymous', 'admin', 'mediator'],
  // issue 21: a zero report (零报告) is one click, no input (the mediator's workstation may file one)
  'post /screenings/zero': ['anonymous', 'admin'],
  // issue 21: a new calendar feed link needs no input (any mediator may make one for themselves)
  'post /schedule/feed': ['anonymous', 'admin'],
};
/** What a failed sign-in may add to the audit log. */
const signInFailureActions = "'auth.sign_in_failed', 'auth.sign_in_throttled'";

const keyOf = (spec: RouteSpec) => `${spec.method} ${spec.path}`;
const seedOf = (spec: RouteSpec) => seed ^ createHash('sha256').update(keyOf(spec)).digest().readInt32BE(0);

/** Field names forms and the API use, and a few that trip careless code. */
const genericFields = [
  'q',
  'page',
  'pageSize',
  'state',
  'type',
  'unitId',
  'overdue',
  'from',
  'to',
  'sort',
  'flag',
  'status',
  'returnTo',
  'id',
  'title',
  'description',
  'source',
  'parties',
  'expectedVersion',
  'code',
  'nameZh',
  'kind',
  'parentId',
  'active',
  'username',
  'password',
  'role',
  'locale',
  'decision',
  'comment',
  'subject',
  'content',
  'petitionerName',
  'visitedAt',
  'reason',
  'days',
  'caseId',
  'file',
  '__proto__',
  'constructor',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc
    .tuple(fc.string({ maxLength: 5 }), loneSurrogate, fc.string({ maxLength: 5 }))
    .map((parts) => parts.join('')),
  fc.uuid(),
  fc.integer().map(String),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '-'.repeat(36),
    'true',
    'false',
    'null',
    'undefined',
    '0',
    '-1',
    '1e999',
    'NaN',
    '2026-13-45',
    '2026-02-30',
    '9999-99-99T99:99',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '%',
    '%ZZ',
    '../../etc/passwd',
    'a'.repeat(10_001),
    '张三 310104199001031234',
  ),
);
const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(nastyString, { maxLength: 3 }),
);

type JsonSchema = Record<string, unknown>;

/** Values shaped by a JSON Schema (from zod), each part sometimes replaced by a nasty one. */
function fromJsonSchema(
  schema: JsonSchema,
  defs: Record<string, JsonSchema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  const corrupt = (valid: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: nastyJson });
  if (depth > 6) return nastyJson;
  if (typeof schema.$ref === 'string') {
    const target = defs[schema.$ref.replace(/^#\/\$defs\//, '')];
    return target ? fromJsonSchema(target, defs, depth + 1) : nastyJson;
  }
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives?.length)
    return fc.oneof(...alternatives.map((each) => fromJsonSchema(each, defs, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0)
    return fromJsonSchema(schema.allOf[0] as JsonSchema, defs, depth + 1);
  if ('const' in schema) return corrupt(fc.constant(schema.const));
  if (Array.isArray(schema.enum)) return corrupt(fc.constantFrom(...schema.enum));
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const model = Object.fromEntries(
        Object.entries(properties).map(([name, each]) => [name, fromJsonSchema(each, defs, depth + 1)]),
      );
      return corrupt(
        fc
          .tuple(
            fc.record(model, { requiredKeys: [] }),
            fc.dictionary(fc.constantFrom(...genericFields), nastyJson, { maxKeys: 1 }),
          )
          .map(([known, extra]) => ({ ...extra, ...known })),
      );
    }
    case 'array':
      return corrupt(
        fc.array(fromJsonSchema((schema.items ?? {}) as JsonSchema, defs, depth + 1), { maxLength: 3 }),
      );
    case 'string':
      switch (schema.format) {
        case 'uuid':
          return corrupt(fc.uuid());
        case 'date':
          return corrupt(fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)));
        case 'date-time':
          return corrupt(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()));
        default:
          return corrupt(fc.string({ maxLength: 30 }));
      }
    case 'integer':
    case 'number':
      return corrupt(fc.oneof(fc.integer({ min: -2, max: 200 }), fc.double()));
    case 'boolean':
      return corrupt(fc.boolean());
    default:
      return nastyJson;
  }
}

/** JSON bodies for a route: from its schema (refused by it) when it has one, else made up. */
function jsonValues(schema: z.ZodType | undefined, keepValid: boolean): fc.Arbitrary<unknown> {
  const generic = fc.oneof(
    fc.dictionary(fc.constantFrom(...genericFields), nastyJson, { maxKeys: 5 }),
    nastyJson,
  );
  if (!schema) return generic;
  const { $defs, ...root } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  const shaped = fc.oneof(fromJsonSchema(root, $defs ?? {}), generic);
  return keepValid ? shaped : shaped.filter((value) => !schema.safeParse(value).success);
}

interface Body {
  contentType?: string;
  contentEncoding?: string;
  payload: string | Buffer;
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const rawJson = fc.constantFrom(
  `{"a": ${nested(5000)}}`,
  `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`,
  '{"username": "\\ud800", "password": "\\udfff"}',
  '{"title": "a\\u0000b"}',
  '{"a": 1,',
  '"just a string"',
  'null',
  '[]',
  '{}',
  '{"__proto__": {"admin": true}}',
);

/** Percent-encoding of the UTF-8 bytes (an unpaired surrogate becomes U+FFFD, as a browser sends it). */
const percentEncoded = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
const formEncoded = (fields: Array<[string, string]>) =>
  fields.map(([key, value]) => `${percentEncoded(key)}=${percentEncoded(value)}`).join('&');

function multipartBodies(fieldNames: string[]): fc.Arbitrary<Body> {
  const boundary = 'fuzzboundary';
  const part = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  // never an allowed file: an unknown extension, or content without the type's signature
  const filePart = fc
    .tuple(
      fc.constantFrom(
        'a.exe',
        'noext',
        '..\\..\\x.bat',
        'a.png',
        'a.pdf',
        '证据.docx',
        'a\u0000.txt.exe',
        '',
      ),
      fc.uint8Array({ maxLength: 64 }),
    )
    .map(
      ([name, bytes]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\nX${Buffer.from(bytes).toString('latin1')}\r\n`,
    );
  const wellFormed = fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...fieldNames), nastyString), { maxLength: 4 }),
      fc.option(filePart),
    )
    .map(([fields, file]) => ({
      contentType: `multipart/form-data; boundary=${boundary}`,
      payload: Buffer.from(
        `${fields.map(([name, value]) => part(name, value)).join('')}${file ?? ''}--${boundary}--\r\n`,
      ),
    }));
  const malformed = fc
    .tuple(
      fc.constantFrom(
        'multipart/form-data',
        `multipart/form-data; boundary=${boundary}`,
        'multipart/form-data; boundary=',
        'multipart/mixed; boundary=x',
      ),
      fc.oneof(
        fc.string(),
        fc.constant(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc`,
        ),
        fc.constant(`--${boundary}\r\n\r\n\r\n--${boundary}--\r\n`),
        fc.constant(
          `--${boundary}\r\nContent-Disposition: form-data; name="a[b][c][d][e][f][g][h]"\r\n\r\nx\r\n--${boundary}--\r\n`,
        ),
      ),
    )
    .map(([contentType, payload]) => ({ contentType, payload }));
  return fc.oneof(wellFormed, malformed);
}

function bodies(spec: RouteSpec): fc.Arbitrary<Body | null> {
  const key = keyOf(spec);
  const schema = spec.api?.body ?? formSchemas[key];
  const keepValid = signInRoutes.has(key);
  const schemaFields = schema
    ? Object.keys(
        ((z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema).properties ??
          {}) as object,
      )
    : [];
  const fieldNames = [...new Set([...schemaFields, ...genericFields])];
  const json = jsonValues(schema, keepValid).map((value) => ({
    contentType: 'application/json',
    payload: JSON.stringify(value) ?? 'null',
  }));
  const form = fc
    .array(fc.tuple(fc.constantFrom(...fieldNames), nastyString), { maxLength: 6 })
    .filter(
      (fields) =>
        keepValid || !schema || !schema.safeParse(Object.fromEntries(fields.map(([k, v]) => [k, v]))).success,
    )
    .map((fields) => ({ contentType: 'application/x-www-form-urlencoded', payload: formEncoded(fields) }));
  const other = fc.oneof(
    rawJson.map((payload) => ({ contentType: 'application/json', payload })),
    fc
      .tuple(
        fc.constantFrom(
          'text/csv',
          'text/plain',
          'application/xml',
          'application/octet-stream',
          'application/json; charset=latin1',
          'application/json; charset=utf-16le',
          'application/x-www-form-urlencoded; charset=koi8-r',
          'application/vnd.api+json',
          'garbage/!!',
        ),
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
        ),
      )
      .map(([contentType, payload]) => ({ contentType, payload })),
    fc.uint8Array({ maxLength: 32 }).map((bytes) => ({
      contentType: 'application/json',
      contentEncoding: 'gzip',
      payload: Buffer.from(bytes),
    })),
    fc.constant({
      contentType: 'application/json',
      contentEncoding: 'gzip',
      payload: gzipSync(`{"a": ${nested(5000)}}`),
    }),
    fc.constant({ contentType: 'application/json', contentEncoding: 'br', payload: 'x' }),
  );
  const any = fc.oneof(
    { weight: 3, arbitrary: json },
    { weight: 2, arbitrary: form },
    multipartBodies(fieldNames),
    other,
  );
  return spec.method === 'get'
    ? fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: any })
    : fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: any });
}

function queries(spec: RouteSpec): fc.Arbitrary<string> {
  const schemaFields = spec.api?.query
    ? Object.keys(
        ((z.toJSONSchema(spec.api.query, { io: 'input', unrepresentable: 'any' }) as JsonSchema).properties ??
          {}) as object,
      )
    : [];
  const names = [...new Set([...schemaFields, ...genericFields])];
  const pair = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...names), nastyString).map(([k, v]) => formEncoded([[k, v]])),
    },
    // what no encoder produces: bad escapes, bare keys, brackets
    fc.constantFrom('%', 'q=%E0%A4%A', 'page=%ZZ', 'a[b][c]=1', '=x', 'q', 'q=%00', 'unitId=%ED%A0%80'),
  );
  return fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length > 0 ? `?${pairs.join('&')}` : ''));
}

/** Malformed ids, as they may appear in a path (some not even well-formed percent-encoding). */
const malformedId = fc.oneof(
  fc.constantFrom(
    '-'.repeat(36),
    '0',
    'null',
    '%00',
    '%ED%A0%80',
    '%E0%A4%A',
    '%',
    '..%2F..%2Fadmin',
    'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
    '00000000-0000-0000-0000-00000000000G',
    '00000000-0000-4000-8000-000000000000',
    'a'.repeat(300),
  ),
  fc.string({ minLength: 1 }).map(percentEncoded),
  fc.uuid(),
);

interface Fixture {
  records: Record<NonNullable<RouteSpec['record']>['kind'], string>;
}

function paths(spec: RouteSpec, fixture: Fixture): fc.Arbitrary<string> {
  const names = [...spec.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
  const values = names.map((name) =>
    spec.record && name === spec.record.param
      ? fc.oneof(fc.constant(fixture.records[spec.record.kind]), malformedId)
      : // other ids (a party, an attachment) never real: a real party id would unmask it (audited)
        malformedId,
  );
  return fc.tuple(...values).map((chosen) => {
    let index = 0;
    return spec.path.replace(/:(\w+)/g, () => String(chosen[index++]));
  });
}

/** Per table: its row count and a checksum of its rows. */
type Snapshot = Map<string, string>;

describe('fuzz walk of the route table: no 5xx, and a request that fails writes nothing', () => {
  let testApp: TestApp;
  let fixture: Fixture;
  let tables: string[];
  const browsers = new Map<Role, Browser>();
  const tokens = new Map<Role, string>();

  async function snapshot(): Promise<Snapshot> {
    const union = tables
      .map(
        (table) =>
          `SELECT '${table}' AS t, count(*)::int || ':' || md5(coalesce(string_agg(md5(x::text), ',' ORDER BY md5(x::text)), '')) AS sum FROM ${table} x` +
          (table === 'public.audit_log' ? ` WHERE x.action NOT IN (${signInFailureActions})` : ''),
      )
      .join(' UNION ALL ');
    const rows: Array<{ t: string; sum: string }> = await testApp.db.query(union);
    return new Map(rows.map((row) => [row.t, row.sum]));
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    const tree = await createDistrictTree(testApp.db);
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id });
    const dispute = await createCase(testApp.services, mediator.id);
    // issue 21: the mediator's workstation's screening round, with one item
    const filedBy = await testApp.services.actors.load(mediator.id);
    if (!filedBy) throw new Error('no mediator');
    const round = await testApp.services.screenings.file(
      filedBy,
      {
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
    fixture = {
      records: {
        screening: round.round.id,
        screeningItem: round.items[0].id,
        unit: tree.community.id,
        user: (await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })).id,
        case: dispute.id,
        escalation: await createEscalation(testApp.db, dispute.id, tree.community.id, tree.street.id),
        petition: await linkCaseToAgent(testApp.services, testApp.db, dispute.id, agent.id),
      },
    };
    for (const [role, user] of [
      ['admin', admin],
      ['mediator', mediator],
    ] as const) {
      const browser = new Browser(testApp.app);
      await browser.signIn(user.username);
      browsers.set(role, browser);
      tokens.set(role, await apiToken(testApp.app, user.username));
    }
    const visitor = new Browser(testApp.app);
    await visitor.get('/login');
    browsers.set('anonymous', visitor);
    const found: Array<{ name: string }> = await testApp.db.query(
      `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables
       WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    tables = found
      .map((row) => row.name)
      .filter((name) => name !== 'public.user_sessions' && name !== 'public.sign_in_failures');
  });
  afterAll(() => testApp.close());

  async function send(
    spec: RouteSpec,
    role: Role,
    path: string,
    query: string,
    body: Body | null,
    csrf: boolean,
  ) {
    const url = `${path}${query}`;
    const isApi = path.startsWith('/api/');
    const browser = browsers.get(role) as Browser;
    let call =
      isApi && role !== 'anonymous'
        ? request(testApp.app)[spec.method](url)
        : browser.agent[spec.method](url);
    if (isApi && role !== 'anonymous') call = call.set('Authorization', `Bearer ${tokens.get(role)}`);
    if (!isApi && spec.method !== 'get' && csrf) call = call.set('X-CSRF-Token', browser.csrf);
    if (body) {
      if (body.contentType) call = call.set('Content-Type', body.contentType);
      if (body.contentEncoding) call = call.set('Content-Encoding', body.contentEncoding);
      call = call.serialize((payload) => payload).send(body.payload as string);
    }
    const response = await call;
    // an anonymous sign-out ends the visitor's session: bind a fresh one for what follows
    if (role === 'anonymous' && signOutRoutes.has(keyOf(spec))) await browser.get('/login');
    return response;
  }

  async function walk(role: Role) {
    const failures: string[] = [];
    const all: RouteSpec[] = testApp.app.routes;
    const routes = all.filter((spec) => actionsWithoutInput[keyOf(spec)]?.includes(role) ?? true);
    // each route's "after" is the next one's "before": nothing else runs in between
    let before = await snapshot();
    for (const spec of routes) {
      const requests = fc.record({
        path: paths(spec, fixture),
        query: queries(spec),
        body: bodies(spec),
        csrf: fc.oneof(
          { weight: 4, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
      });
      const result = await fc.check(
        fc.asyncProperty(requests, async ({ path, query, body, csrf }) => {
          const response = await send(spec, role, path, query, body, csrf);
          if (response.status >= 500) throw new Error(`${response.status}: ${response.text.slice(0, 200)}`);
        }),
        { seed: seedOf(spec), numRuns: runsPerRoute, endOnFailure: true },
      );
      if (result.failed) {
        const example = result.counterexample?.[0] as
          | { path: string; query: string; body: Body | null }
          | undefined;
        failures.push(
          `${keyOf(spec)} as ${role}: ${String(result.errorInstance)} — ${example?.path}${example?.query} ` +
            `${example?.body?.contentType ?? ''} ${String(example?.body?.payload ?? '').slice(0, 200)}`,
        );
      }
      const after = await snapshot();
      const changed = tables.filter((table) => before.get(table) !== after.get(table));
      if (changed.length > 0) failures.push(`${keyOf(spec)} as ${role} changed ${changed.join(', ')}`);
      before = after;
    }
    return failures;
  }

  it.each<Role>(['anonymous', 'mediator', 'admin'])(
    'as %s, every route answers below 500 and writes nothing',
    async (role) => {
      expect(await walk(role)).toEqual([]);
    },
    120_000,
  );
});
