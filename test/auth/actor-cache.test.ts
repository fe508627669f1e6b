import { Client } from 'pg';
import request from 'supertest';
import { apiTokenLifetimeHours } from '../../src/auth/api-token.service';
import { apiToken, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Who is calling is kept in memory between requests (src/auth/actor-cache.ts). What a
 * user relies on: a sign-out, a deactivation, a revocation made anywhere — by this app
 * process or another one on the same database — takes effect, and an expired token is
 * refused, cache or not.
 */
describe('who is calling, kept between requests', () => {
  let testApp: TestApp;
  let mediator: { id: string; username: string };
  let admin: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    testApp = await startTestApp();
    const tree = await createDistrictTree(testApp.db);
    admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
  });
  afterAll(() => testApp.close());

  const me = (token: string) =>
    request(testApp.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

  /** Another app process on the same database: a connection of its own, not this app's pool. */
  async function elsewhere(sql: string, params: unknown[]) {
    const client = new Client({ connectionString: testApp.config.databaseUrl });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  it('listens for the database’s change notices (else it keeps nothing)', () => {
    expect(testApp.services.actorCache.live).toBe(true);
  });

  it('a token revoked by another process stops working here as its notice arrives', async () => {
    const token = await apiToken(testApp.app, mediator.username);
    expect((await me(token)).status).toBe(200);
    expect((await me(token)).status).toBe(200); // now answered from memory
    await elsewhere('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [
      mediator.id,
    ]);
    await waitFor('the revoked token to be refused', async () => (await me(token)).status === 401, 5000);
  });

  it('signing out through the API refuses the token on the very next request', async () => {
    const token = await apiToken(testApp.app, mediator.username);
    expect((await me(token)).status).toBe(200);
    const out = await request(testApp.app)
      .post('/api/v1/auth/logout')
      .set('Authorization', `Bearer ${token}`);
    expect(out.status).toBeLessThan(300);
    expect((await me(token)).status).toBe(401);
  });

  it('a user an administrator deactivates is refused on their next request, and let in again once reactivated', async () => {
    const adminActor = await testApp.services.actors.load(admin.id);
    if (!adminActor) throw new Error('no admin');
    const token = await apiToken(testApp.app, mediator.username);
    expect((await me(token)).status).toBe(200);
    await testApp.services.users.setActive(adminActor, null, mediator.id, false);
    expect((await me(token)).status).toBe(401);
    await testApp.services.users.setActive(adminActor, null, mediator.id, true);
    const again = await apiToken(testApp.app, mediator.username);
    expect((await me(again)).status).toBe(200);
  });

  it('a role changed by another process is the role of the next requests', async () => {
    const token = await apiToken(testApp.app, mediator.username);
    expect((await me(token)).body.role).toBe('mediator');
    await elsewhere(`UPDATE users SET role = 'supervisor' WHERE id = $1`, [mediator.id]);
    await waitFor('the new role', async () => (await me(token)).body.role === 'supervisor', 5000);
    await elsewhere(`UPDATE users SET role = 'mediator' WHERE id = $1`, [mediator.id]);
    await waitFor('the old role', async () => (await me(token)).body.role === 'mediator', 5000);
  });

  it('a token is refused once it expires, though its user was kept', async () => {
    const token = await apiToken(testApp.app, mediator.username);
    expect((await me(token)).status).toBe(200);
    testApp.clock.advanceMinutes(apiTokenLifetimeHours * 60 + 1);
    expect((await me(token)).status).toBe(401);
  });

  it('while no notices can arrive, nothing is kept: a change elsewhere counts at once', async () => {
    const other = await startTestApp();
    try {
      const tree = await createDistrictTree(other.db);
      const user = await createUser(other.db, { role: 'mediator', unitId: tree.community.id });
      await other.services.actorCache.stop();
      expect(other.services.actorCache.live).toBe(false);
      const token = await apiToken(other.app, user.username);
      const ask = () => request(other.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
      expect((await ask()).status).toBe(200);
      const client = new Client({ connectionString: other.config.databaseUrl });
      await client.connect();
      await client.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1', [user.id]);
      await client.end();
      expect((await ask()).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
