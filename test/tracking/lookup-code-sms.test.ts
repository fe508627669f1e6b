import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { RunningWorker } from '../../src/worker';
import { apiToken, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { sendEvents, startTestWorker } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 20: the acceptance SMS to a consenting party carries the lookup code issued by the same
 * ACCEPT — the one the API answers once — and while it waits in the outbox the code is sealed
 * with DATA_KEY: no table holds it in clear.
 */
describe('the lookup code in the acceptance SMS', () => {
  let testApp: TestApp;
  let worker: RunningWorker;
  let dataDir: string;
  let token: string;
  let mediatorId: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gm-lookup-sms-'));
    testApp = await startTestApp({ dataDir }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    // only drainNow sends (its loop sleeps an hour): a message the loop took in hand would be
    // skipped by drainNow (leased to the loop) and read by the test before it is written
    worker = await startTestWorker(testApp, { pollIntervalMs: 3_600_000 });
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    mediatorId = mediator.id;
    token = await apiToken(testApp.app, mediator.username);
  });
  afterAll(async () => {
    await worker.stop();
    await testApp.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('the consenting applicant’s acceptance SMS carries the code ACCEPT answered, which finds the case on /track; the outbox keeps it only sealed', async () => {
    const dispute = await createCase(testApp.services, mediatorId, {
      parties: [
        { role: 'applicant', kind: 'person', name: '陈秀英', phone: '13812345678', smsConsent: true },
        { role: 'respondent', kind: 'person', name: '赵立新' },
      ],
    });
    const submitted = await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'SUBMIT',
    });
    const accepted = await request(testApp.app)
      .post(`/api/v1/cases/${dispute.id}/events`)
      .set('Authorization', `Bearer ${token}`)
      .send({ type: 'ACCEPT', expectedVersion: submitted.version, track: 'people', level: 'community' });
    expect(accepted.status).toBe(200);
    const code: string = accepted.body.lookupCode;
    expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);

    // waiting in the outbox: sealed, nowhere in clear (with or without its dash)
    const bare = code.replace('-', '');
    const [waiting] = await testApp.db.query(
      `SELECT payload::text AS payload FROM outbox WHERE channel = 'sms' AND subject_id = $1`,
      [dispute.id],
    );
    expect(waiting.payload).toContain('codeSealed');
    expect(waiting.payload).not.toContain(code);
    expect(waiting.payload).not.toContain(bare);

    await worker.drainNow();
    const [sent] = await testApp.db.query(
      `SELECT id, kind, payload::text AS payload FROM outbox WHERE channel = 'sms' AND subject_id = $1`,
      [dispute.id],
    );
    expect(sent.kind).toBe('sms.accepted');
    expect(sent.payload).not.toContain(bare);
    const message = JSON.parse(
      await fs.readFile(path.join(dataDir, 'sms', `outbox-${sent.id}.json`), 'utf8'),
    );
    expect(message.text).toContain(code);
    expect(message.text).toContain('/track');
    expect(message.params.code).toBe(code);
    expect(message.params.codeSealed).toBeUndefined();

    const tracked = await request(testApp.app).post('/api/v1/track').send({ number: dispute.number, code });
    expect(tracked.status).toBe(200);
    expect(tracked.body.number).toBe(dispute.number);
  });
});
