import { Client } from 'pg';
import { createLogger } from '../../src/shared/logger';
import { UnitRepository } from '../../src/units/unit.repository';
import { UnitDirectory } from '../../src/units/unit-directory';
import { createDistrictTree, createUnit } from '../support/factories';
import { waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The units kept in memory for the hot reads of a case (src/units/unit-directory.ts). What
 * the policy and the case page rely on: nothing is kept while the units' change notices
 * cannot reach the process, and once they can again the units are read afresh by themselves.
 */
describe('the units kept in memory', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let directory: UnitDirectory;
  const databaseUrl = () => testApp.config.databaseUrl ?? '';

  beforeAll(async () => {
    testApp = await startTestApp();
    tree = await createDistrictTree(testApp.db);
    const units = new UnitRepository(testApp.db);
    directory = new UnitDirectory(() => units.keptUnits());
  });
  afterAll(async () => {
    await directory.stop();
    await testApp.close();
  });

  /** Another process on the same database: a connection of its own. */
  async function elsewhere(sql: string, params: unknown[] = []) {
    const client = new Client({ connectionString: testApp.config.databaseUrl });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  it('keeps nothing until it listens, then every unit with its path', async () => {
    expect(directory.kept()).toBeUndefined();
    await directory.listen(databaseUrl(), createLogger('silent', { pretty: false }), 100);
    const kept = await waitFor('the units to be read', () => directory.kept());
    expect(kept.get(tree.community.id)).toMatchObject({
      id: tree.community.id,
      kind: 'community',
      parentId: tree.street.id,
      active: true,
    });
    expect(kept.get(tree.community.id)?.path.split('.')).toHaveLength(3);
  });

  it('keeps nothing while its listening connection is gone, and reads the units again once it is back', async () => {
    await waitFor('the units to be read', () => directory.kept());
    await elsewhere(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'grand-mediation notices'
         AND datname = current_database()`,
    );
    await waitFor('nothing to be kept', () => directory.kept() === undefined);
    // renamed meanwhile: no notice can reach the process
    await elsewhere(`UPDATE units SET name_en = 'Renamed street' WHERE id = $1`, [tree.street.id]);
    const back = await waitFor('the units to be read again', () => directory.kept());
    expect(back.get(tree.street.id)?.nameEn).toBe('Renamed street');
  });

  it('meeting a unit it does not keep, it reads the table again and keeps answering meanwhile', async () => {
    const before = await waitFor('the units to be read', () => directory.kept());
    const added = await createUnit(testApp.db, { kind: 'community', parentId: tree.street.id });
    expect(before.has(added.id)).toBe(false);
    directory.missed();
    // nothing said the units kept changed: they still answer while the table is read
    expect(directory.kept()).toBe(before);
    const after = await waitFor('the new unit to be kept', () =>
      directory.kept()?.has(added.id) ? directory.kept() : undefined,
    );
    expect(after?.get(added.id)).toMatchObject({ kind: 'community', parentId: tree.street.id });
  });

  it('stops keeping anything when stopped', async () => {
    await waitFor('the units to be read', () => directory.kept());
    await directory.stop();
    expect(directory.kept()).toBeUndefined();
  });

  it('reads the units again shortly when a read fails (a database that did not answer)', async () => {
    const units = new UnitRepository(testApp.db);
    let reads = 0;
    const flaky = new UnitDirectory(() => {
      reads++;
      return reads === 1 ? Promise.reject(new Error('connection refused')) : units.keptUnits();
    });
    try {
      await flaky.listen(databaseUrl(), createLogger('silent', { pretty: false }), 100);
      expect(flaky.kept()).toBeUndefined();
      const kept = await waitFor('the units to be read on the second try', () => flaky.kept());
      expect(kept.has(tree.district.id)).toBe(true);
      expect(reads).toBe(2);
    } finally {
      await flaky.stop();
    }
  });
});
