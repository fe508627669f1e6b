import { Writable } from 'node:stream';
import { Client, type Notification } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { QueryFailedError } from 'typeorm';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { SignInRepository } from '../../src/auth/sign-in.repository';
import { SignInService } from '../../src/auth/sign-in.service';
import { addressKeyOf, pairRefusalMinutes, signInThrottleRules } from '../../src/auth/sign-in-throttle';
import { Transactions } from '../../src/shared/db/transactions';
import { safeErrorSerializer } from '../../src/shared/http/request-log';
import { hashPassword, verifyPassword } from '../../src/users/password';
import { UserRepository } from '../../src/users/user.repository';
import { apiToken, Browser, createUser, testPassword } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 17 item 4: sign-in that cannot be turned against users. Addresses are told apart
 * by X-Forwarded-For (the app trusts it from loopback, as behind its own proxy); each test
 * uses addresses of its own.
 */
let nextAddress = 1;
const newAddress = () => `203.0.113.${nextAddress++}`;

describe('sign-in throttling, per (name, address) and per address', () => {
  let testApp: TestApp;
  let unitId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    unitId = (await createDistrictTree(testApp.db)).community.id;
  });
  afterAll(() => testApp.close());

  const apiSignIn = (address: string, username: string, password: string, language = 'en') =>
    request(testApp.app)
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', address)
      .set('Accept-Language', language)
      .send({ username, password });
  const auditOf = async (userId: string) =>
    (
      await testApp.db.getRepository(AuditEntry).find({ where: { targetId: userId }, order: { id: 'ASC' } })
    ).map((entry) => entry.action);

  it('when an attacker keeps guessing an account’s password from one address, then that address is slowed, and the owner signs in from another', async () => {
    const owner = await createUser(testApp.db, { role: 'mediator', unitId });
    const attacker = newAddress();
    const ownersOffice = newAddress();
    const { freeFailures } = signInThrottleRules.pair;

    for (let attempt = 1; attempt <= freeFailures + 1; attempt++) {
      expect((await apiSignIn(attacker, owner.username, 'Wrong-pass-1')).status).toBe(401);
    }
    // refused from there, the right password included: a refused guess tests nothing
    const refused = await apiSignIn(attacker, owner.username, testPassword);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({
      code: 'sign_in_throttled',
      message: 'Too many failed sign-ins with this user name from your address. Try again in 1 min.',
    });
    // the owner, elsewhere, is not affected — not now, not ever
    expect((await apiSignIn(ownersOffice, owner.username, testPassword)).status).toBe(200);

    // the refusals grow: 1, 2, 4 … minutes, up to 15
    testApp.clock.advanceMinutes(1.1);
    expect((await apiSignIn(attacker, owner.username, 'Wrong-pass-1')).status).toBe(401);
    testApp.clock.advanceMinutes(1.1);
    const longer = await apiSignIn(attacker, owner.username, 'Wrong-pass-1');
    expect(longer.status).toBe(429);
    expect(longer.body.error.message).toMatch(/in 1 min\./);
    testApp.clock.advanceMinutes(1);
    expect((await apiSignIn(attacker, owner.username, 'Wrong-pass-1')).status).toBe(401);
    expect((await apiSignIn(ownersOffice, owner.username, testPassword)).status).toBe(200);

    expect([6, 7, 8, 9, 10, 20].map(pairRefusalMinutes)).toEqual([1, 2, 4, 8, 15, 15]);
    const actions = await auditOf(owner.id);
    expect(actions.filter((action) => action === 'auth.sign_in_failed')).toHaveLength(freeFailures + 3);
    expect(actions.filter((action) => action === 'auth.sign_in_throttled')).toHaveLength(3);
    expect(actions.filter((action) => action === 'auth.signed_in')).toHaveLength(2);
  });

  it('when an attacker keeps at it for hours, then the owner can still sign in from their own address at any moment', async () => {
    const owner = await createUser(testApp.db, { role: 'mediator', unitId });
    const attacker = newAddress();
    const home = newAddress();
    for (let round = 0; round < 12; round++) {
      await apiSignIn(attacker, owner.username, 'Wrong-pass-1');
      await apiSignIn(attacker, owner.username, 'Wrong-pass-1');
      expect((await apiSignIn(home, owner.username, testPassword)).status).toBe(200);
      testApp.clock.advanceMinutes(15);
    }
  });

  it('when the owner signs in from the address that failed, then its failures are forgotten', async () => {
    const owner = await createUser(testApp.db, { role: 'mediator', unitId });
    const address = newAddress();
    for (let attempt = 0; attempt < signInThrottleRules.pair.freeFailures; attempt++)
      await apiSignIn(address, owner.username, 'Wrong-pass-1');
    expect((await apiSignIn(address, owner.username, testPassword)).status).toBe(200);
    for (let attempt = 0; attempt < signInThrottleRules.pair.freeFailures; attempt++)
      expect((await apiSignIn(address, owner.username, 'Wrong-pass-1')).status).toBe(401);
  });

  it('when unknown and known names fail, then they are answered alike, attempt after attempt, throttle included', async () => {
    const known = await createUser(testApp.db, { role: 'mediator', unitId });
    const unknown = `nobody.${known.username}`;
    const [first, second] = [newAddress(), newAddress()];
    for (let attempt = 1; attempt <= signInThrottleRules.pair.freeFailures + 2; attempt++) {
      for (const language of ['en', 'zh-CN']) {
        const forKnown = await apiSignIn(first, known.username, `Wrong-${attempt}`, language);
        const forUnknown = await apiSignIn(second, unknown, `Wrong-${attempt}`, language);
        expect([attempt, forUnknown.status, forUnknown.body]).toEqual([
          attempt,
          forKnown.status,
          forKnown.body,
        ]);
      }
    }

    // the sign-in form: the same page, but for the name typed (kept in its field) and the CSRF token
    const pageFor = async (address: string, username: string) => {
      const browser = new Browser(testApp.app);
      await browser.get('/login');
      const page = await browser.agent
        .post('/login')
        .set('X-Forwarded-For', address)
        .type('form')
        .send({ _csrf: browser.csrf, username, password: 'Wrong-again-1' });
      return {
        status: page.status,
        text: page.text.replaceAll(username, 'NAME').replace(/name="_csrf" value="[^"]+"/g, ''),
      };
    };
    const [third, fourth] = [newAddress(), newAddress()];
    const knownPage = await pageFor(third, known.username);
    expect(knownPage.status).toBe(401);
    expect(await pageFor(fourth, unknown)).toEqual(knownPage);
  });

  it('when the name is no active account, then the password is checked against a hash made like an account’s (the same work)', async () => {
    const checked: string[] = [];
    const service = new SignInService({
      transactions: new Transactions(testApp.db),
      users: new UserRepository(testApp.db),
      bookkeeping: new SignInRepository(testApp.db),
      audit: testApp.services.audit,
      clock: testApp.clock,
      checkPassword: (passwordHash, password) => {
        checked.push(passwordHash);
        return verifyPassword(passwordHash, password);
      },
    });
    const known = await createUser(testApp.db, { role: 'mediator', unitId });
    const inactive = await createUser(testApp.db, { role: 'mediator', unitId });
    await testApp.db.query('UPDATE users SET active = false WHERE id = $1', [inactive.id]);
    const origin = { actor: null, ip: newAddress() };
    for (const username of [known.username, `nobody.${known.username}`, inactive.username]) {
      await expect(service.signIn(username, 'Wrong-pass-1', origin, 'api')).rejects.toMatchObject({
        code: 'invalid_credentials',
        status: 401,
      });
    }
    // one argon2id check each, all with the parameters every account's hash has
    const parameters = (hash: string) => hash.split('$').slice(0, 4).join('$');
    const accountParameters = parameters(await hashPassword('any-Password-1'));
    expect(checked).toHaveLength(3);
    expect(checked.map(parameters)).toEqual([accountParameters, accountParameters, accountParameters]);
    expect(checked[0]).toBe(known.passwordHash);
    expect(checked[1]).not.toBe(known.passwordHash);
    expect(checked[2]).toBe(checked[1]); // the inactive account's own hash is not used either
  });

  it('when an office behind one address signs in many times, then it is never slowed: only failures count', async () => {
    const office = newAddress();
    const staff = [];
    for (let index = 0; index < 12; index++)
      staff.push(await createUser(testApp.db, { role: 'mediator', unitId }));
    let signIns = 0;
    for (let round = 0; round < 5; round++) {
      for (const member of staff) {
        const response = await apiSignIn(office, member.username, testPassword);
        expect(response.status).toBe(200);
        signIns++;
      }
      // a few typos among them, as every morning
      expect((await apiSignIn(office, staff[round].username, 'typo')).status).toBe(401);
    }
    expect(signIns).toBeGreaterThan(signInThrottleRules.address.maxFailures);
  }, 60_000); // 65 argon2id checks

  it('when one address fails 50 times over many names, then it is refused until the window ends, known names and right passwords too', async () => {
    const sprayer = newAddress();
    const owner = await createUser(testApp.db, { role: 'mediator', unitId });
    for (let attempt = 0; attempt < signInThrottleRules.address.maxFailures; attempt++) {
      expect((await apiSignIn(sprayer, `name${attempt}.${owner.username}`, 'Summer2026!')).status).toBe(401);
    }
    const refused = await apiSignIn(sprayer, owner.username, testPassword);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('login_throttled');
    expect((await apiSignIn(newAddress(), owner.username, testPassword)).status).toBe(200);
    testApp.clock.advanceMinutes(signInThrottleRules.address.windowMinutes);
    expect((await apiSignIn(sprayer, owner.username, testPassword)).status).toBe(200);
  });

  it('IPv6 addresses count by their /64, IPv4-mapped ones as IPv4', () => {
    expect(addressKeyOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKeyOf('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(addressKeyOf('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKeyOf('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKeyOf(undefined)).toBe('unknown');
  });
});

describe('changing one’s own password', () => {
  let testApp: TestApp;
  let unitId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    unitId = (await createDistrictTree(testApp.db)).community.id;
  });
  afterAll(() => testApp.close());

  async function changePassword(browser: Browser, next: string) {
    await browser.get('/account/password');
    return browser.post('/account/password', {
      currentPassword: testPassword,
      newPassword: next,
      confirmPassword: next,
    });
  }

  it('when a user changes their password, then their other sessions end and their API tokens stop working; this session goes on', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const here = new Browser(testApp.app);
    const elsewhere = new Browser(testApp.app);
    await here.signIn(user.username);
    await elsewhere.signIn(user.username);
    const token = await apiToken(testApp.app, user.username);
    expect((await elsewhere.get('/')).status).toBe(200);
    expect(
      (await request(testApp.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status,
    ).toBe(200);

    const changed = await changePassword(here, 'Fresh-Pass-2027');
    expect(changed.status).toBe(303);

    expect((await here.get('/')).status).toBe(200);
    const other = await elsewhere.get('/');
    expect(other.status).toBe(303);
    expect(other.headers.location).toMatch(/^\/login/);
    expect(
      (await request(testApp.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status,
    ).toBe(401);
    const entry = await testApp.db
      .getRepository(AuditEntry)
      .findOne({ where: { targetId: user.id, action: 'user.password_changed' } });
    expect(entry?.details).toEqual({ otherSessionsEnded: true, tokensRevoked: true });
  });

  it('when another session’s request in flight writes it back after the change, then it is still signed out', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const here = new Browser(testApp.app);
    const elsewhere = new Browser(testApp.app);
    await here.signIn(user.username);
    await elsewhere.signIn(user.username);
    const rows: Array<{ sid: string; sess: unknown; expire: Date }> = await testApp.db.query(
      `SELECT sid, sess, expire FROM user_sessions WHERE sess->>'userId' = $1`,
      [user.id],
    );
    testApp.clock.advanceMinutes(1);
    expect((await changePassword(here, 'Fresh-Pass-2027')).status).toBe(303);
    const kept: Array<{ sid: string }> = await testApp.db.query(
      `SELECT sid FROM user_sessions WHERE sess->>'userId' = $1`,
      [user.id],
    );
    expect(kept).toHaveLength(1); // this session only
    // what express-session's save of the other session's request, begun before the change, does
    for (const row of rows.filter((each) => each.sid !== kept[0].sid)) {
      await testApp.db.query(
        `INSERT INTO user_sessions (sid, sess, expire) VALUES ($1, $2, $3)
         ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess`,
        [row.sid, JSON.stringify(row.sess), row.expire],
      );
    }
    expect((await elsewhere.get('/')).status).toBe(303);
    expect((await here.get('/')).status).toBe(200);
  });

  it('when an admin resets the password, then every session ends, as before', async () => {
    const tree = await createDistrictTree(testApp.db);
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const user = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const session = new Browser(testApp.app);
    await session.signIn(user.username);
    const adminBrowser = new Browser(testApp.app);
    await adminBrowser.signIn(admin.username);
    await adminBrowser.get(`/admin/users/${user.id}`);
    expect(
      (await adminBrowser.post(`/admin/users/${user.id}/password`, { password: 'Reset-Pass-2027' })).status,
    ).toBe(303);
    expect((await session.get('/')).status).toBe(303);
  });
});

describe('signing in leaves the caches of who is calling alone', () => {
  let testApp: TestApp;
  let listener: Client;
  let unitId: string;
  const heard: Notification[] = [];

  beforeAll(async () => {
    testApp = await startTestApp();
    unitId = (await createDistrictTree(testApp.db)).community.id;
    listener = new Client({ connectionString: testApp.config.databaseUrl });
    await listener.connect();
    listener.on('notification', (notice) => heard.push(notice));
    await listener.query('LISTEN actors_changed');
    await listener.query('LISTEN test_probe');
  });
  afterAll(async () => {
    await listener.end();
    await testApp.close();
  });

  /** What `actors_changed` said while `act` ran: a probe sent after it arrives after anything it caused. */
  async function noticesDuring(act: () => Promise<unknown>): Promise<string[]> {
    heard.length = 0;
    await act();
    await testApp.db.query(`SELECT pg_notify('test_probe', 'done')`);
    for (let wait = 0; wait < 200 && !heard.some((notice) => notice.channel === 'test_probe'); wait++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return heard
      .filter((notice) => notice.channel === 'actors_changed')
      .map((notice) => notice.payload ?? '');
  }

  it('when people sign in and fail to, then no actors_changed notice goes out, and users is not written', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const [before] = await testApp.db.query('SELECT * FROM users WHERE id = $1', [user.id]);
    const notices = await noticesDuring(async () => {
      expect((await new Browser(testApp.app).signIn(user.username)).status).toBe(303);
      await apiToken(testApp.app, user.username);
      await request(testApp.app)
        .post('/api/v1/auth/login')
        .send({ username: user.username, password: 'Wrong-1' });
      await request(testApp.app)
        .post('/api/v1/auth/login')
        .send({ username: 'nobody-here', password: 'Wrong-1' });
    });
    expect(notices).toEqual([]);
    expect(await testApp.db.query('SELECT * FROM users WHERE id = $1', [user.id])).toEqual([before]);
    const [record] = await testApp.db.query(
      'SELECT last_signed_in_at FROM user_sign_ins WHERE user_id = $1',
      [user.id],
    );
    expect(record.last_signed_in_at).toBeInstanceOf(Date);
  });

  it('when a signed-in user is served from memory and someone else signs in, then the cache keeps them', async () => {
    const reader = await createUser(testApp.db, { role: 'mediator', unitId });
    const dispute = await createCase(testApp.services, reader.id);
    const token = await apiToken(testApp.app, reader.username);
    const read = () =>
      request(testApp.app).get(`/api/v1/cases/${dispute.id}`).set('Authorization', `Bearer ${token}`);
    expect((await read()).status).toBe(200); // now kept in memory
    const someoneElse = await createUser(testApp.db, { role: 'mediator', unitId });
    await noticesDuring(() => apiToken(testApp.app, someoneElse.username));
    // behind the cache's back: were it emptied, the next read would see the deactivation
    await testApp.db.query(
      `ALTER TABLE users DISABLE TRIGGER users_update_notify_actors_changed;
       UPDATE users SET active = false WHERE id = '${reader.id}';
       ALTER TABLE users ENABLE TRIGGER users_update_notify_actors_changed`,
    );
    expect((await read()).status).toBe(200);
  });

  it('when what a user may do changes, then the notice still goes out; when only their e-mail does, it does not', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    expect(
      await noticesDuring(() =>
        testApp.db.query(`UPDATE users SET role = 'supervisor' WHERE id = $1`, [user.id]),
      ),
    ).toEqual(['users']);
    expect(
      await noticesDuring(() => testApp.db.query(`UPDATE users SET active = false WHERE id = $1`, [user.id])),
    ).toEqual(['users']);
    expect(
      await noticesDuring(() =>
        testApp.db.query(`UPDATE users SET email = 'new@test.example', updated_at = now() WHERE id = $1`, [
          user.id,
        ]),
      ),
    ).toEqual([]);
    const token = await apiToken(
      testApp.app,
      (await createUser(testApp.db, { role: 'mediator', unitId })).username,
    );
    expect(await noticesDuring(() => testApp.db.query('UPDATE api_tokens SET last_used_at = now()'))).toEqual(
      [],
    );
    expect(
      await noticesDuring(() =>
        request(testApp.app).post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`),
      ),
    ).toEqual(['api_tokens']);
    const [{ n }] = await testApp.db.query('SELECT count(*)::int AS n FROM users');
    expect(n).toBeGreaterThan(2);
    expect(
      await noticesDuring(() =>
        testApp.db.query(`UPDATE users SET locale = CASE WHEN locale = 'en' THEN 'zh-CN' ELSE 'en' END`),
      ),
    ).toEqual(['users']); // one notice, however many rows
  });
});

describe('the request log', () => {
  let testApp: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    testApp = await startTestApp({}, { logger: pino({ level: 'info', base: undefined }, sink) });
  });
  afterAll(() => testApp.close());

  it('when people search for names, ID and phone numbers, then the log shows the requests but none of the terms', async () => {
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const token = await apiToken(testApp.app, mediator.username);
    const browser = new Browser(testApp.app);
    await browser.signIn(mediator.username);
    const terms = ['张三丰', '310104199001031234', '13900001111', '91310000MA1FL0XX0X'];
    lines.length = 0;
    for (const term of terms) {
      await browser.agent.get(`/cases?q=${encodeURIComponent(term)}&state=screening`);
      await request(testApp.app)
        .get(`/api/v1/cases?q=${encodeURIComponent(term)}&page=1`)
        .set('Authorization', `Bearer ${token}`);
      await request(testApp.app).get(`/login?returnTo=${encodeURIComponent(`/cases?q=${term}`)}`);
      await request(testApp.app)
        .get(`/api/v1/cases?state=${encodeURIComponent(term)}`)
        .set('Authorization', `Bearer ${token}`);
      await request(testApp.app)
        .get(`/api/v1/cases/${encodeURIComponent(term)}`)
        .set('Authorization', `Bearer ${token}`);
    }
    const log = lines.join('');
    expect(log).toContain('/api/v1/cases?q=[redacted]&page=1');
    expect(log).toContain('/cases?q=[redacted]&state=screening');
    expect(log).toContain('/login?returnTo=[redacted]');
    for (const term of terms) {
      expect(log).not.toContain(term);
      expect(log).not.toContain(encodeURIComponent(term));
    }
  });

  it('an error is logged without the SQL parameters and the values PostgreSQL quotes', async () => {
    const error = await testApp.db
      .query('SELECT $1::uuid', ['310104199001031234'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueryFailedError);
    const logged = JSON.stringify(safeErrorSerializer(error));
    expect(logged).toContain('invalid input syntax for type uuid');
    expect(JSON.stringify(error)).toContain('310104199001031234'); // in the message and the parameters
    expect(logged).not.toContain('310104199001031234');
  });
});
