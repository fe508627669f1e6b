import type { DataSource, EntityManager } from 'typeorm';

/**
 * One transaction's handle. A service opens it (`transactions.run`) and passes it to the
 * repositories it calls, so that everything one request writes commits or fails
 * together; only repositories and query files read or write with it.
 */
export type Tx = EntityManager;

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** The unit of work: how services open a transaction without holding the ORM's data source. */
export class Transactions {
  constructor(private readonly db: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  run<T>(isolation: IsolationLevel, work: (tx: Tx) => Promise<T>): Promise<T>;
  run<T>(first: IsolationLevel | ((tx: Tx) => Promise<T>), work?: (tx: Tx) => Promise<T>): Promise<T> {
    if (typeof first === 'function') return this.db.transaction(first);
    if (!work) throw new TypeError('Transactions.run: no work given');
    return this.db.transaction(first, work);
  }
}
