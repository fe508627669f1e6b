import { setImmediate as nextTurn } from 'node:timers/promises';
import { Client } from 'pg';
import { AfterCommitNotices } from '../../src/shared/db/after-commit-notices';
import { waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * `AfterCommitNotices`: the change notices committed transactions say after their COMMIT (a case
 * event's, for the case views of every process), said together with those of the commits around
 * them. Heard here by a listener of its own, as another app process hears them.
 */
describe('notices said after their commits, together', () => {
  let testApp: TestApp;
  let listener: Client;
  const heard: string[] = [];
  const channel = 'after_commit_probe';

  beforeAll(async () => {
    testApp = await startTestApp();
    listener = new Client({ connectionString: testApp.config.databaseUrl });
    await listener.connect();
    listener.on('notification', (notice) => {
      if (notice.channel === channel) heard.push(notice.payload ?? '');
    });
    await listener.query(`LISTEN ${channel}`);
  });
  afterAll(async () => {
    await listener?.end();
    await testApp.close();
  });
  beforeEach(() => {
    heard.length = 0;
  });

  it("says every notice of many commits, in far fewer of the database's transactions than commits", async () => {
    const notices = new AfterCommitNotices(testApp.db, { windowMs: 5 });
    const queries = jest.spyOn(testApp.db, 'query');
    try {
      // 200 commits one after another, each saying its case's notice, as events under load do
      for (let index = 0; index < 200; index++) {
        notices.say([{ channel, payload: `case-${index}` }]);
        await nextTurn();
      }
      await notices.flush();
      await waitFor('every notice', () => heard.length >= 200);
      expect([...heard].sort()).toEqual(Array.from({ length: 200 }, (_, index) => `case-${index}`).sort());
      const batches = queries.mock.calls.filter(([sql]) => String(sql).includes('pg_notify')).length;
      expect(batches).toBeGreaterThan(0);
      expect(batches).toBeLessThan(100);
    } finally {
      queries.mockRestore();
    }
  });

  it('says a notice at once when none went out lately, and holds the next ones until the window ends', async () => {
    const notices = new AfterCommitNotices(testApp.db, { windowMs: 60_000 });
    notices.say([{ channel, payload: 'first' }]);
    await waitFor('the first notice', () => heard.includes('first'));
    // within the window: waiting, with the one said twice in it said once
    notices.say([{ channel, payload: 'second' }]);
    notices.say([{ channel, payload: 'second' }]);
    expect(notices.pending).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard).toEqual(['first']);
    await notices.flush();
    await waitFor('the second notice', () => heard.includes('second'));
    expect(heard).toEqual(['first', 'second']);
  });

  it('tries a batch the database refuses three times, then drops it, and says the next ones', async () => {
    const notices = new AfterCommitNotices(testApp.db, { windowMs: 5 });
    // PostgreSQL refuses a notice on no channel
    notices.say([{ channel: '', payload: 'refused' }]);
    await notices.flush();
    expect(notices.pending).toBe(1);
    await notices.flush();
    expect(notices.pending).toBe(1);
    await notices.flush();
    expect(notices.pending).toBe(0);
    notices.say([{ channel, payload: 'after' }]);
    await notices.flush();
    await waitFor('the next notice', () => heard.includes('after'));
    expect(heard).toEqual(['after']);
  });
});
