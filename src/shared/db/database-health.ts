import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { migrationsAreCurrent } from './data-source';

/** The node-postgres pool under a connected data source (sessions and the health check use it directly). */
export function poolOf(db: DataSource): Pool | undefined {
  return (db.driver as unknown as { master?: Pool }).master;
}

/** What the readiness check asks of the database: does it answer in time, is its schema current. */
export interface DatabaseHealth {
  /** SELECT 1 on a pooled connection that is dropped if the answer does not come within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  /** Whether every migration has run. */
  schemaIsCurrent(): Promise<boolean>;
}

export function databaseHealth(db: DataSource): DatabaseHealth {
  return {
    async ping(timeoutMs) {
      const pool = poolOf(db);
      if (!pool) throw new Error('not connected');
      await pool.query({ text: 'SELECT 1', query_timeout: timeoutMs } as { text: string });
    },
    schemaIsCurrent: () => migrationsAreCurrent(db),
  };
}
