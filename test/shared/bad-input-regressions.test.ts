import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Client } from 'pg';
import request from 'supertest';
import { errorHandler } from '../../src/shared/http/error-handler';
import { localeMiddleware } from '../../src/shared/http/locale.middleware';
import { maxInputDepth } from '../../src/shared/http/storable-input.middleware';
import { createI18n } from '../../src/shared/i18n/i18n';
import { apiToken, Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 17: an outside probe got 162 answers of 500 to bad input, from eight causes. Each
 * has its test here, named after the cause; the fuzz walk (route-table-fuzz.test.ts)
 * looks for any others.
 */
describe('no input makes a 500: the eight causes found by the probe', () => {
  let testApp: TestApp;
  let dataDir: string;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let admin: { id: string; username: string };
  let mediator: { id: string; username: string };
  let supervisor: { id: string; username: string };
  let mediatorToken: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-bad-input-'));
    testApp = await startTestApp({ dataDir });
    tree = await createDistrictTree(testApp.db);
    admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id });
    mediatorToken = await apiToken(testApp.app, mediator.username);
  });
  afterAll(async () => {
    await testApp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const asMediator = () => ({ Authorization: `Bearer ${mediatorToken}` });

  describe('(a) JSON nested thousands deep', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

    it('when a date is the year 0 (well-formed ISO, which PostgreSQL refuses), then 400 naming the field, not a database error', async () => {
      const token = await apiToken(testApp.app, supervisor.username);
      for (const path of ['/api/v1/stats?from=0000-01-01', '/api/v1/escalations?to=0000-12-31']) {
        const response = await request(testApp.app).get(path).set('Authorization', `Bearer ${token}`);
        expect([path, response.status]).toEqual([path, 400]);
        expect(response.body.error.details[0].field).toMatch(/^(from|to)$/);
      }
    });

    it('when a body nests 5,000 deep, then sign-in answers 400 body_too_deep, in the caller’s language', async () => {
      const response = await request(testApp.app)
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .set('Accept-Language', 'en')
        .send(`{"username": ${nested(5000)}, "password": "x"}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('body_too_deep');
      expect(response.body.error.message).toBe(
        `What was sent nests too deeply (at most ${maxInputDepth} levels).`,
      );
    });

    it('when a signed-in caller sends a case nested 100,000 deep, then 400 and no case', async () => {
      const before = await testApp.db.query('SELECT count(*)::int AS n FROM cases');
      const response = await request(testApp.app)
        .post('/api/v1/cases')
        .set(asMediator())
        .set('Content-Type', 'application/json')
        .send(`{"title": "x", "parties": ${nested(100_000)}}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('body_too_deep');
      expect(await testApp.db.query('SELECT count(*)::int AS n FROM cases')).toEqual(before);
    });

    it('when the deep body comes in UTF-16, then the walk after parsing refuses it just the same', async () => {
      const response = await request(testApp.app)
        .post('/api/v1/cases')
        .set(asMediator())
        .set('Content-Type', 'application/json; charset=utf-16le')
        .serialize((body) => body)
        .send(Buffer.from(`{"parties": ${nested(5000)}}`, 'utf16le'));
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('body_too_deep');
    });

    it('when a body nests exactly as deep as allowed, then it is read (and judged on its fields)', async () => {
      const response = await request(testApp.app)
        .post('/api/v1/cases')
        .set(asMediator())
        .set('Content-Type', 'application/json')
        .send(`{"title": ${nested(maxInputDepth - 1)}}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    });
  });

  describe('(b) unpaired surrogates in strings', () => {
    it('when a user name holds a lone surrogate, then sign-in answers 400 naming the field in the user’s language', async () => {
      const body = '{"username": "adm\\ud800in", "password": "whatever-1A"}';
      const english = await request(testApp.app)
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .set('Accept-Language', 'en')
        .send(body);
      expect(english.status).toBe(400);
      expect(english.body.error.details).toEqual([
        {
          field: 'username',
          message: 'contains an invalid character (an unpaired UTF-16 surrogate) that cannot be saved',
        },
      ]);
      const chinese = await request(testApp.app)
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .set('Accept-Language', 'zh-CN')
        .send(body);
      expect(chinese.status).toBe(400);
      expect(chinese.body.error.details[0].message).toBe(
        '含有无法保存的无效字符（不成对的 UTF-16 代理码元）',
      );
    });

    it('when a party’s name deep in a case holds one, then 400 names that field and nothing is written', async () => {
      const before = await testApp.db.query('SELECT count(*)::int AS n FROM cases');
      const response = await request(testApp.app)
        .post('/api/v1/cases')
        .set(asMediator())
        .set('Content-Type', 'application/json')
        .send(
          '{"type": "neighbourhood", "title": "漏水", "description": "楼上漏水", "source": "walk_in",' +
            ' "parties": [{"role": "applicant", "kind": "person", "name": "张\\udfff三"},' +
            ' {"role": "respondent", "kind": "person", "name": "李四"}]}',
        );
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'parties.0.name' })]);
      expect(await testApp.db.query('SELECT count(*)::int AS n FROM cases')).toEqual(before);
    });

    it('when a key holds one, then 400 (the key is not echoed)', async () => {
      const response = await request(testApp.app)
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"username": "a", "password": "b", "\\ud83d": 1}');
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        expect.objectContaining({ field: 'body', message: expect.stringContaining('UTF-16') }),
      ]);
    });

    it('a well-formed pair (an emoji) is no problem', async () => {
      const response = await request(testApp.app)
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"username": "\\ud83d\\ude00", "password": "whatever-1A"}');
      expect(response.status).toBe(401);
    });
  });

  describe('(c) ids of 36 dashes', () => {
    const dashes = '-'.repeat(36);

    it.each([
      `/api/v1/cases/${dashes}`,
      `/api/v1/cases/${dashes}/events`,
      `/api/v1/cases/${dashes}/verify`,
      `/api/v1/petitions/${dashes}`,
    ])('when GET %s, then 404', async (url) => {
      const response = await request(testApp.app).get(url).set(asMediator());
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    });

    it('when an event is sent to a case of 36 dashes, or a party of 36 dashes is asked for, then 404', async () => {
      const events = await request(testApp.app)
        .post(`/api/v1/cases/${dashes}/events`)
        .set(asMediator())
        .send({ type: 'SUBMIT', expectedVersion: 0 });
      expect(events.status).toBe(404);
      const dispute = await createCase(testApp.services, mediator.id);
      const party = await request(testApp.app)
        .get(`/api/v1/cases/${dispute.id}/parties/${dashes}`)
        .set(asMediator());
      expect(party.status).toBe(404);
    });

    it('when the pages are asked for them, then 404 pages', async () => {
      const browser = new Browser(testApp.app);
      await browser.signIn(mediator.username);
      expect((await browser.agent.get(`/cases/${dashes}`)).status).toBe(404);
      const dispute = await createCase(testApp.services, mediator.id);
      expect((await browser.agent.get(`/cases/${dispute.id}/attachments/${dashes}`)).status).toBe(404);
    });
  });

  describe('(d) non-UUID ids on /admin/users/:id and /admin/units/:id', () => {
    const malformed = ['not-a-uuid', '1', 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ', `${'a'.repeat(200)}`];

    it.each(['users', 'units'])('when an admin asks for /admin/%s/<not a UUID>, then 404', async (kind) => {
      const browser = new Browser(testApp.app);
      await browser.signIn(admin.username);
      for (const id of malformed) {
        expect((await browser.agent.get(`/admin/${kind}/${id}`)).status).toBe(404);
        await browser.get(`/admin/${kind}`);
        expect((await browser.post(`/admin/${kind}/${id}`, { nameZh: 'x' })).status).toBe(404);
        await browser.get(`/admin/${kind}`);
        expect((await browser.post(`/admin/${kind}/${id}/active`, { active: 'false' })).status).toBe(404);
      }
    });

    it.each([
      ['users', 'the user of another district'],
      ['units', 'a unit of another district'],
    ])('when a mediator asks for /admin/%s/<not a UUID>, then the same answer as for %s', async (kind) => {
      const elsewhere = await createDistrictTree(testApp.db);
      const unseen =
        kind === 'users'
          ? (await createUser(testApp.db, { role: 'mediator', unitId: elsewhere.community.id })).id
          : elsewhere.community.id;
      const browser = new Browser(testApp.app);
      await browser.signIn(mediator.username);
      const reference = await browser.agent.get(`/admin/${kind}/${unseen}`);
      expect(reference.status).toBe(404);
      expect(reference.text).toContain('找不到该页面或记录');
      for (const id of malformed) {
        const response = await browser.agent.get(`/admin/${kind}/${id}`);
        expect(response.status).toBe(reference.status);
        expect(response.text).toContain('找不到该页面或记录');
      }
      const apiReference = await request(testApp.app)
        .get(`/admin/${kind}/${unseen}`)
        .set('Accept', 'application/json')
        .set(asMediator());
      const apiMalformed = await request(testApp.app)
        .get(`/admin/${kind}/not-a-uuid`)
        .set('Accept', 'application/json')
        .set(asMediator());
      expect(apiMalformed.status).toBe(apiReference.status);
      expect(apiMalformed.body).toEqual(apiReference.body);
    });
  });

  describe('(e) malformed multipart bodies', () => {
    const multipart = (boundary: string | null) =>
      boundary === null ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}`;

    it.each([
      ['no boundary', null, '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--x--\r\n'],
      [
        'a body that ends mid-part',
        'x',
        '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc',
      ],
      ['a part without headers', 'x', '--x\r\n\r\n\r\n--x--\r\n'],
      ['garbage', 'x', '\u0000\u0001garbage'],
    ])('when an upload to a case has %s, then 400 and no attachment', async (_label, boundary, body) => {
      const dispute = await createCase(testApp.services, mediator.id);
      const browser = new Browser(testApp.app);
      await browser.signIn(mediator.username);
      await browser.get(`/cases/${dispute.id}`);
      const response = await browser.agent
        .post(`/cases/${dispute.id}/attachments`)
        .set('Content-Type', multipart(boundary))
        .send(body);
      expect(response.status).toBe(400);
      const [{ n }] = await testApp.db.query(
        'SELECT count(*)::int AS n FROM case_attachments WHERE case_id = $1',
        [dispute.id],
      );
      expect(n).toBe(0);
    });

    it('when a multipart field holds a NUL character, then 400 naming it', async () => {
      const dispute = await createCase(testApp.services, mediator.id);
      const browser = new Browser(testApp.app);
      await browser.signIn(mediator.username);
      await browser.get(`/cases/${dispute.id}`);
      const response = await browser.agent
        .post(`/cases/${dispute.id}/attachments`)
        .field('_csrf', browser.csrf)
        .field('description', 'a\u0000b')
        .attach('file', Buffer.from('%PDF-1.4 test'), 'a.pdf');
      expect(response.status).toBe(400);
      const [{ n }] = await testApp.db.query(
        'SELECT count(*)::int AS n FROM case_attachments WHERE case_id = $1',
        [dispute.id],
      );
      expect(n).toBe(0);
    });

    it('when the historic import gets a malformed upload, then 400; two files, then 413 (over its limit)', async () => {
      const browser = new Browser(testApp.app);
      await browser.signIn(admin.username);
      await browser.get('/admin/import');
      const malformed = await browser.agent
        .post('/admin/import')
        .set('Content-Type', multipart('y'))
        .send('--y\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nnumber,type');
      expect(malformed.status).toBe(400);
      await browser.get('/admin/import');
      const twoFiles = await browser.agent
        .post('/admin/import')
        .field('_csrf', browser.csrf)
        .attach('file', Buffer.from('a'), 'a.csv')
        .attach('other', Buffer.from('b'), 'b.csv');
      expect(twoFiles.status).toBe(413);
      expect(twoFiles.text).toContain('超出上传的大小或数量限制');
    });
  });

  describe('(f) bad query values on /petitions', () => {
    const badQueries = [
      'page=abc',
      'page=0',
      'page=1e999',
      'overdue=maybe',
      'unitId=not-a-uuid',
      'flag=zzz',
      'state=a&state=b',
      `state=${'x'.repeat(100)}`,
    ];

    it('when the list page gets them, then 400 pages; blank filters are no filter', async () => {
      const browser = new Browser(testApp.app);
      await browser.signIn(supervisor.username);
      for (const query of badQueries) {
        const response = await browser.agent.get(`/petitions?${query}`);
        expect([query, response.status]).toEqual([query, 400]);
      }
      expect((await browser.agent.get('/petitions?state=&overdue=&flag=')).status).toBe(200);
    });

    it('when the API gets them, then 400 naming the field', async () => {
      const token = await apiToken(testApp.app, supervisor.username);
      for (const query of badQueries) {
        const response = await request(testApp.app)
          .get(`/api/v1/petitions?${query}`)
          .set('Authorization', `Bearer ${token}`);
        expect([query, response.status]).toEqual([query, 400]);
        expect(response.body.error.details[0].field).toBe(query.split('=')[0]);
      }
    });
  });

  describe('(g) two units created with one code at once', () => {
    it('when another transaction takes the code between the check and the insert, then 409 naming the field, and one unit', async () => {
      const code = `RACE-${Date.now().toString(36).toUpperCase()}`;
      const browser = new Browser(testApp.app);
      await browser.signIn(admin.username);
      await browser.get('/admin/units/new');
      // the other creator: its row holds the code, uncommitted, so the app's check does not see it
      const other = new Client({ connectionString: testApp.config.databaseUrl });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO units (code, name_zh, name_en, kind, parent_id) VALUES ($1, '别处', 'Elsewhere', 'street', $2)`,
          [code, tree.district.id],
        );
        const pending = browser.post('/admin/units', {
          code,
          nameZh: '新街道',
          nameEn: 'New street',
          kind: 'street',
          parentId: tree.district.id,
        });
        const answered = pending.then((response) => response);
        await waitForLockWait(other);
        await other.query('COMMIT');
        const response = await answered;
        expect(response.status).toBe(409);
        expect(response.text).toContain('有人同时修改了这条记录');
        expect(response.text).toContain('该代码已被使用');
      } finally {
        await other.end();
      }
      const [{ n }] = await testApp.db.query('SELECT count(*)::int AS n FROM units WHERE code = $1', [code]);
      expect(n).toBe(1);
    });

    it('when two admins create one code at once, then one 303 and the other 409 or 422, never 500', async () => {
      const code = `TWIN-${Date.now().toString(36).toUpperCase()}`;
      const browsers = [new Browser(testApp.app), new Browser(testApp.app)];
      for (const browser of browsers) {
        await browser.signIn(admin.username);
        await browser.get('/admin/units/new');
      }
      const statuses = await Promise.all(
        browsers.map((browser) =>
          browser
            .post('/admin/units', {
              code,
              nameZh: '双胞街道',
              nameEn: 'Twin street',
              kind: 'street',
              parentId: tree.district.id,
            })
            .then((response) => response.status),
        ),
      );
      expect(statuses.sort()).toEqual([303, expect.any(Number)]);
      expect([409, 422]).toContain(statuses[1]);
    });
  });

  describe('(h) a write that loses a race in PostgreSQL', () => {
    it('when 16 uploads go to one case at once, then each is stored or answered 409, none 5xx', async () => {
      const dispute = await createCase(testApp.services, mediator.id);
      const browser = new Browser(testApp.app);
      await browser.signIn(mediator.username);
      await browser.get(`/cases/${dispute.id}`);
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      const responses = await Promise.all(
        Array.from({ length: 16 }, (_, index) =>
          browser.agent
            .post(`/cases/${dispute.id}/attachments`)
            .field('_csrf', browser.csrf)
            .attach('file', png, `证据${index}.png`),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status !== 303 && status !== 409)).toEqual([]);
      const [{ n }] = await testApp.db.query(
        'SELECT count(*)::int AS n FROM case_attachments WHERE case_id = $1',
        [dispute.id],
      );
      expect(n).toBe(statuses.filter((status) => status === 303).length);
    });

    describe('the one error handler, on the errors PostgreSQL really raises', () => {
      /** A bare app with the real error handler, its routes running SQL on the test database. */
      async function appRaising(work: () => Promise<unknown>) {
        const app = express();
        app.use(localeMiddleware(await createI18n('zh-CN'), 'zh-CN'));
        app.get('/race', async (_req, res) => {
          await work();
          res.end();
        });
        app.use(errorHandler);
        return app;
      }
      const connect = async () => {
        const client = new Client({ connectionString: testApp.config.databaseUrl });
        await client.connect();
        return client;
      };

      beforeAll(async () => {
        await testApp.db.query('CREATE TABLE race_rows (id int PRIMARY KEY, n int NOT NULL)');
        await testApp.db.query('INSERT INTO race_rows VALUES (1, 0), (2, 0)');
      });

      it('unique_violation (23505) → 409 write_conflict', async () => {
        const app = await appRaising(() => testApp.db.query('INSERT INTO race_rows VALUES (1, 1)'));
        const response = await request(app).get('/race').set('Accept', 'application/json');
        expect(response.status).toBe(409);
        expect(response.body.error).toEqual({
          code: 'write_conflict',
          message: '有人同时修改了这条记录，您的操作没有保存，请刷新后重试。',
        });
      });

      it('serialization_failure (40001) → 409', async () => {
        const [first, second] = [await connect(), await connect()];
        try {
          for (const client of [first, second]) {
            await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
            await client.query('SELECT sum(n) FROM race_rows');
          }
          await first.query('UPDATE race_rows SET n = n + 1 WHERE id = 1');
          await first.query('COMMIT');
          // write skew: each read what the other writes; PostgreSQL refuses the second
          const app = await appRaising(async () => {
            await second.query('UPDATE race_rows SET n = n + 1 WHERE id = 2');
            await second.query('COMMIT');
          });
          const response = await request(app).get('/race').set('Accept', 'application/json');
          expect(response.status).toBe(409);
          expect(response.body.error.code).toBe('write_conflict');
        } finally {
          await second.query('ROLLBACK').catch(() => undefined);
          await first.end();
          await second.end();
        }
      });

      it('deadlock_detected (40P01) → 409', async () => {
        const [first, second] = [await connect(), await connect()];
        try {
          // the app's session looks for deadlocks first, so it is the one PostgreSQL aborts
          await second.query("SET deadlock_timeout = '50ms'");
          await first.query('BEGIN');
          await second.query('BEGIN');
          await first.query('UPDATE race_rows SET n = n + 1 WHERE id = 1');
          await second.query('UPDATE race_rows SET n = n + 1 WHERE id = 2');
          const app = await appRaising(() => second.query('UPDATE race_rows SET n = n + 1 WHERE id = 1'));
          const answered = request(app)
            .get('/race')
            .set('Accept', 'application/json')
            .then((response) => response);
          await waitForLockWait(first);
          const firstGoesOn = first.query('UPDATE race_rows SET n = n + 1 WHERE id = 2');
          const response = await answered;
          expect(response.status).toBe(409);
          expect(response.body.error.code).toBe('write_conflict');
          await firstGoesOn;
        } finally {
          await first.query('ROLLBACK').catch(() => undefined);
          await second.query('ROLLBACK').catch(() => undefined);
          await first.end();
          await second.end();
        }
      });
    });
  });
});

/** Waits until some other session of this database waits for a lock (the race is set). */
async function waitForLockWait(observer: Client): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await observer.query(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE NOT l.granted AND a.datname = current_database() AND a.pid <> pg_backend_pid()`,
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no session came to wait for the lock');
}
