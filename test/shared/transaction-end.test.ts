import { whenTransactionEnds } from '../../src/shared/db/transaction-end';
import { Transactions } from '../../src/shared/db/transactions';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * `whenTransactionEnds`: what a process keeps about rows it is changing (the case view cache's
 * write marks) is let go when the writing transaction ends — committed or rolled back, on
 * either way a transaction is opened here — and not before, not at a savepoint.
 */
describe('the end of a transaction, as the process that opened it sees it', () => {
  let testApp: TestApp;
  let transactions: Transactions;
  beforeAll(async () => {
    testApp = await startTestApp();
    transactions = new Transactions(testApp.db);
  });
  afterAll(async () => {
    await testApp.close();
  });

  /** Tells `ended` of the end of `tx`, under `name`. */
  function watch(tx: Parameters<typeof whenTransactionEnds>[0], ended: string[], name: string) {
    expect(whenTransactionEnds(tx, () => ended.push(name))).toBe(true);
  }

  it('is told after the COMMIT, once, before the work that opened it returns', async () => {
    const ended: string[] = [];
    const result = await transactions.run(async (tx) => {
      watch(tx, ended, 'run');
      await tx.query('SELECT 1');
      expect(ended).toEqual([]);
      return ended.length;
    });
    expect(result).toBe(0);
    expect(ended).toEqual(['run']);
    // the next transaction on the same pooled connection tells nothing of the last one's
    await transactions.run(async (tx) => tx.query('SELECT 1'));
    expect(ended).toEqual(['run']);
  });

  it('is told after a ROLLBACK too', async () => {
    const ended: string[] = [];
    await expect(
      transactions.run(async (tx) => {
        watch(tx, ended, 'rolled back');
        await tx.query('SELECT 1 / 0');
      }),
    ).rejects.toThrow(/division by zero/);
    expect(ended).toEqual(['rolled back']);
  });

  it('is not told at a savepoint (a nested transaction): only once the outer one ends', async () => {
    const ended: string[] = [];
    await transactions.run(async (tx) => {
      watch(tx, ended, 'outer');
      await tx.transaction(async (inner) => inner.query('SELECT 1'));
      await expect(
        tx.transaction(async (inner) => {
          await inner.query('SELECT 1 / 0');
        }),
      ).rejects.toThrow(/division by zero/);
      expect(ended).toEqual([]);
    });
    expect(ended).toEqual(['outer']);
  });

  it('is told by a bracketed transaction at its COMMIT, and at its ROLLBACK', async () => {
    const ended: string[] = [];
    const opening = { text: 'SELECT 1 AS one', values: [] };
    await transactions.runBracketed(opening, async (tx, bracket) => {
      watch(tx, ended, 'bracketed');
      await bracket.commitWith({ text: 'SELECT 2 AS two', values: [] });
      // told as soon as the COMMIT is answered, while the work goes on
      expect(ended).toEqual(['bracketed']);
    });
    await expect(
      transactions.runBracketed(opening, async (tx) => {
        watch(tx, ended, 'bracketed, failed');
        throw new Error('failed on purpose');
      }),
    ).rejects.toThrow('failed on purpose');
    expect(ended).toEqual(['bracketed', 'bracketed, failed']);
  });

  it('answers false outside a transaction, and never tells', async () => {
    expect(whenTransactionEnds(testApp.db.manager, () => undefined)).toBe(false);
  });
});
