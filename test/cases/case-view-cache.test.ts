import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { CaseRepository } from '../../src/cases/case.repository';
import { CaseViewCache, caseViewsChangedChannel } from '../../src/cases/case-view-cache';
import { ChangeNoticeListener } from '../../src/shared/db/change-notices';
import { createLogger } from '../../src/shared/logger';
import { apiToken } from '../support/auth';
import { waitFor } from '../support/mail';
import { eventLogOf, startTestApp, type TestApp } from '../support/test-app';
import { bearer, type CaseTeam, createCaseTeam, registerCase, sendEvent, sendEvents } from './case-api';

/**
 * The cases last shown, kept in memory by each app process (src/cases/case-view-cache.ts):
 * the case page (`GET /api/v1/cases/:id`) answered without its read of PostgreSQL. What a
 * mediator relies on: the page shows every change — theirs at once, anyone else's once its
 * notice arrives — and nothing is kept while the notices cannot reach the process.
 */
describe('the cases kept in memory for the case page', () => {
  let testApp: TestApp;
  let team: CaseTeam;
  const databaseUrl = () => testApp.config.databaseUrl ?? '';
  const silent = createLogger('silent', { pretty: false });

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createCaseTeam(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });

  /** Another process on the same database: a connection of its own (`quietly`: no trigger fires, as no notice is said). */
  async function elsewhere(sql: string, params: unknown[] = [], { quietly = false } = {}) {
    const client = new Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      if (quietly) await client.query('SET session_replication_role = replica');
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  async function newCase(): Promise<{ id: string; title: string }> {
    const registered = await registerCase(testApp, team.mediators.community);
    expect(registered.status).toBe(201);
    return { id: registered.body.id, title: registered.body.title };
  }

  const page = async (id: string) => {
    const response = await request(testApp.app)
      .get(`/api/v1/cases/${id}`)
      .set(bearer(team.mediators.community));
    expect(response.status).toBe(200);
    return response.body;
  };

  /**
   * Until every notice said so far has reached the app's cache: they arrive in commit order on the
   * process's one listening connection, so a sentinel said now, heard here, comes after them all.
   */
  async function noticesSettled() {
    const sentinel = `settled-${randomUUID()}`;
    let heard = false;
    const probe = new ChangeNoticeListener({
      channel: caseViewsChangedChannel,
      logAs: { name: 'test probe', meanwhile: 'waiting' },
      onNotice: (payload) => {
        if (payload === sentinel) heard = true;
      },
      onListening: () => undefined,
      onLost: () => undefined,
    });
    await probe.start(databaseUrl(), silent, 100);
    try {
      await waitFor('the probe to listen', () => probe.listening);
      await elsewhere('SELECT pg_notify($1, $2)', [caseViewsChangedChannel, sentinel]);
      await waitFor('the sentinel notice', () => heard);
    } finally {
      await probe.stop();
    }
  }

  it('answers a case read before from memory', async () => {
    const { id, title } = await newCase();
    // the registration's own notices (its parties) heard, then the page read until its case is kept
    await noticesSettled();
    await waitFor('the case to be kept', async () => {
      await page(id);
      return testApp.services.caseViews.keeps(id);
    });
    // changed behind the cache's back: no trigger fires, so no notice says so
    await elsewhere('UPDATE cases SET title = $2 WHERE id = $1', [id, '无人告知的新标题'], { quietly: true });
    expect((await page(id)).title).toBe(title);
  });

  it('shows a change made by another process once its notice arrives', async () => {
    const { id } = await newCase();
    await page(id);
    await elsewhere('UPDATE cases SET title = $2 WHERE id = $1', [id, '另一进程改过的标题']);
    await waitFor('the new title', async () => (await page(id)).title === '另一进程改过的标题');
  });

  it('keeps a case asked for with its id in capitals as it keeps it in small letters, so that its notices reach it', async () => {
    const { id } = await newCase();
    const shouted = id.toUpperCase();
    await page(shouted);
    await elsewhere('UPDATE cases SET title = $2 WHERE id = $1', [id, '大写编号也看得到的新标题']);
    await waitFor(
      'the new title under the capitals',
      async () => (await page(shouted)).title === '大写编号也看得到的新标题',
    );
    // and this process's own event marks it under either spelling
    const sent = await sendEvent(testApp, team.mediators.community, shouted, 0, { type: 'SUBMIT' });
    expect(sent.status).toBe(200);
    expect((await page(shouted)).version).toBe(1);
  });

  it("shows the mediator's own event on the very next read, without waiting for any notice", async () => {
    const { id } = await newCase();
    expect((await page(id)).version).toBe(0);
    const sent = await sendEvent(testApp, team.mediators.community, id, 0, { type: 'SUBMIT' });
    expect(sent.status).toBe(200);
    const next = await page(id);
    expect(next.version).toBe(1);
    expect(next.state).toBe(sent.body.state);
  });

  it("tells other processes of an event after its commit (the event's own notice, not the trigger's)", async () => {
    const { id } = await newCase();
    const other = new CaseViewCache();
    await other.listen(databaseUrl(), silent, 100);
    try {
      await waitFor('the other process to listen', () => other.live);
      await noticesSettled(); // the registration's own notices are behind it
      let reads = 0;
      const read = async () => {
        reads++;
        return { id };
      };
      await other.lookup(id, read);
      await other.lookup(id, read);
      expect(reads).toBe(1);
      const sent = await sendEvent(testApp, team.mediators.community, id, 0, { type: 'SUBMIT' });
      expect(sent.status).toBe(200);
      await waitFor('the other process to forget the case', async () => {
        await other.lookup(id, read);
        return reads > 1;
      });
    } finally {
      await other.stop();
    }
  });

  it("says an event's notice only after its commit: its locked read keeps the trigger quiet", async () => {
    const { id } = await newCase();
    const listener = new Client({ connectionString: databaseUrl() });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (notice) => heard.push(notice.payload ?? ''));
    // the registration committed before this LISTEN: none of its notices comes here
    await listener.query(`LISTEN ${caseViewsChangedChannel}`);
    try {
      const community = team.mediators.community;
      await sendEvents(testApp, id, 0, [
        [community, { type: 'SUBMIT' }],
        [community, { type: 'ACCEPT', track: 'people', level: 'community' }],
      ]);
      await testApp.services.transactions.notices.flush();
      // notices arrive in commit order: a sentinel said now comes after every notice of the two events
      const sentinel = `settled-${randomUUID()}`;
      await elsewhere('SELECT pg_notify($1, $2)', [caseViewsChangedChannel, sentinel]);
      await waitFor('the sentinel notice', () => heard.includes(sentinel));
      // one after each commit (or one for both, said together); the trigger's inside each transaction would make 3 or 4
      expect(heard.filter((payload) => payload === id).length).toBeLessThanOrEqual(2);
      expect(heard.filter((payload) => payload === id).length).toBeGreaterThanOrEqual(1);
      expect(heard.filter((payload) => payload !== sentinel && payload !== id)).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it("forgets a case when its parties change, and every case when a mediator's name does", async () => {
    const first = await newCase();
    const second = await newCase();
    const before = await page(first.id);
    await page(second.id);
    const party = before.parties[0];
    await elsewhere('UPDATE parties SET name = $2 WHERE id = $1', [party.id, '改名的申请人']);
    await waitFor('the party renamed', async () =>
      (await page(first.id)).parties.some((shown: { name: string }) => shown.name === '改名的申请人'),
    );
    // the second case's mediator shown as renamed: every case kept is forgotten
    const community = team.mediators.community;
    const assigned = await sendEvents(testApp, second.id, 0, [
      [community, { type: 'SUBMIT' }],
      [community, { type: 'ACCEPT', track: 'people', level: 'community' }],
      [community, { type: 'ASSIGN', mediatorUsername: community.user.username }],
    ]);
    const mediatorId = assigned.mediator?.id as string;
    expect(mediatorId).toBe(community.user.id);
    await page(second.id);
    await elsewhere('UPDATE users SET display_name = $2 WHERE id = $1', [mediatorId, '改名后的调解员']);
    await waitFor(
      'the mediator renamed',
      async () => (await page(second.id)).mediator?.displayName === '改名后的调解员',
    );
  });

  it("does not keep a read made while the process's own write to the case is uncommitted", async () => {
    const { id } = await newCase();
    const { unitDirectory, caseViews } = testApp.services;
    // as the app's own repository writes: marking the case it changes
    const cases = new CaseRepository(testApp.db, eventLogOf(testApp), unitDirectory, caseViews);
    await testApp.db.transaction(async (tx) => {
      await cases.updateCase(id, { title: '事务中的新标题' }, tx);
      // read meanwhile, on another connection: the title as committed, not kept
      expect((await page(id)).title).not.toBe('事务中的新标题');
    });
    // committed: the very next read shows it, whenever the notice lands
    expect((await page(id)).title).toBe('事务中的新标题');
  });

  it("keeps no read while its own write is uncommitted, though a notice of the case's earlier commit lands meanwhile", async () => {
    const { id } = await newCase();
    const { unitDirectory, caseViews } = testApp.services;
    const cases = new CaseRepository(testApp.db, eventLogOf(testApp), unitDirectory, caseViews);
    await noticesSettled();
    await testApp.db.transaction(async (tx) => {
      await cases.updateCase(id, { title: '通知之后提交的标题' }, tx);
      // a notice of an earlier commit of this case (another process's, or this one's late) heard now
      await elsewhere('SELECT pg_notify($1, $2)', [caseViewsChangedChannel, id]);
      await noticesSettled();
      expect((await page(id)).title).not.toBe('通知之后提交的标题');
      expect(caseViews.keeps(id)).toBe(false);
    });
    // the transaction's own end, not a notice, lets the case be read afresh: as committed
    expect((await page(id)).title).toBe('通知之后提交的标题');
  });

  it('keeps a case only once every transaction of this process that marked it has ended', async () => {
    const { id } = await newCase();
    const views = testApp.services.caseViews;
    await noticesSettled();
    /** A transaction that marks the case and stays open until `end` is called. */
    const opened = () => {
      let end = () => {};
      const ended = new Promise<void>((resolve) => {
        end = resolve;
      });
      let marked = () => {};
      const marking = new Promise<void>((resolve) => {
        marked = resolve;
      });
      const done = testApp.db.transaction(async (tx) => {
        views.writing(id, tx);
        marked();
        await ended;
      });
      return { marking, end, done };
    };
    const first = opened();
    const second = opened();
    try {
      await Promise.all([first.marking, second.marking]);
      first.end();
      await first.done;
      await page(id);
      expect(views.keeps(id)).toBe(false); // the second is still open
      second.end();
      await second.done;
      await page(id);
      expect(views.keeps(id)).toBe(true);
    } finally {
      // a failed expectation leaves no transaction (and its connection) open
      first.end();
      second.end();
      await Promise.allSettled([first.done, second.done]);
    }
  });

  it('keeps a case again once a transaction that marked it rolls back, as it was', async () => {
    const { id, title } = await newCase();
    const { unitDirectory, caseViews } = testApp.services;
    const cases = new CaseRepository(testApp.db, eventLogOf(testApp), unitDirectory, caseViews);
    await noticesSettled();
    await expect(
      testApp.db.transaction(async (tx) => {
        await cases.updateCase(id, { title: '回滚掉的标题' }, tx);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect((await page(id)).title).toBe(title);
    expect(caseViews.keeps(id)).toBe(true);
  });

  it('keeps nothing while its listening connection is gone, and keeps again once it is back', async () => {
    const { id } = await newCase();
    const views = testApp.services.caseViews;
    await page(id);
    await elsewhere(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'grand-mediation notices'
         AND datname = current_database()`,
    );
    await waitFor('the cache to stop keeping', () => !views.live);
    expect(views.size).toBe(0);
    // changed without a notice while nothing listens: read from the database
    await elsewhere('UPDATE cases SET title = $2 WHERE id = $1', [id, '断开时改的标题'], { quietly: true });
    expect((await page(id)).title).toBe('断开时改的标题');
    expect(views.size).toBe(0);
    await waitFor('the cache to listen again', () => views.live);
    await waitFor('the case to be kept again', async () => {
      await page(id);
      return views.keeps(id);
    });
  });

  it('keeps at most its size, the longest kept going first; a size of 0 keeps nothing', async () => {
    const reads: string[] = [];
    const read = (id: string) => async () => {
      reads.push(id);
      return { id };
    };
    for (const [size, asked, readAgain] of [
      [2, ['a', 'b', 'c', 'c', 'b', 'a'], ['a', 'b', 'c', 'a']],
      [0, ['a', 'a'], ['a', 'a']],
    ] as const) {
      const cache = new CaseViewCache(Date.now, { maxEntries: size });
      await cache.listen(databaseUrl(), silent, 100);
      try {
        await waitFor('the cache to listen', () => cache.live);
        reads.length = 0;
        for (const id of asked) await cache.lookup(id, read(id));
        expect({ size, reads }).toEqual({ size, reads: readAgain });
        expect(cache.size).toBe(Math.min(size, 3));
      } finally {
        await cache.stop();
      }
    }
  });

  // last: it moves the clock a day on
  it('answers each reader the events they may send, and reads the deadline as of today, however often the case was shown', async () => {
    const { id } = await newCase();
    const community = team.mediators.community;
    await sendEvents(testApp, id, 0, [
      [community, { type: 'SUBMIT' }],
      [community, { type: 'ACCEPT', track: 'people', level: 'community' }],
    ]);
    const asMediator = await page(id);
    expect((await page(id)).allowedEvents).toEqual(asMediator.allowedEvents);
    // another reader of the same kept case: what they may send, not what the mediator may
    const asOther = await request(testApp.app).get(`/api/v1/cases/${id}`).set(bearer(team.supervisor));
    expect(asOther.status).toBe(200);
    expect(asMediator.allowedEvents).toEqual(['ASSIGN', 'FAIL', 'WITHDRAW', 'SET_RISK_GRADE']);
    expect(asOther.body.allowedEvents).toEqual(['ASSIGN', 'SET_RISK_GRADE']);
    // a day later (signed in again: the token has lapsed) the same case's deadline has a day less left
    testApp.clock.advanceMinutes(24 * 60);
    const token = await apiToken(testApp.app, community.user.username);
    const tomorrow = (await request(testApp.app).get(`/api/v1/cases/${id}`).set(bearer(token))).body;
    expect(tomorrow.deadline.daysLeft).toBe(asMediator.deadline.daysLeft - 1);
    expect(tomorrow.version).toBe(asMediator.version);
  });
});
