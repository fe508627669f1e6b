import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { sessionCookieName } from '../../src/auth/session.middleware';
import { demoAccounts, demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { Browser, createUser, testPassword } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

function sessionIdOf(cookies: string[] | string | undefined): string | undefined {
  const list = Array.isArray(cookies) ? cookies : cookies ? [cookies] : [];
  return list.find((cookie) => cookie.startsWith(`${sessionCookieName}=`))?.split(';')[0];
}

describe('signing in', () => {
  let testApp: TestApp;
  let unitId: string;

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true });
    await seedDemoOrganisation(testApp.db);
    unitId = (await createDistrictTree(testApp.db)).community.id;
  });
  afterAll(() => testApp.close());

  const auditActions = async (userId: string) =>
    (
      await testApp.db.getRepository(AuditEntry).find({ where: { targetId: userId }, order: { id: 'ASC' } })
    ).map((entry) => entry.action);

  it.each(demoAccounts.map((account) => [account.username]))(
    'demo account %s signs in through the form',
    async (username) => {
      const browser = new Browser(testApp.app);
      const response = await browser.signIn(username, demoPassword);
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/');
      const home = await browser.get('/');
      expect(home.status).toBe(200);
    },
  );

  it.each(demoAccounts.map((account) => [account.username]))(
    'demo account %s signs in through the API',
    async (username) => {
      const login = await request(testApp.app)
        .post('/api/v1/auth/login')
        .send({ username, password: demoPassword });
      expect(login.status).toBe(200);
      expect(login.body.token).toMatch(/^gm_/);
      expect(login.body.user).toMatchObject({ username });
      expect(login.body.user.passwordHash).toBeUndefined();
      const me = await request(testApp.app)
        .get('/api/v1/me')
        .set('Authorization', `Bearer ${login.body.token}`);
      expect(me.status).toBe(200);
      expect(me.body.username).toBe(username);
    },
  );

  it('the sign-in page lists the demo accounts in demo mode only', async () => {
    const page = await request(testApp.app).get('/login');
    expect(page.text).toContain('supervisor.street');
    expect(page.text).toContain('demo12345');

    const production = await startTestApp({ demoMode: false });
    try {
      const plain = await request(production.app).get('/login');
      expect(plain.text).not.toContain('demo12345');
    } finally {
      await production.close();
    }
  });

  it('a party who lands on the app’s address (/, signed out) reaches the sign-in page, which leads to the progress lookup /track, in their language', async () => {
    const home = await request(testApp.app).get('/');
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe('/login?returnTo=%2F');
    const page = await request(testApp.app).get(home.headers.location).set('Accept-Language', 'zh-CN');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<a href="\/track"[^>]*>查询办理进度<\/a>/);
    expect(page.text).toContain('无需账号即可查询办理进度');
    const english = await request(testApp.app).get('/login').set('Accept-Language', 'en');
    expect(english.text).toMatch(/<a href="\/track"[^>]*>Check your case<\/a>/);
    // /track itself answers without an account
    expect((await request(testApp.app).get('/track')).status).toBe(200);
  });

  it('the sign-in form has username, password and a CSRF token', async () => {
    const page = await request(testApp.app).get('/login');
    expect(page.text).toMatch(/name="username"/);
    expect(page.text).toMatch(/name="password"/);
    expect(page.text).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('a form POST without the CSRF token is refused with 403 and changes nothing', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const browser = new Browser(testApp.app);
    await browser.get('/login');
    const response = await browser.agent
      .post('/login')
      .type('form')
      .send({ username: user.username, password: testPassword });
    expect(response.status).toBe(403);
    expect(response.text).toContain('表单已过期或来源无效');
    expect(await auditActions(user.id)).toEqual([]);
  });

  it('the session id changes at sign-in (no fixation)', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const browser = new Browser(testApp.app);
    const before = sessionIdOf((await browser.get('/login')).headers['set-cookie']);
    await browser.get('/login');
    const signedIn = await browser.post('/login', { username: user.username, password: testPassword });
    const after = sessionIdOf(signedIn.headers['set-cookie']);
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it('the session cookie is HttpOnly and SameSite=Lax', async () => {
    const response = await request(testApp.app).get('/login');
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith(sessionCookieName),
    );
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('a wrong password is refused with one message for user name and password alike, and audited', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const browser = new Browser(testApp.app);
    await browser.get('/login');
    const wrong = await browser.post('/login', { username: user.username, password: 'Wrong-pass-1' });
    await browser.get('/login');
    const unknown = await browser.post('/login', { username: 'nobody-at-all', password: 'Wrong-pass-1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('用户名或密码不正确');
    expect(unknown.text).toContain('用户名或密码不正确');
    expect(wrong.text).toContain(`value="${user.username}"`); // what was typed is kept
    expect(await auditActions(user.id)).toEqual(['auth.sign_in_failed']);
  });

  it('wrong passwords never lock the account: after many, the right one still signs in (throttling: sign-in-throttle.test.ts)', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    for (let attempt = 1; attempt <= 8; attempt++) {
      const response = await request(testApp.app)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '198.51.100.66')
        .send({ username: user.username, password: 'Wrong-pass-1' });
      expect([401, 429]).toContain(response.status);
      testApp.clock.advanceMinutes(4);
    }
    const right = await request(testApp.app)
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '198.51.100.67')
      .send({ username: user.username, password: testPassword });
    expect(right.status).toBe(200);
    expect(await auditActions(user.id)).not.toContain('auth.account_locked');
  });

  it('a session idle for more than 30 minutes ends; activity keeps it alive', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const browser = new Browser(testApp.app);
    await browser.signIn(user.username);

    testApp.clock.advanceMinutes(25);
    expect((await browser.get('/')).status).toBe(200);
    testApp.clock.advanceMinutes(25);
    expect((await browser.get('/')).status).toBe(200);

    testApp.clock.advanceMinutes(31);
    const idle = await browser.get('/');
    expect(idle.status).toBe(303);
    expect(idle.headers.location).toMatch(/^\/login/);
  });

  it('a session ends 12 hours after sign-in however active it is', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const browser = new Browser(testApp.app);
    await browser.signIn(user.username);
    for (let hour = 0; hour < 12; hour++) {
      for (let quarter = 0; quarter < 4; quarter++) {
        testApp.clock.advanceMinutes(15);
        await browser.get('/');
      }
    }
    const late = await browser.get('/');
    expect(late.status).toBe(303);
    expect(late.headers.location).toMatch(/^\/login/);
  });

  it('signing out ends the session and is audited', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const browser = new Browser(testApp.app);
    await browser.signIn(user.username);
    await browser.get('/');
    const out = await browser.post('/logout');
    expect(out.status).toBe(303);
    expect((await browser.get('/')).status).toBe(303);
    expect(await auditActions(user.id)).toContain('auth.signed_in');
    const signedOut = await testApp.db
      .getRepository(AuditEntry)
      .findOne({ where: { actorId: user.id, action: 'auth.signed_out' } });
    expect(signedOut?.details).toMatchObject({ channel: 'web' });
  });

  it('an admin-set password must be changed at the first sign-in, before anything else', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId, mustChangePassword: true });
    const browser = new Browser(testApp.app);
    const signedIn = await browser.signIn(user.username);
    expect(signedIn.headers.location).toBe('/account/password');
    expect((await browser.get('/')).headers.location).toBe('/account/password');

    await browser.get('/account/password');
    const weak = await browser.post('/account/password', {
      currentPassword: testPassword,
      newPassword: 'password',
      confirmPassword: 'password',
    });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('密码须包含大写字母、小写字母、数字、符号中的至少三类');

    await browser.get('/account/password');
    const changed = await browser.post('/account/password', {
      currentPassword: testPassword,
      newPassword: 'Better-Pass-42',
      confirmPassword: 'Better-Pass-42',
    });
    expect(changed.status).toBe(303);
    expect((await browser.get('/')).status).toBe(200);
  });

  it('a bearer token works until revoked by logout, and never after it expires', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const login = await request(testApp.app)
      .post('/api/v1/auth/login')
      .send({ username: user.username, password: testPassword });
    const auth = { Authorization: `Bearer ${login.body.token}` };
    expect((await request(testApp.app).get('/api/v1/me').set(auth)).status).toBe(200);
    expect((await request(testApp.app).post('/api/v1/auth/logout').set(auth)).status).toBe(204);
    expect((await request(testApp.app).get('/api/v1/me').set(auth)).status).toBe(401);

    const second = await request(testApp.app)
      .post('/api/v1/auth/login')
      .send({ username: user.username, password: testPassword });
    testApp.clock.advanceMinutes(12 * 60 + 1);
    expect(
      (await request(testApp.app).get('/api/v1/me').set('Authorization', `Bearer ${second.body.token}`))
        .status,
    ).toBe(401);
  });

  it('a deactivated user’s token stops working at once, and API calls with a token start no browser session', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId });
    const login = await request(testApp.app)
      .post('/api/v1/auth/login')
      .send({ username: user.username, password: testPassword });
    const auth = { Authorization: `Bearer ${login.body.token}` };
    const sessionsBefore = await testApp.db.query('SELECT count(*)::int AS n FROM user_sessions');
    const me = await request(testApp.app).get('/api/v1/me').set(auth);
    expect(me.status).toBe(200);
    expect(me.headers['set-cookie'] ?? []).not.toEqual(
      expect.arrayContaining([expect.stringContaining(sessionCookieName)]),
    );
    expect(await testApp.db.query('SELECT count(*)::int AS n FROM user_sessions')).toEqual(sessionsBefore);

    // deactivated by an admin through this process (the admin page's path): it forgets the cached
    // caller at once; a change made elsewhere arrives by the database's notice (actor-cache.test.ts)
    const admin = await testApp.services.actors.load(
      (await createUser(testApp.db, { role: 'admin', unitId })).id,
    );
    if (!admin) throw new Error('no admin');
    await testApp.services.users.setActive(admin, null, user.id, false);
    expect((await request(testApp.app).get('/api/v1/me').set(auth)).status).toBe(401);
  });

  it('API errors are JSON in the caller’s language, naming the field', async () => {
    const response = await request(testApp.app)
      .post('/api/v1/auth/login')
      .set('Accept-Language', 'en')
      .send({ username: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed' });
    expect(response.body.error.details).toEqual([
      expect.objectContaining({ field: 'password', message: 'This field is required.' }),
    ]);
  });

  it('a malformed JSON body is a 400, not a 500', async () => {
    const response = await request(testApp.app)
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"username": ');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('malformed_body');
  });
});

describe('per-address throttling of sign-in', () => {
  it('after too many attempts from one address, sign-in answers 429 whatever the account', async () => {
    const testApp = await startTestApp();
    try {
      let last = 0;
      for (let attempt = 0; attempt < 51; attempt++) {
        last = (
          await request(testApp.app)
            .post('/api/v1/auth/login')
            .send({ username: `nobody${attempt}`, password: 'x' })
        ).status;
      }
      expect(last).toBe(429);
    } finally {
      await testApp.close();
    }
  });
});
