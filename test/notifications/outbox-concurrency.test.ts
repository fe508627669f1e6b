import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Services } from '../../src/composition-root';
import { databaseSchema } from '../../src/database-schema';
import { enqueueNotifications } from '../../src/notifications/outbox';
import { createDataSource } from '../../src/shared/db/data-source';
import type { RunningWorker } from '../../src/worker';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, servicesOn, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

interface Row {
  id: string;
  sent_at: Date | null;
  failed_at: Date | null;
  attempts: number;
  message_id: string | null;
  next_attempt_at: Date | null;
  claimed_by: string | null;
}

/** `count` notices queued as an event queues them (one transaction), to mediators of one unit; their rows. */
async function queueNotices(testApp: TestApp, count: number): Promise<string[]> {
  const tree = await createDistrictTree(testApp.db);
  const mediators = await Promise.all(
    [1, 2, 3].map(() => createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })),
  );
  const dispute = await createCase(testApp.services, mediators[0].id);
  await testApp.db.query('DELETE FROM outbox WHERE subject_id = $1', [dispute.id]);
  await testApp.services.transactions.run((tx) =>
    enqueueNotifications(
      tx,
      Array.from({ length: count }, (_, index) => ({
        kind: 'case.assigned' as const,
        recipientUserId: mediators[index % mediators.length].id,
        subjectType: 'case' as const,
        subjectId: dispute.id,
        payload: { number: dispute.number, title: dispute.title, event: 'ASSIGN', by: '测试' },
      })),
    ),
  );
  const rows: Array<{ id: string }> = await testApp.db.query(
    'SELECT id FROM outbox WHERE subject_id = $1 ORDER BY id',
    [dispute.id],
  );
  return rows.map((row) => row.id);
}

const rowsOf = (testApp: TestApp, ids: string[]): Promise<Row[]> =>
  testApp.db.query(
    `SELECT id, sent_at, failed_at, attempts, message_id, next_attempt_at, claimed_by FROM outbox
     WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );

/** Only drainNow sends: each worker's loop drained the empty queue at its start and sleeps an hour. */
const onlyWhenAsked = { pollIntervalMs: 3_600_000, mailConcurrency: 4 };

/** Issue 22: a batch claimed, sent concurrently outside any transaction, each notice once across processes. */
describe('the outbox against a slow mail server, with two worker processes', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let secondDb: DataSource;
  let second: Services;
  let workers: RunningWorker[];

  beforeAll(async () => {
    smtp = await new SmtpPeer({ answerDelayMs: 1500 }).start(0);
    testApp = await startTestApp({ smtpUrl: smtp.url });
    secondDb = createDataSource(testApp.config.databaseUrl as string, { ...databaseSchema, poolSize: 4 });
    await secondDb.initialize();
    second = await servicesOn(testApp, secondDb);
    workers = [
      await startTestWorker(testApp, onlyWhenAsked),
      await startTestWorker(testApp, onlyWhenAsked, second, secondDb),
    ];
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await secondDb.destroy();
    await smtp.stop();
    await testApp.close();
  });

  const mailsWith = (messageId: string | null) =>
    smtp.received.filter((mail) => mail.messageId === messageId);

  it('when both drain the same queue at once, then each takes a share and every notice is mailed exactly once', async () => {
    const ids = await queueNotices(testApp, 24);

    smtp.hold();
    const draining = Promise.all(workers.map((worker) => worker.drainNow()));
    // each process has its four in flight (MAIL_CONCURRENCY 4 each): both take a share
    await waitFor('the server to hold eight mails at once', () => (smtp.inFlight === 8 ? true : null));
    smtp.release();
    const handled = await draining;

    expect(handled[0] + handled[1]).toBe(24);
    expect(handled[0]).toBeGreaterThanOrEqual(4);
    expect(handled[1]).toBeGreaterThanOrEqual(4);
    const rows = await rowsOf(testApp, ids);
    expect(rows.every((row) => row.sent_at !== null && row.claimed_by === null)).toBe(true);
    for (const row of rows) expect(mailsWith(row.message_id)).toHaveLength(1);
  });

  it('when several mails are due, then MAIL_CONCURRENCY of them are in flight at once, over reused connections, with no row locked meanwhile', async () => {
    const ids = await queueNotices(testApp, 10);
    smtp.maxInFlight = 0;
    smtp.connections = 0;
    smtp.hold();

    const draining = workers[0].drainNow();
    await waitFor('the server to hold four mails at once', () => (smtp.inFlight === 4 ? true : null));
    // while the server holds them, no transaction holds their rows: another locks all ten at once
    const locked = await testApp.db.transaction((tx) =>
      tx.query('SELECT id FROM outbox WHERE id = ANY($1::bigint[]) FOR UPDATE NOWAIT', [ids]),
    );
    expect(locked).toHaveLength(10);
    smtp.release();

    expect(await draining).toBe(10);
    expect(smtp.maxInFlight).toBe(4);
    // the pool keeps its connections: ten mails did not open ten
    expect(smtp.connections).toBeLessThanOrEqual(4);
    const rows = await rowsOf(testApp, ids);
    expect(rows.every((row) => row.sent_at !== null)).toBe(true);
    for (const row of rows) expect(mailsWith(row.message_id)).toHaveLength(1);
  });

  it('when a worker died with rows leased to it, then once the lease has run out another sends them, with their Message-ID; a lease still running is left alone', async () => {
    const [abandoned, held] = await queueNotices(testApp, 2);
    await testApp.db.query(
      `UPDATE outbox SET claimed_by = 'gone:1', claimed_until = now() - interval '1 second' WHERE id = $1`,
      [abandoned],
    );
    await testApp.db.query(
      `UPDATE outbox SET claimed_by = 'busy:2', claimed_until = now() + interval '1 hour' WHERE id = $1`,
      [held],
    );

    expect(await workers[1].drainNow()).toBe(1);

    const [taken, left] = await rowsOf(testApp, [abandoned, held]);
    expect(taken).toMatchObject({
      claimed_by: null,
      attempts: 1,
      message_id: `<outbox-${abandoned}@test.example>`,
    });
    expect(taken.sent_at).not.toBeNull();
    expect(mailsWith(taken.message_id)).toHaveLength(1);
    expect(left).toMatchObject({ claimed_by: 'busy:2', sent_at: null, attempts: 0 });
    expect(mailsWith(`<outbox-${held}@test.example>`)).toHaveLength(0);
    await testApp.db.query(`UPDATE outbox SET sent_at = now(), delivery = 'none' WHERE id = $1`, [held]);
  });

  it('when another worker took a row over while its mail was going out, then the first does not write over the row', async () => {
    const [id] = await queueNotices(testApp, 1);
    smtp.hold();
    const draining = workers[0].drainNow();
    await waitFor('the mail server to hold the mail', () => (smtp.inFlight === 1 ? true : null));
    // the lease taken over (as if it had run out) before the server says "250 OK"
    await testApp.db.query(
      `UPDATE outbox SET claimed_by = 'successor:3', claimed_until = now() + interval '1 hour' WHERE id = $1`,
      [id],
    );
    smtp.release();

    await draining;

    const [row] = await rowsOf(testApp, [id]);
    expect(row).toMatchObject({ claimed_by: 'successor:3', sent_at: null, message_id: null });
    await testApp.db.query(`UPDATE outbox SET sent_at = now(), delivery = 'none' WHERE id = $1`, [id]);
  });

  it('when the database is out of reach between a send and its record (a failover), then the row is recorded as sent once it is back: one attempt, no failure, one mail', async () => {
    const [id] = await queueNotices(testApp, 1);
    const database = new URL(testApp.config.databaseUrl as string).pathname.slice(1);
    const admin = new Client({ connectionString: testApp.config.databaseUrl });
    await admin.connect();
    try {
      smtp.hold();
      const draining = workers[0].drainNow();
      await waitFor('the mail server to hold the mail', () => (smtp.inFlight === 1 ? true : null));
      // the primary goes: every connection is cut, and the server that answers takes no writes
      await admin.query(`ALTER DATABASE ${database} SET default_transaction_read_only = on`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      smtp.release();
      await waitFor('the mail to be accepted', () => (smtp.inFlight === 0 ? true : null));
      // a few of the dispatcher's tries find no writable server; then a primary is back
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await admin.query(`ALTER DATABASE ${database} SET default_transaction_read_only = off`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      await draining;
    } finally {
      await admin.query(`ALTER DATABASE ${database} SET default_transaction_read_only = off`);
      await admin.end();
    }

    const [row] = await testApp.db.query(
      'SELECT sent_at, failed_at, attempts, last_error, claimed_by, message_id FROM outbox WHERE id = $1',
      [id],
    );
    expect(row).toMatchObject({ failed_at: null, attempts: 1, last_error: null, claimed_by: null });
    expect(row.sent_at).not.toBeNull();
    expect(mailsWith(row.message_id)).toHaveLength(1);
  });
});

describe('the outbox when the mail server refuses connections', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    await smtp.stop();
    testApp = await startTestApp({ smtpUrl: smtp.url });
    worker = await startTestWorker(testApp, {
      ...onlyWhenAsked,
      retry: { baseDelayMs: 60_000, maxDelayMs: 3_600_000, maxAttempts: 3 },
    });
  });
  afterAll(async () => {
    await worker.stop();
    await testApp.close();
  });

  it('then each failed send is released and backs off (1 min, then 2), and after the last attempt fails for good', async () => {
    const ids = await queueNotices(testApp, 3);
    const before = testApp.clock.now().getTime();

    expect(await worker.drainNow()).toBe(3);
    const first = await rowsOf(testApp, ids);
    for (const row of first) {
      expect(row).toMatchObject({ attempts: 1, sent_at: null, failed_at: null, claimed_by: null });
      expect((row.next_attempt_at as Date).getTime()).toBeGreaterThanOrEqual(before + 60_000);
    }
    expect(await worker.drainNow()).toBe(0); // all in backoff

    testApp.clock.advanceMinutes(1);
    expect(await worker.drainNow()).toBe(3);
    const second = await rowsOf(testApp, ids);
    expect(second.every((row) => row.attempts === 2 && row.failed_at === null)).toBe(true);
    expect(await worker.drainNow()).toBe(0);

    testApp.clock.advanceMinutes(2);
    expect(await worker.drainNow()).toBe(3);
    const last = await rowsOf(testApp, ids);
    expect(last.every((row) => row.attempts === 3 && row.failed_at !== null && row.claimed_by === null)).toBe(
      true,
    );
  });
});
