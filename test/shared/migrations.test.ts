import { migrations } from '../../migrations';
import { databaseSchema } from '../../src/database-schema';
import {
  createDataSource,
  migrationLockKey,
  migrationsAreCurrent,
  runPendingMigrations,
} from '../../src/shared/db/data-source';
import { createTestDatabase } from '../support/test-database';

describe('migrations', () => {
  it('on an empty database, they all run up, down again, and up again', async () => {
    const database = await createTestDatabase({ empty: true });
    const db = createDataSource(database.url, { ...databaseSchema, poolSize: 1 });
    await db.initialize();
    try {
      await expect(migrationsAreCurrent(db)).resolves.toBe(false);

      const ran = await runPendingMigrations(db);
      expect(ran).toHaveLength(migrations.length);
      await expect(migrationsAreCurrent(db)).resolves.toBe(true);

      for (let i = 0; i < migrations.length; i++) await db.undoLastMigration();
      await expect(migrationsAreCurrent(db)).resolves.toBe(false);
      const left: Array<{ table_name: string }> = await db.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
      );
      expect(left).toEqual([]);

      await expect(runPendingMigrations(db)).resolves.toHaveLength(migrations.length);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  it('when two processes migrate an empty database at once, then one applies every migration and the other, having waited for it, finds nothing to do', async () => {
    const database = await createTestDatabase({ empty: true });
    const processes = [
      createDataSource(database.url, { ...databaseSchema, poolSize: 1 }),
      createDataSource(database.url, { ...databaseSchema, poolSize: 1 }),
    ];
    await Promise.all(processes.map((db) => db.initialize()));
    try {
      const ran = await Promise.all(processes.map((db) => runPendingMigrations(db)));

      expect(ran.map((names) => names.length).sort((a, b) => a - b)).toEqual([0, migrations.length]);
      await expect(migrationsAreCurrent(processes[0])).resolves.toBe(true);
    } finally {
      await Promise.all(processes.map((db) => db.destroy()));
      await database.drop();
    }
  });

  it('when another process holds the migrations longer than the lock timeout, then migrating gives up with a message saying so, and has changed nothing', async () => {
    const database = await createTestDatabase({ empty: true });
    const other = createDataSource(database.url, { ...databaseSchema, poolSize: 1 });
    const db = createDataSource(database.url, { ...databaseSchema, poolSize: 1 });
    await Promise.all([other.initialize(), db.initialize()]);
    const migrating = other.createQueryRunner();
    try {
      await migrating.query('SELECT pg_advisory_lock(hashtext($1))', [migrationLockKey]);

      await expect(runPendingMigrations(db, { lockTimeoutMs: 300 })).rejects.toThrow(
        'another instance has been migrating this database for more than 300 ms (MIGRATION_LOCK_TIMEOUT_MS)',
      );
      const tables = await db.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(tables).toEqual([]);
      // the connection went back to the pool without the lock timeout
      await expect(db.query('SHOW lock_timeout')).resolves.toEqual([{ lock_timeout: '0' }]);
    } finally {
      await migrating.release();
      await Promise.all([other.destroy(), db.destroy()]);
      await database.drop();
    }
  });

  it('every migration is named <timestamp>-<WhatItDoes> and has a down()', () => {
    for (const Migration of migrations) {
      const instance = new Migration();
      expect(instance.name).toMatch(/^[A-Z][A-Za-z]+\d{13}$/);
      expect(typeof instance.down).toBe('function');
    }
  });
});
