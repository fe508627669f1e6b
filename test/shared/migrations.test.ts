import { migrations } from '../../migrations';
import {
  createDataSource,
  migrationsAreCurrent,
  runPendingMigrations,
} from '../../src/shared/db/data-source';
import { createTestDatabase } from '../support/test-database';

describe('migrations', () => {
  it('on an empty database, they all run up, down again, and up again', async () => {
    const database = await createTestDatabase({ empty: true });
    const db = createDataSource(database.url, { poolSize: 1 });
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

  it('every migration is named <timestamp>-<WhatItDoes> and has a down()', () => {
    for (const Migration of migrations) {
      const instance = new Migration();
      expect(instance.name).toMatch(/^[A-Z][A-Za-z]+\d{13}$/);
      expect(typeof instance.down).toBe('function');
    }
  });
});
