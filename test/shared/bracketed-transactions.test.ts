import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { Transactions } from '../../src/shared/db/transactions';
import { waitFor } from '../support/mail';
import { openSingleConnection } from '../support/single-connection';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * `Transactions.runBracketed`: the event path's transaction, whose statements are prepared once
 * per connection and sent beside BEGIN and COMMIT. One connection only here, so that every
 * transaction meets what the one before it left on the connection.
 */
describe('bracketed transactions (prepared statements sent with BEGIN and COMMIT)', () => {
  let testApp: TestApp;
  let single: DataSource;
  let transactions: Transactions;
  beforeAll(async () => {
    testApp = await startTestApp();
    single = await openSingleConnection(testApp);
    transactions = new Transactions(single);
  });
  afterAll(async () => {
    await single?.destroy();
    await testApp.close();
  });

  /** Another process listening on the probe's channel, with what it has heard. */
  async function listening(): Promise<{ listener: Client; heard: string[] }> {
    const listener = new Client({ connectionString: testApp.config.databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (notice) => heard.push(notice.payload ?? ''));
    await listener.query('LISTEN bracket_probe_changed');
    return { listener, heard };
  }

  const divide = { text: 'SELECT 10 / $1::int AS quotient', values: [0] as unknown[] };
  const echo = { text: 'SELECT $1::text AS said, $2::text[] AS list', values: [] as unknown[] };

  it('keeps working on a connection where a failed statement left the next one unprepared', async () => {
    // the first EXECUTE fails (division by zero): PostgreSQL skips the rest of the message, the
    // second PREPARE among it, while the first one stays prepared through the ROLLBACK
    await expect(
      transactions.runBracketed([divide, { ...echo, values: ['a', ['b']] }], async () => undefined),
    ).rejects.toThrow(/division by zero/);
    // the same two statements on the same connection: both must run (neither "does not exist" nor "already exists")
    const answered = await transactions.runBracketed(
      [
        { ...divide, values: [5] },
        { ...echo, values: ['a', ['b']] },
      ],
      async (_tx, bracket) => bracket.results,
    );
    expect(answered).toEqual([[{ quotient: 2 }], [{ said: 'a', list: ['b'] }]]);
  });

  it('sends text with quotes, backslashes and braces as it was typed', async () => {
    const typed = `O'Brien \\ "引号" {a,b} ; DROP TABLE cases; --`;
    const [said] = await transactions.runBracketed(
      { ...echo, values: [typed, [typed, 'NULL', '']] },
      async (_tx, bracket) => bracket.rows,
    );
    expect(said).toEqual({ said: typed, list: [typed, 'NULL', ''] });
  });

  it.each([
    ['', 'empty'],
    ["''", 'quotes only'],
    ['\\', 'one backslash'],
    ['ends with a backslash \\', 'a backslash last'],
    ["\\'", 'a backslash before a quote'],
    ['line\nbreak\ttab 调解员 😀', 'control characters and astral characters'],
  ])('sends %j (%s) back unchanged', async (typed) => {
    const [said] = await transactions.runBracketed(
      { ...echo, values: [typed, [typed]] },
      async (_tx, bracket) => bracket.rows,
    );
    expect(said).toEqual({ said: typed, list: [typed] });
  });

  it('writes nothing when the statement sent with COMMIT fails, and the connection serves the next one', async () => {
    await single.query('CREATE TEMP TABLE IF NOT EXISTS bracket_probe (n int CHECK (n > 0))');
    await expect(
      transactions.runBracketed({ text: 'SELECT 1 AS one', values: [] }, async (_tx, bracket) => {
        await bracket.commitWith({ text: 'INSERT INTO bracket_probe (n) VALUES ($1::int)', values: [-1] });
      }),
    ).rejects.toThrow(/bracket_probe/);
    await transactions.runBracketed({ text: 'SELECT 1 AS one', values: [] }, async (_tx, bracket) => {
      await bracket.commitWith({ text: 'INSERT INTO bracket_probe (n) VALUES ($1::int)', values: [3] });
    });
    expect(await single.query('SELECT n FROM bracket_probe')).toEqual([{ n: 3 }]);
  });

  it('says its notices once the transaction has committed, and only then', async () => {
    await single.query('CREATE TEMP TABLE IF NOT EXISTS bracket_probe (n int CHECK (n > 0))');
    const { listener, heard } = await listening();
    try {
      const thenNotify = [{ channel: 'bracket_probe_changed', payload: 'seven' }];
      // a transaction that fails says nothing
      await expect(
        transactions.runBracketed(
          { text: 'SELECT 1 AS one', values: [] },
          async (_tx, bracket) => {
            await bracket.commitWith({
              text: 'INSERT INTO bracket_probe (n) VALUES ($1::int)',
              values: [-7],
            });
          },
          { thenNotify },
        ),
      ).rejects.toThrow(/bracket_probe/);
      await transactions.runBracketed(
        { text: 'SELECT 1 AS one', values: [] },
        async (_tx, bracket) => {
          await bracket.commitWith({ text: 'INSERT INTO bracket_probe (n) VALUES ($1::int)', values: [7] });
        },
        { thenNotify },
      );
      await waitFor('the notice', () => heard.length > 0);
      expect(heard).toEqual(['seven']);
      // notices waiting while a transaction runs on this one connection: said in a transaction of their
      // own that skips waiting for its flush, never in one that writes (whose COMMIT must wait for it)
      transactions.notices.say([{ channel: 'bracket_probe_changed', payload: 'eight' }]);
      const [setting] = await transactions.runBracketed(
        { text: "SELECT current_setting('synchronous_commit') AS synchronous_commit", values: [] },
        async (_tx, bracket) => bracket.rows,
      );
      expect(setting).toEqual({ synchronous_commit: 'on' });
      await transactions.notices.flush();
      await waitFor('the next notice', () => heard.includes('eight'));
      expect(await single.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
    } finally {
      await listener.end();
    }
  });

  it('says its notices when its connection is lost at the COMMIT, whose outcome nobody can tell', async () => {
    const { listener, heard } = await listening();
    try {
      await expect(
        transactions.runBracketed(
          { text: 'SELECT pg_backend_pid() AS pid', values: [] },
          async (_tx, bracket) => {
            // the server ends this connection while it runs the COMMIT's message (57P01, as a restart would)
            const ended = new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
              testApp.db.query('SELECT pg_terminate_backend($1)', [bracket.rows[0].pid]),
            );
            try {
              await bracket.commitWith({ text: 'SELECT pg_sleep(5) AS slept', values: [] });
            } finally {
              await ended;
            }
          },
          { thenNotify: [{ channel: 'bracket_probe_changed', payload: 'lost' }] },
        ),
      ).rejects.toMatchObject({ code: '57P01' });
      await transactions.notices.flush();
      await waitFor('the notice of the lost COMMIT', () => heard.includes('lost'));
      // and the next transaction gets a working connection
      const [one] = await transactions.runBracketed(
        { text: 'SELECT 1 AS one', values: [] },
        async (_tx, bracket) => bracket.rows,
      );
      expect(one).toEqual({ one: 1 });
    } finally {
      await listener.end();
    }
  });

  it('answers a transaction as committed whatever becomes of its notices', async () => {
    await single.query('CREATE TEMP TABLE IF NOT EXISTS bracket_probe (n int CHECK (n > 0))');
    // PostgreSQL refuses a notice on no channel: said after the COMMIT, it fails on its own
    await transactions.runBracketed(
      { text: 'SELECT 1 AS one', values: [] },
      async (_tx, bracket) => {
        await bracket.commitWith({ text: 'INSERT INTO bracket_probe (n) VALUES ($1::int)', values: [11] });
      },
      { thenNotify: [{ channel: '', payload: 'lost' }] },
    );
    expect(await single.query('SELECT n FROM bracket_probe WHERE n = 11')).toEqual([{ n: 11 }]);
    // and the connection serves the next transaction
    const [one] = await transactions.runBracketed(
      { text: 'SELECT 1 AS one', values: [] },
      async (_tx, bracket) => bracket.rows,
    );
    expect(one).toEqual({ one: 1 });
  });
});
