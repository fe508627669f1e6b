import { DataSource, type DataSourceOptions } from 'typeorm';
import { UserRepository } from '../../src/users/user.repository';
import { Browser, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * Expired browser sessions are removed by the worker's `session-prune` job
 * (SignInService.pruneExpiredSessions), once for all instances: the session store's own
 * timer, one per app, outlived the app's pool when it closed.
 */
describe('removing expired browser sessions', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(async () => {
    await testApp.close();
  });

  const sessionsOf = async (userId: string): Promise<string[]> =>
    (
      await testApp.db.query(`SELECT sid FROM user_sessions WHERE sess->>'userId' = $1 ORDER BY sid`, [
        userId,
      ])
    ).map((row: { sid: string }) => row.sid);

  it('removes the sessions past their expiry and keeps the live ones signed in', async () => {
    const tree = await createDistrictTree(testApp.db);
    const user = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const live = new Browser(testApp.app);
    const lapsed = new Browser(testApp.app);
    await live.signIn(user.username);
    await lapsed.signIn(user.username);
    const [first, second] = await sessionsOf(user.id);
    expect(second).toBeDefined();
    // one of them idle past its expiry (as the store wrote it: the cookie's last roll plus the idle limit)
    await testApp.db.query(`UPDATE user_sessions SET expire = now() - interval '1 minute' WHERE sid = $1`, [
      first,
    ]);

    expect(await testApp.services.signIn.pruneExpiredSessions()).toBeGreaterThanOrEqual(1);
    expect(await sessionsOf(user.id)).toEqual([second]);
    expect(await testApp.services.signIn.pruneExpiredSessions()).toBe(0);
    // whichever browser held the live one is still signed in; the other is sent to sign in
    const statuses = [(await live.get('/')).status, (await lapsed.get('/')).status].sort();
    expect(statuses).toEqual([200, 303]);
  });

  it('compares the expiry as the store wrote it, whatever time zone the database speaks in', async () => {
    // a pool whose connections speak Beijing time, as a database set up in China does, while this process runs in UTC
    const options = testApp.db.options as DataSourceOptions & { extra?: Record<string, unknown> };
    const beijing = new DataSource({
      ...options,
      extra: { ...options.extra, max: 1, options: '-c TimeZone=Asia/Shanghai' },
    } as DataSourceOptions);
    await beijing.initialize();
    try {
      const seconds = Date.now() / 1000;
      // as connect-pg-simple writes a session: to_timestamp(its expiry in seconds), in the connection's zone
      const write = (sid: string, expiresIn: number) =>
        beijing.query(`INSERT INTO user_sessions (sid, sess, expire) VALUES ($1, '{}', to_timestamp($2))`, [
          sid,
          seconds + expiresIn,
        ]);
      const tag = Date.now().toString(36);
      await write(`lapsed-${tag}`, -60);
      await write(`live-${tag}`, 30 * 60);
      await new UserRepository(beijing).deleteExpiredSessions(new Date());
      const left: Array<{ sid: string }> = await testApp.db.query(
        'SELECT sid FROM user_sessions WHERE sid LIKE $1',
        [`%-${tag}`],
      );
      expect(left.map((row) => row.sid)).toEqual([`live-${tag}`]);
    } finally {
      await beijing.destroy();
    }
  });
});
