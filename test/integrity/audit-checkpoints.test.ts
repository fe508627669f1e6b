import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { replayCheckpoints } from '../../src/integrity/audit-checkpoint';
import { checkpointFileOf } from '../../src/integrity/audit-checkpoint.service';
import { queues } from '../../src/shared/jobs/job-queue';
import type { RunningWorker } from '../../src/worker';
import { apiToken, Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Signed checkpoints (issue 17) as the worker and the supervisors make them: the daily
 * job signs one, the file under DATA_DIR gets it, the district's supervisors get it by
 * mail in their language; a supervisor signs one on request from the chain-check page.
 */
describe('signed checkpoints of the audit chains', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;
  let dataDir: string;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let districtSupervisor: Awaited<ReturnType<typeof createUser>>;
  let streetSupervisor: Awaited<ReturnType<typeof createUser>>;
  let mediatorId: string;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-checkpoints-'));
    testApp = await startTestApp({ smtpUrl: smtp.url, dataDir });
    worker = await startTestWorker(testApp);
    tree = await createDistrictTree(testApp.db);
    districtSupervisor = await createUser(testApp.db, {
      role: 'supervisor',
      unitId: tree.district.id,
      locale: 'en',
      displayName: 'Wang Min',
    });
    streetSupervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    mediatorId = (await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })).id;
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const checkpointCount = async () =>
    (await testApp.db.query('SELECT count(*)::int AS count FROM audit_checkpoints'))[0].count as number;

  it('when the scheduled job runs, then a checkpoint is signed, appended to the file, and mailed to the district’s supervisors in their language', async () => {
    await createCase(testApp.services, mediatorId);

    await testApp.services.jobs.boss.send(queues.auditCheckpoint.name, {});

    const [row] = await waitFor('the checkpoint', async () => {
      const rows = await testApp.db.query('SELECT number, reason, root, signature FROM audit_checkpoints');
      return rows.length > 0 ? rows : null;
    });
    expect(row).toMatchObject({ number: '1', reason: 'scheduled' });
    const mail = await waitFor('the checkpoint mail', () => smtp.to(districtSupervisor.email as string)[0]);
    expect(mail.subject).toBe('Audit checkpoint 1 signed');
    expect(mail.text).toContain('Hello Wang Min,');
    expect(mail.text).toContain(`Root: ${row.root}`);
    expect(mail.text).toContain(`Signature: ${row.signature}`);
    expect(mail.text).toContain(`Public key: ${testApp.services.auditKeys.publicKeyText}`);
    expect(mail.text).toContain('http://mediation.test/supervision/verify');
    // the street's supervisor is not the district's: the nearest supervisors over the district hear of it
    await worker.drainNow();
    expect(smtp.to(streetSupervisor.email as string)).toHaveLength(0);

    const file = checkpointFileOf(dataDir);
    const replay = replayCheckpoints(
      fs.readFileSync(file, 'utf8').split('\n'),
      testApp.services.auditKeys.publicKey,
    );
    expect(replay).toMatchObject({ checkpoints: 1, problems: [] });
  });

  it('when nothing moved since the last checkpoint, then the scheduled one is signed but not mailed; one asked for always is', async () => {
    const before = await checkpointCount();
    const mailsBefore = smtp.received.length;
    await testApp.services.checkpoints.sign({ reason: 'scheduled' });
    await worker.drainNow();
    expect(await checkpointCount()).toBe(before + 1);
    expect(smtp.received.length).toBe(mailsBefore);

    const token = await apiToken(testApp.app, districtSupervisor.username);
    const asked = await request(testApp.app)
      .post('/api/v1/audit/checkpoints')
      .set('Authorization', `Bearer ${token}`)
      .send({});
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ number: before + 2, reason: 'requested', changed: 0 });
    await waitFor('the requested checkpoint’s mail', () =>
      smtp
        .to(districtSupervisor.email as string)
        .find((mail) => mail.subject === `Audit checkpoint ${before + 2} signed`),
    );
    const refused = await request(testApp.app)
      .post('/api/v1/audit/checkpoints')
      .set('Authorization', `Bearer ${token}`)
      .send({ number: 99 });
    expect(refused.status).toBe(400);
    expect(await checkpointCount()).toBe(before + 2);
  });

  it('when the file lost lines, or is gone, then the next export writes back what the database holds, in order', async () => {
    const file = checkpointFileOf(dataDir);
    const all = fs.readFileSync(file, 'utf8');
    const [first] = all.split('\n');
    fs.writeFileSync(file, `${first}\n`);
    await expect(testApp.services.checkpoints.exportToFile()).resolves.toBe((await checkpointCount()) - 1);
    expect(fs.readFileSync(file, 'utf8')).toBe(all);

    fs.rmSync(file);
    await testApp.services.checkpoints.exportToFile();
    expect(fs.readFileSync(file, 'utf8')).toBe(all);
    expect(replayCheckpoints(all.split('\n'), testApp.services.auditKeys.publicKey).problems).toEqual([]);
  });

  it('a supervisor signs one from the chain-check page, which shows the public key and the latest checkpoint', async () => {
    const browser = new Browser(testApp.app);
    await browser.signIn(streetSupervisor.username);
    const page = await browser.get('/supervision/verify');
    expect(page.text).toContain(testApp.services.auditKeys.publicKeyText.replaceAll('=', '&#x3D;'));
    const number = (await checkpointCount()) + 1;

    const signed = await browser.post('/supervision/checkpoints');

    expect(signed.status).toBe(303);
    expect(signed.headers.location).toBe(`/supervision/verify?signed=${number}`);
    const after = await browser.get(signed.headers.location);
    expect(after.text).toContain(`第 ${number} 号检查点已签署`);
    expect(after.text).toContain(`最近一次：第 ${number} 号检查点`);
    const [entry] = await testApp.db.query(
      `SELECT actor_username, target_id FROM audit_log WHERE action = 'audit.checkpoint_signed' ORDER BY at DESC LIMIT 1`,
    );
    expect(entry).toEqual({ actor_username: streetSupervisor.username, target_id: String(number) });
  });
});
