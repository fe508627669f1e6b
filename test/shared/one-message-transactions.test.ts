import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { Transactions } from '../../src/shared/db/transactions';
import { waitFor } from '../support/mail';
import { openSingleConnection } from '../support/single-connection';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * `Transactions.runInOneMessage`: a transaction decided from what the process kept and sent
 * whole — BEGIN, its guard, its last statement, COMMIT — in one message. Whatever keeps it from
 * going out, or the server refuses in it, writes nothing and leaves the caller to run the
 * transaction as usual. One connection only, so that each transaction meets what the one before
 * it left on the connection.
 */
describe('transactions sent in one message', () => {
  let testApp: TestApp;
  let single: DataSource;
  let transactions: Transactions;
  beforeAll(async () => {
    testApp = await startTestApp();
    single = await openSingleConnection(testApp);
    transactions = new Transactions(single);
    await single.query('CREATE TEMP TABLE one_message_probe (n int CHECK (n > 0))');
  });
  afterAll(async () => {
    await single?.destroy();
    await testApp.close();
  });

  const insert = (n: number) => ({
    text: 'WITH w AS (INSERT INTO one_message_probe (n) VALUES ($1::int)) SELECT $1::int * 2 AS twice',
    values: [n],
  });
  /** A guard that passes for a positive number and raises for any other. */
  const guard = (n: number) => ({ text: 'SELECT 1 / sign($1::int)::int AS passed', values: [n] });
  const stored = async () =>
    ((await single.query('SELECT n FROM one_message_probe ORDER BY n')) as Array<{ n: number }>).map(
      (row) => row.n,
    );

  it("writes the work's statement behind its guard, and answers the work's value with that statement's rows", async () => {
    const sent = await transactions.runInOneMessage([guard(1)], async (_tx, message) => ({
      rows: await message.commitWith(insert(21)),
    }));
    expect(sent).toEqual({ value: { rows: [{ twice: 42 }] } });
    expect(await stored()).toEqual([21]);
  });

  it('writes nothing and answers undefined when the guard refuses, and the connection serves the next one', async () => {
    const before = await stored();
    expect(
      await transactions.runInOneMessage([guard(0)], async (_tx, message) => message.commitWith(insert(5))),
    ).toBeUndefined();
    // the same statements, prepared on this connection by the refused message or not, go the next time
    expect(
      await transactions.runInOneMessage([guard(2)], async (_tx, message) => message.commitWith(insert(6))),
    ).toEqual({ value: [{ twice: 12 }] });
    expect(await stored()).toEqual([...before, 6].sort((a, b) => a - b));
  });

  it('answers undefined when the server refuses the last statement itself, writing nothing', async () => {
    const before = await stored();
    expect(
      await transactions.runInOneMessage([guard(1)], async (_tx, message) => message.commitWith(insert(-3))),
    ).toBeUndefined();
    expect(await stored()).toEqual(before);
  });

  it('sends nothing when the work asks the database before its message, even if it goes on', async () => {
    const before = await stored();
    let refusedQuery: unknown;
    const sent = await transactions.runInOneMessage([guard(1)], async (tx, message) => {
      await tx.query('SELECT 1').catch((error: unknown) => {
        refusedQuery = error;
      });
      return message.commitWith(insert(9));
    });
    expect(sent).toBeUndefined();
    expect(String(refusedQuery)).toMatch(/before its message/);
    expect(await stored()).toEqual(before);
  });

  it('sends nothing when the work throws before its message', async () => {
    const before = await stored();
    const sent = await transactions.runInOneMessage([guard(1)], async () => {
      throw new Error('undecided');
    });
    expect(sent).toBeUndefined();
    expect(await stored()).toEqual(before);
  });

  it('throws what the work throws once its transaction has committed: that is not undone', async () => {
    const before = await stored();
    await expect(
      transactions.runInOneMessage([guard(1)], async (_tx, message) => {
        await message.commitWith(insert(13));
        throw new Error('after the commit');
      }),
    ).rejects.toThrow('after the commit');
    expect(await stored()).toEqual([...before, 13].sort((a, b) => a - b));
  });

  // last: it ends this file's one connection, and its temporary table with it
  it('throws, and says its notices, when its connection is lost with the message: it may have committed', async () => {
    const heard: string[] = [];
    const listener = new Client({ connectionString: testApp.config.databaseUrl });
    await listener.connect();
    try {
      listener.on('notification', (notice) => heard.push(notice.payload ?? ''));
      await listener.query('LISTEN one_message_probe_changed');
      const [{ pid }] = await single.query('SELECT pg_backend_pid() AS pid');
      // the server ends the connection while it runs the message (57P01, as a restart would)
      const ended = new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
        testApp.db.query('SELECT pg_terminate_backend($1)', [pid]),
      );
      await expect(
        transactions.runInOneMessage(
          [{ text: 'SELECT pg_sleep(5) AS slept', values: [] }],
          async (_tx, message) => message.commitWith(insert(17)),
          { thenNotify: [{ channel: 'one_message_probe_changed', payload: 'lost' }] },
        ),
      ).rejects.toMatchObject({ code: '57P01' });
      await ended;
      await transactions.notices.flush();
      await waitFor('the notice of the lost message', () => heard.includes('lost'));
    } finally {
      await listener.end();
    }
  });
});
