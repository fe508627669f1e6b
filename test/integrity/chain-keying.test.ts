import type { DataSource } from 'typeorm';
import { buildServices, type Services } from '../../src/composition-root';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { AuditKeyMismatchError } from '../../src/integrity/chain-keying.service';
import { CaseEventRecord } from '../../src/workflows/workflow-event.entity';
import { actorNamed, caseInState, send } from '../support/case-steps';
import { TestClock, testConfig } from '../support/test-app';
import { openTestDataSource } from '../support/test-database';

/**
 * The re-keying (issue 17): a database written by the code before the audit key holds
 * unkeyed SHA-256 chains and no digests. At its first start with the key the app re-keys
 * every chain once, in one transaction, and records that it did; a chain already broken
 * is left broken, never laundered into a valid keyed one.
 */
describe('re-keying the audit chains once', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let url: string;
  const clock = new TestClock();
  const servicesWith = (auditKey: Buffer) =>
    buildServices({ db, config: testConfig({ databaseUrl: url, auditKey }), clock });
  const auditKey = Buffer.alloc(32, 21);
  let services: Services;

  beforeAll(async () => {
    ({ db, url, close } = await openTestDataSource());
    await seedDemoOrganisation(db);
    services = servicesWith(auditKey);
    await services.calendarCache.load(); // as the server does before anything counts days
  });
  afterAll(() => close());

  /** Turns the stored chains into what the code before issue 17 wrote: the unkeyed chain, no digest, no record. */
  async function asBeforeTheKey() {
    await db.transaction(async (tx) => {
      for (const [table, owner] of [
        ['case_events', 'case_id'],
        ['petition_events', 'petition_id'],
      ]) {
        await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
        await tx.query(`
          UPDATE ${table} e SET hash = coalesce(e.digest, e.hash), digest = NULL,
            prev_hash = coalesce((SELECT coalesce(p.digest, p.hash) FROM ${table} p WHERE p.${owner} = e.${owner} AND p.seq = e.seq - 1), repeat('0', 64))`);
        await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
      }
      await tx.query('ALTER TABLE audit_chain_keyings DISABLE TRIGGER audit_chain_keyings_append_only');
      await tx.query('DELETE FROM audit_chain_keyings');
      await tx.query('ALTER TABLE audit_chain_keyings ENABLE TRIGGER audit_chain_keyings_append_only');
    });
  }

  it('when the app first starts with the key, then every chain is re-keyed once and recorded, and a chain broken before stays broken', async () => {
    const mediator = await actorNamed(services, db, 'mediator');
    const supervisor = await actorNamed(services, db, 'supervisor');
    const agent = await actorNamed(services, db, 'agent');
    const intact = await caseInState(services, mediator, 'agreement.awaitingFulfilment');
    const tampered = await caseInState(services, mediator, 'mediation.inProgress');
    const petition = await services.petitions.register(agent, {
      subject: '噪声扰民',
      content: '夜间施工噪声。',
      petitioners: [{ kind: 'person', name: '王芳' }],
    });
    await asBeforeTheKey();
    const legacy = await db
      .getRepository(CaseEventRecord)
      .find({ where: { caseId: intact.id }, order: { seq: 'ASC' } });
    expect(legacy.every((event) => event.digest === null)).toBe(true);
    // before the key: someone edits an event without relinking (the unkeyed check would already catch it) …
    await db.transaction(async (tx) => {
      await tx.query('ALTER TABLE case_events DISABLE TRIGGER case_events_append_only');
      await tx.query(
        `UPDATE case_events SET payload = '{"level": "district"}' WHERE case_id = $1 AND seq = 3`,
        [tampered.id],
      );
      await tx.query('ALTER TABLE case_events ENABLE TRIGGER case_events_append_only');
    });
    // … and the new code appends to an unkeyed chain before the re-keying ran (its link keyed, its head unkeyed)
    const appended = await send(services, mediator, intact, { type: 'FULFILLED' });

    const keyed = await services.chainKeying.ensureKeyed();

    expect(keyed).toMatchObject({
      method: 'sha256-chain-to-hmac-sha256',
      keyFingerprint: services.auditKeys.fingerprint,
      caseChains: 2,
      petitionChains: 1,
      broken: [{ kind: 'case', ownerId: tampered.id, firstBrokenSeq: 3 }],
    });
    const [recorded] = await db.query('SELECT * FROM audit_chain_keyings');
    expect(recorded).toMatchObject({ case_chains: 2, petition_chains: 1, events: String(keyed?.events) });
    // the unkeyed hashes are now the digests; the hashes are keyed
    const rekeyed = await db
      .getRepository(CaseEventRecord)
      .find({ where: { caseId: intact.id }, order: { seq: 'ASC' } });
    for (const [index, event] of legacy.entries()) {
      expect(rekeyed[index].digest).toBe(event.hash);
      expect(rekeyed[index].hash).not.toBe(event.hash);
    }
    expect(await services.cases.verify(supervisor, intact.id)).toEqual({
      valid: true,
      events: appended.version + 1,
    });
    expect(await services.cases.verify(supervisor, tampered.id)).toEqual({
      valid: false,
      events: tampered.version + 1,
      firstBrokenSeq: 3,
    });
    expect(await services.petitions.verify(agent, petition.id)).toEqual({ valid: true, events: 1 });
    // and the chain goes on, keyed
    const reopened = await send(services, supervisor, appended, {
      type: 'REOPEN',
      reason: '当事人反映未完全履行。',
    });
    expect(await services.cases.verify(supervisor, intact.id)).toEqual({
      valid: true,
      events: reopened.version + 1,
    });
  });

  it('when the chains were keyed, then a later start does nothing, and a start with another key is refused', async () => {
    await expect(services.chainKeying.ensureKeyed()).resolves.toBeNull();
    await expect(servicesWith(auditKey).chainKeying.ensureKeyed()).resolves.toBeNull();
    const [{ count }] = await db.query('SELECT count(*)::int AS count FROM audit_chain_keyings');
    expect(count).toBe(1);

    const otherStart = servicesWith(Buffer.alloc(32, 22)).chainKeying.ensureKeyed();
    await expect(otherStart).rejects.toBeInstanceOf(AuditKeyMismatchError);
    await expect(servicesWith(Buffer.alloc(32, 22)).chainKeying.ensureKeyed()).rejects.toThrow(
      /^AUDIT_KEY: is not the key the audit chains were keyed with/,
    );
  });

  it('when two processes start at once on unkeyed chains, then one re-keys and the other finds the record', async () => {
    await asBeforeTheKey();
    const [first, second] = await Promise.all([
      servicesWith(auditKey).chainKeying.ensureKeyed(),
      servicesWith(auditKey).chainKeying.ensureKeyed(),
    ]);
    expect([first, second].filter((keyed) => keyed !== null)).toHaveLength(1);
    const [{ count }] = await db.query('SELECT count(*)::int AS count FROM audit_chain_keyings');
    expect(count).toBe(1);
    const supervisor = await actorNamed(services, db, 'supervisor');
    const [{ id }] = await db.query(`SELECT id FROM cases ORDER BY created_at LIMIT 1`);
    expect((await services.cases.verify(supervisor, id)).valid).toBe(true);
  });
});
