import {
  type EntitySubscriberInterface,
  EventSubscriber,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import type { Tx } from './transactions';

/** What runs once a transaction ends, by the query runner it runs on (one runner, one transaction). */
const endings = new WeakMap<object, Array<() => void>>();

/**
 * Runs `then` once transaction `tx` has ended, committed or rolled back: as soon as its COMMIT
 * (or ROLLBACK) is answered, before the work that opened it returns. For what a process keeps
 * about rows it is changing (`CaseViewCache.writing`): until then another connection reads
 * them as they were. False, and nothing to run, when `tx` is in no transaction.
 *
 * Told by `TransactionEndSubscriber` for TypeORM's transactions (`Transactions.run`,
 * `DataSource.transaction`), by `Transactions.runBracketed` for its own. A transaction whose
 * end nobody could see (its connection dropped with the COMMIT unanswered) runs nothing.
 */
export function whenTransactionEnds(tx: Tx, then: () => void): boolean {
  const runner = tx.queryRunner;
  if (!runner?.isTransactionActive) return false;
  const waiting = endings.get(runner);
  if (waiting) waiting.push(then);
  else endings.set(runner, [then]);
  return true;
}

/**
 * Transaction of `runner` ended: runs what waited for it, once. One that throws stops neither the
 * others nor the transaction's own end (its COMMIT has been answered: that is the outcome).
 */
export function transactionEnded(runner: object): void {
  const waiting = endings.get(runner);
  if (!waiting) return;
  endings.delete(runner);
  for (const then of waiting)
    try {
      then();
    } catch {
      // what waited keeps its own fallback (a case view cache's mark lapses)
    }
}

/** Forgets what waited for the end of `runner`'s transaction, never to be told (its end is unknown). */
export function transactionEndUnknown(runner: object): void {
  endings.delete(runner);
}

/**
 * Tells `whenTransactionEnds` of TypeORM's transactions. A savepoint's release or rollback
 * (TypeORM's nested transaction) is no end: the outer transaction goes on.
 */
@EventSubscriber()
export class TransactionEndSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    this.ended(event.queryRunner);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.ended(event.queryRunner);
  }

  private ended(runner: QueryRunner): void {
    if (!runner.isTransactionActive) transactionEnded(runner);
  }
}
