import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { UserRepository } from '../../src/users/user.repository';
import { Browser, createUser, testPassword } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

describe('managing users (admin pages)', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let admin: Browser;
  let adminId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    tree = await createDistrictTree(testApp.db);
    const user = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    adminId = user.id;
    admin = new Browser(testApp.app);
    await admin.signIn(user.username);
  });
  afterAll(() => testApp.close());

  const auditOf = (targetId: string) =>
    testApp.db
      .getRepository(AuditEntry)
      .find({ where: { targetId }, order: { id: 'ASC' } })
      .then((entries) => entries.map((entry) => entry.action));

  it('creates a mediator whose admin-set password must be changed at first sign-in; the audit says who did it', async () => {
    await admin.get('/admin/users/new');
    const created = await admin.post('/admin/users', {
      username: 'zhang.wei',
      displayName: '张伟',
      email: 'zhang.wei@example.gov.cn',
      role: 'mediator',
      unitId: tree.community.id,
      locale: 'zh-CN',
      password: 'Initial-Pass-1',
    });
    expect(created.status).toBe(303);
    const user = await new UserRepository(testApp.db).findByUsername('zhang.wei');
    expect(user).toMatchObject({ role: 'mediator', unitId: tree.community.id, mustChangePassword: true });
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);

    const entry = await testApp.db
      .getRepository(AuditEntry)
      .findOneOrFail({ where: { targetId: user?.id, action: 'user.created' } });
    expect(entry).toMatchObject({ actorId: adminId });
    expect(entry.ip).toBeTruthy();
    expect(JSON.stringify(entry.details)).not.toContain('Initial-Pass-1');

    const newcomer = new Browser(testApp.app);
    expect((await newcomer.signIn('zhang.wei', 'Initial-Pass-1')).headers.location).toBe('/account/password');
  });

  it('refuses a weak password and a taken user name, next to their fields, keeping the rest of the form', async () => {
    await admin.get('/admin/users/new');
    const weak = await admin.post('/admin/users', {
      username: 'li.na',
      displayName: '李娜',
      role: 'mediator',
      unitId: tree.community.id,
      password: 'abcdefgh',
    });
    expect(weak.status).toBe(400);
    expect(weak.text).toMatch(/id="error-password"[^>]*>密码须包含/);
    expect(weak.text).toContain('value="李娜"');
    expect(weak.text).not.toContain('abcdefgh');

    const existing = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    await admin.get('/admin/users/new');
    const taken = await admin.post('/admin/users', {
      username: existing.username.toUpperCase(),
      displayName: '重名',
      role: 'mediator',
      unitId: tree.community.id,
      password: 'Good-Pass-12',
    });
    expect(taken.status).toBe(422);
    expect(taken.text).toMatch(/id="error-username"[^>]*>该用户名已被使用/);
  });

  it('changes a user’s role and unit, recording what changed', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    await admin.get(`/admin/users/${user.id}`);
    const saved = await admin.post(`/admin/users/${user.id}`, {
      displayName: user.displayName,
      email: user.email ?? '',
      role: 'supervisor',
      unitId: tree.street.id,
      locale: 'en',
    });
    expect(saved.status).toBe(303);
    expect(await new UserRepository(testApp.db).findById(user.id)).toMatchObject({
      role: 'supervisor',
      unitId: tree.street.id,
      locale: 'en',
    });
    const entry = await testApp.db
      .getRepository(AuditEntry)
      .findOneOrFail({ where: { targetId: user.id, action: 'user.updated' } });
    expect(entry.details).toMatchObject({
      changed: {
        role: { from: 'mediator', to: 'supervisor' },
        unitId: { from: tree.community.id, to: tree.street.id },
      },
    });
  });

  it('resets a password: the old one stops working, the user is signed out and must choose a new one', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const victim = new Browser(testApp.app);
    await victim.signIn(user.username);
    expect((await victim.get('/')).status).toBe(200);

    await admin.get(`/admin/users/${user.id}`);
    expect((await admin.post(`/admin/users/${user.id}/password`, { password: 'Reset-Pass-99' })).status).toBe(
      303,
    );

    expect((await victim.get('/')).status).toBe(303);
    const oldPassword = await request(testApp.app)
      .post('/api/v1/auth/login')
      .send({ username: user.username, password: testPassword });
    expect(oldPassword.status).toBe(401);
    expect((await new Browser(testApp.app).signIn(user.username, 'Reset-Pass-99')).headers.location).toBe(
      '/account/password',
    );
    expect(await auditOf(user.id)).toContain('user.password_reset');
  });

  it('deactivates a user: their sessions end and they cannot sign in', async () => {
    const user = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const victim = new Browser(testApp.app);
    await victim.signIn(user.username);

    await admin.get(`/admin/users/${user.id}`);
    expect((await admin.post(`/admin/users/${user.id}/active`, { active: 'false' })).status).toBe(303);

    expect((await victim.get('/')).status).toBe(303);
    expect((await new Browser(testApp.app).signIn(user.username)).status).toBe(401);
    expect(await auditOf(user.id)).toContain('user.deactivated');
  });

  it('an admin cannot deactivate themself', async () => {
    await admin.get(`/admin/users/${adminId}`);
    expect((await admin.post(`/admin/users/${adminId}/active`, { active: 'false' })).status).toBe(422);
  });

  it('a user outside the admin’s subtree is 404, as if it did not exist', async () => {
    const elsewhere = await createDistrictTree(testApp.db);
    const stranger = await createUser(testApp.db, { role: 'mediator', unitId: elsewhere.community.id });
    expect((await admin.get(`/admin/users/${stranger.id}`)).status).toBe(404);
    await admin.get('/admin/users');
    expect(
      (await admin.post(`/admin/users/${stranger.id}/password`, { password: 'Reset-Pass-99' })).status,
    ).toBe(404);
    const list = await admin.get(`/admin/users?q=${encodeURIComponent(stranger.username)}`);
    expect(list.text).not.toContain(`/admin/users/${stranger.id}`);
  });

  it('an XSS payload in a display name is shown escaped, in the list and in the page header', async () => {
    const payload = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const user = await createUser(testApp.db, {
      role: 'mediator',
      unitId: tree.community.id,
      displayName: payload,
    });

    const list = await admin.get('/admin/users');
    expect(list.text).not.toContain(payload);
    expect(list.text).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;',
    );

    const own = new Browser(testApp.app);
    await own.signIn(user.username);
    const home = await own.get('/');
    expect(home.text).not.toContain('<script>alert');
    expect(home.text).toContain('&lt;script&gt;');
  });

  it('the audit log page lists sign-ins and admin actions with who, when and from where', async () => {
    const page = await admin.get('/admin/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('登录成功');
    expect(page.text).toContain('创建用户');
    const filtered = await admin.get('/admin/audit?action=user.created');
    expect(filtered.text).not.toContain('登录成功</td>');
  });

  it('the audit log cannot be edited, even by the app’s own connection', async () => {
    await expect(testApp.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(testApp.db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
  });
});
