import { DatabaseError } from 'pg';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { AfterCommitNotices, type ChangeNotice } from './after-commit-notices';
import { isDatabaseUnavailable } from './database-errors';
import { executeText, forgetPreparedOf, preparedStatementsOf } from './prepared';
import { transactionEnded, transactionEndUnknown } from './transaction-end';

/**
 * One transaction's handle. A service opens it (`transactions.run`) and passes it to the
 * repositories it calls, so that everything one request writes commits or fails
 * together; only repositories and query files read or write with it.
 */
export type Tx = EntityManager;

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** A statement with its `$1…` parameters. */
export interface Statement {
  text: string;
  values: unknown[];
}

export type { ChangeNotice };

/** What `runBracketed` hands its work besides the transaction: the opening statements' rows, and its way out. */
export interface Bracket {
  /** The rows of the first opening statement. */
  rows: Record<string, unknown>[];
  /** The rows of each opening statement, in order. */
  results: Record<string, unknown>[][];
  /**
   * Sends `last` with the COMMIT, in one round trip: the transaction ends with it (nothing may
   * follow). Answers `last`'s rows.
   */
  commitWith(last: Statement): Promise<Record<string, unknown>[]>;
  /** Whether the work sent statements of its own on the transaction (besides the opening and `last`). */
  sentMore(): boolean;
}

/** TypeORM's query runner, as far as `runBracketed` drives it (its transaction flags are public but untyped here). */
interface BracketRunner {
  isTransactionActive: boolean;
  transactionDepth: number;
  manager: EntityManager;
  connect(): Promise<PgSimpleClient>;
  release(): Promise<void>;
}

interface PgSimpleClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/**
 * An error the server answered for a statement it refused, so the transaction did not commit: not
 * a connection lost on the way, nor a server going away or past a timeout (`isDatabaseUnavailable`),
 * after which the COMMIT may or may not have run.
 */
function refusedByServer(error: unknown): boolean {
  const driverError = (error as { driverError?: unknown } | null)?.driverError ?? error;
  return driverError instanceof DatabaseError && !isDatabaseUnavailable(error);
}

/** The results of a simple-query message, one per statement (node-postgres answers an array when there were several). */
function resultsOf(answer: unknown): Array<{ rows?: Record<string, unknown>[] }> {
  return (Array.isArray(answer) ? answer : [answer]) as Array<{ rows?: Record<string, unknown>[] }>;
}

/** The unit of work: how services open a transaction without holding the ORM's data source. */
export class Transactions {
  /**
   * `db`: the connections; `notices`: how the notices said after a commit (`runBracketed`'s
   * `thenNotify`) are said — together with those of the commits around them.
   */
  constructor(
    private readonly db: DataSource,
    readonly notices: AfterCommitNotices = new AfterCommitNotices(db),
  ) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  run<T>(isolation: IsolationLevel, work: (tx: Tx) => Promise<T>): Promise<T>;
  run<T>(first: IsolationLevel | ((tx: Tx) => Promise<T>), work?: (tx: Tx) => Promise<T>): Promise<T> {
    if (typeof first === 'function') return this.db.transaction(first);
    if (!work) throw new TypeError('Transactions.run: no work given');
    return this.db.transaction(first, work);
  }

  /**
   * A transaction (READ COMMITTED) whose BEGIN travels with its first statement and whose
   * COMMIT with its last (`Bracket.commitWith`), each in one simple-query message, both
   * statements prepared once per connection (`executeText`). The event write path's: on
   * these machines every round trip to PostgreSQL costs the app a `writev` and a wake-up
   * — 40 % of its CPU under the event load in issue 22's profile — and BEGIN and COMMIT
   * alone were two of an event's six. Any failure rolls everything back, as `run` does.
   *
   * `first` may be several statements: they run one after the other in that message, each
   * on a snapshot of its own (READ COMMITTED), so one after a locking read sees the database
   * as it is once the lock was granted, as a statement sent after it would.
   *
   * `thenNotify`: notices said once the transaction has committed (`AfterCommitNotices`), not
   * inside it. NOTIFY holds a database-wide lock from its transaction's commit until that commit
   * is flushed: said inside a write path's transaction it serialises every such commit with its
   * WAL flush (one pair of runs: −14 % events per second at 8 clients, issue 22).
   */
  async runBracketed<T>(
    first: Statement | readonly Statement[],
    work: (tx: Tx, bracket: Bracket) => Promise<T>,
    { thenNotify = [] }: { thenNotify?: readonly ChangeNotice[] } = {},
  ): Promise<T> {
    const runner = this.db.createQueryRunner() as unknown as BracketRunner;
    let open = false;
    try {
      const client = await runner.connect();
      open = true;
      // TypeORM's own calls on this transaction's manager must not open (and commit) one of their own
      runner.isTransactionActive = true;
      runner.transactionDepth = 1;
      const opening = Array.isArray(first) ? (first as readonly Statement[]) : [first as Statement];
      const results = await sendIn(client, opening, ['BEGIN'], []);
      // every statement of the work's own (TypeORM's, `runPrepared`'s) asks the runner for its connection
      let sentMore = false;
      runner.connect = () => {
        sentMore = true;
        return Promise.resolve(client);
      };
      /**
       * COMMIT (with `last`), then the notices, said with those of the commits around it
       * (`AfterCommitNotices`). Also when the message's answer was lost (not refused): it may
       * have committed, and a notice for a transaction that did not costs each listener one read.
       */
      const commit = async (last?: Statement) => {
        let rows: Record<string, unknown>[] = [];
        try {
          if (last) [rows] = await sendIn(client, [last], [], ['COMMIT']);
          else await client.query('COMMIT');
        } catch (error) {
          // refused by the server, it wrote nothing; lost on the way, it may have committed
          if (!refusedByServer(error)) this.notices.say(thenNotify);
          throw error;
        }
        open = false;
        transactionEnded(runner);
        this.notices.say(thenNotify);
        return rows;
      };
      let committed = false;
      const result = await work(runner.manager, {
        rows: results[0] ?? [],
        results,
        commitWith: async (last) => {
          if (committed) throw new Error('runBracketed: the transaction has already committed');
          committed = true;
          return commit(last);
        },
        sentMore: () => sentMore,
      });
      if (!committed) await commit();
      return result;
    } catch (error) {
      if (open) await rollBack(runner);
      throw error;
    } finally {
      await release(runner);
    }
  }

  /**
   * A transaction sent whole in ONE message — BEGIN, `guard`, the work's last statement
   * (`commitWith`), COMMIT — for work that decides from what this process kept rather than
   * from reads of its own (the case write path's `CasesKeptForEvents`): one round trip where
   * `runBracketed` takes two. `guard` must refuse (raise) unless what the work decided from
   * is still so, once it has locked what it needs.
   *
   * The work's manager reaches no database: a query on it fails, and so does the attempt. The
   * answer is `undefined` when nothing was written, for the caller to run the transaction as
   * usual: the work threw, or asked the database something, before its message went out; or
   * the server refused the message (the guard, or anything else: it is rolled back). It throws
   * only when the message's fate is unknown (the connection lost on the way: it may have
   * committed, and its notices are said as if it had) or when the work throws after its commit.
   */
  async runInOneMessage<T>(
    guard: readonly Statement[],
    work: (tx: Tx, message: Pick<Bracket, 'commitWith'>) => Promise<T>,
    { thenNotify = [] }: { thenNotify?: readonly ChangeNotice[] } = {},
  ): Promise<{ value: T } | undefined> {
    const runner = this.db.createQueryRunner() as unknown as BracketRunner;
    let asked = false;
    // until its message goes out, the work's queries (TypeORM's, `runPrepared`'s) find no connection
    runner.connect = () => {
      asked = true;
      return Promise.reject(new Error('runInOneMessage: the work asked the database before its message'));
    };
    runner.isTransactionActive = true;
    runner.transactionDepth = 1;
    // set inside `commitWith`, which the compiler does not follow
    let stage = 'deciding' as 'deciding' | 'sent' | 'committed';
    let refused = false;
    let open = false;
    try {
      const value = await work(runner.manager, {
        commitWith: async (last) => {
          if (stage !== 'deciding' || asked) throw new Error('runInOneMessage: not sent');
          delete (runner as Partial<BracketRunner>).connect;
          // a connection not had, a value that cannot be sent: nothing went, the caller goes the usual way
          const client = await runner.connect();
          let results: Record<string, unknown>[][];
          try {
            results = await sendIn(client, [...guard, last], ['BEGIN'], ['COMMIT'], () => {
              stage = 'sent';
              open = true;
            });
          } catch (error) {
            if (stage === 'deciding') throw error;
            refused = refusedByServer(error);
            if (!refused) this.notices.say(thenNotify);
            throw error;
          }
          open = false;
          stage = 'committed';
          transactionEnded(runner);
          this.notices.say(thenNotify);
          return results[guard.length] ?? [];
        },
      });
      if (stage === 'committed') return { value };
      transactionEnded(runner);
      return undefined;
    } catch (error) {
      if (stage === 'committed') throw error;
      if (open) await rollBack(runner);
      if (stage === 'deciding' || refused) {
        if (!open) transactionEnded(runner);
        return undefined;
      }
      throw error;
    } finally {
      await release(runner);
    }
  }
}

/**
 * Sends `before`, then each statement (its PREPARE first, the first time), then `after`, as
 * one simple-query message on `client`: the rows of each statement, one list per statement.
 * `sending` is called just before the message goes (what fails before it sent nothing).
 */
async function sendIn(
  client: PgSimpleClient,
  statements: readonly Statement[],
  before: string[],
  after: string[],
  sending?: () => void,
): Promise<Record<string, unknown>[][]> {
  await preparedStatementsOf(client);
  let texts: ReturnType<typeof executeText>[];
  try {
    texts = statements.map((statement) => executeText(client, statement.text, statement.values));
  } catch (error) {
    // a value that cannot be sent as a literal: the statements before it were counted as prepared, unsent
    forgetPreparedOf(client);
    throw error;
  }
  const sql = [...before, ...texts.map((text) => text.sql), ...after].join(';\n');
  let answer: unknown;
  sending?.();
  try {
    answer = await client.query(sql);
  } catch (error) {
    // a PREPARE in the message may or may not have run; and a statement the connection was thought to
    // hold ("does not exist", 26000) or not to hold ("already exists", 42P05) means the list is wrong
    const code = (error as { code?: unknown } | null)?.code;
    if (texts.some((text) => text.prepares) || code === '26000' || code === '42P05') forgetPreparedOf(client);
    throw new QueryFailedError(statements[0].text, statements[0].values, error as Error);
  }
  const results = resultsOf(answer);
  let at = before.length;
  return texts.map((text) => {
    at += text.prepares ? 2 : 1;
    return results[at - 1]?.rows ?? [];
  });
}

/** Gives `runner` back to the pool as `createQueryRunner` made it: its own `connect` undone, no transaction flagged. */
async function release(runner: BracketRunner): Promise<void> {
  delete (runner as Partial<BracketRunner>).connect;
  runner.isTransactionActive = false;
  runner.transactionDepth = 0;
  await runner.release();
}

/** Rolls back the transaction open on `runner`: told as ended, or — the ROLLBACK failed, the connection gone — as unknown. */
async function rollBack(runner: BracketRunner): Promise<void> {
  const client = await runner.connect();
  const rolledBack = await client.query('ROLLBACK').then(
    () => true,
    () => false,
  );
  // a ROLLBACK that failed (the connection gone) leaves its COMMIT's outcome unknown: nobody is told it ended
  if (rolledBack) transactionEnded(runner);
  else transactionEndUnknown(runner);
}
