import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createI18n } from '../../src/shared/i18n/i18n';
import { createLogger } from '../../src/shared/logger';
import type { RunningWorker } from '../../src/worker';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { sendEvents, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the background worker in operation (no SMTP_URL: demo mode)', () => {
  let testApp: TestApp;
  let worker: RunningWorker;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-mail-'));
    testApp = await startTestApp({ dataDir, smtpUrl: undefined });
    worker = await startTestWorker(testApp);
  });
  afterAll(async () => {
    await worker.stop();
    await testApp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('then each mail is an .eml file under $DATA_DIR/mail, named after its Message-ID', async () => {
    expect(worker.mailer).toBe('files');
    const tree = await createDistrictTree(testApp.db);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.community.id });
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const dispute = await createCase(testApp.services, mediator.id);
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
    );
    await sendEvents(testApp.services, testApp.db, supervisor.id, dispute.id, {
      type: 'ASSIGN',
      mediatorId: mediator.id,
    });

    const [row] = await waitFor('the notice to be sent', async () => {
      const rows = await testApp.db.query(
        `SELECT id, message_id FROM outbox WHERE subject_id = $1 AND kind = 'case.assigned' AND sent_at IS NOT NULL`,
        [dispute.id],
      );
      return rows.length ? rows : null;
    });
    const file = path.join(dataDir, 'mail', `outbox-${row.id}.eml`);
    const mail = await simpleParser(fs.readFileSync(file));
    expect(mail.messageId).toBe(row.message_id);
    expect(mail.subject).toBe(`【${dispute.number}】案件已分派给您：${dispute.title}`);
    expect(mail.text).toContain(`http://mediation.test/cases/${dispute.id}`);
    expect(fs.readdirSync(path.join(dataDir, 'mail')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('then GET /readyz reports the worker: ready while it runs, not ready once it has stopped', async () => {
    const app = createApp({
      config: testApp.config,
      db: testApp.db,
      logger: createLogger('silent', { pretty: false }),
      i18n: await createI18n(testApp.config.defaultLocale),
      services: testApp.services,
      clock: testApp.clock,
      readinessChecks: { worker: () => worker.readiness() },
    });

    const running = await request(app).get('/readyz');
    expect(running.status).toBe(200);
    expect(running.body.checks.worker).toBe('running (mail: files)');

    await worker.stop();
    const stopped = await request(app).get('/readyz');
    expect(stopped.status).toBe(503);
    expect(stopped.body.checks.worker).toBe('failing: worker stopped');
  });
});
