import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { PartyInput } from '../../src/cases/case.schemas';
import { createI18n } from '../../src/shared/i18n/i18n';
import { type RunningWorker, startWorker } from '../../src/worker';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { sendEvents, testWorkerOptions, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A real HTTP server on loopback standing in for the SMS gateway: it keeps every request it
 * was sent and answers `status`; `stop()` takes it down (connection refused), `start()` brings
 * it back on the same port.
 */
class SmsGatewayPeer {
  readonly received: Array<{ contentType: string | undefined; body: Record<string, unknown> }> = [];
  status = 200;
  port = 0;
  private server: http.Server | undefined;

  async start(port = this.port): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({
          contentType: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.writeHead(this.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: this.status < 300 }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/sms`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

const startAt = new Date('2026-12-03T10:00:00+08:00');
let serial = 0;
const parties = (): PartyInput[] => [
  {
    role: 'applicant',
    kind: 'person',
    name: `张伟${++serial}`,
    idNumber: '310112197808084565',
    phone: '13812345678',
    smsConsent: true,
  },
  { role: 'respondent', kind: 'person', name: `某物业公司${++serial}`, phone: '13900001111' },
];

interface Row {
  id: string;
  attempts: number;
  sent_at: Date | null;
  failed_at: Date | null;
  next_attempt_at: Date | null;
  last_error: string | null;
}

/** Every message ends saying how to stop them (个人信息保护法 §15). */
const stop = '如不愿再收到短信，请告知本单位。';

/** Issue 20: with SMS_URL set, each SMS is POSTed to the gateway, with the mail's retries and backoff. */
describe('SMS notices through an HTTP gateway (SMS_URL set)', () => {
  let testApp: TestApp;
  let gateway: SmsGatewayPeer;
  let worker: RunningWorker;
  let dataDir: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    gateway = await new SmsGatewayPeer().start(0);
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gm-sms-gw-'));
    testApp = await startTestApp({ smsUrl: gateway.url, dataDir }, { startAt });
    // everything the worker logs, kept to check that no phone number is in it
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    worker = await startWorker({
      db: testApp.db,
      config: testApp.config,
      logger: pino({ level: 'trace' }, sink),
      clock: testApp.clock,
      services: testApp.services,
      i18n: await createI18n(testApp.config.defaultLocale),
      options: { ...testWorkerOptions, retry: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 3 } },
    });
  });
  afterAll(async () => {
    await worker.stop();
    await gateway.stop();
    await testApp.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const rowsOf = (caseId: string): Promise<Row[]> =>
    testApp.db.query(
      `SELECT id, attempts, sent_at, failed_at, next_attempt_at, last_error FROM outbox
       WHERE channel = 'sms' AND subject_id = $1 ORDER BY id`,
      [caseId],
    );
  const acceptedCase = async () => {
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const dispute = await createCase(testApp.services, mediator.id, { parties: parties() });
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
    );
    return { tree, dispute };
  };

  it('when a case is accepted, then the gateway receives {to, text, template, params} as JSON for the consenting party only', async () => {
    gateway.status = 200;
    const before = gateway.received.length;
    const { tree, dispute } = await acceptedCase();

    const [row] = await waitFor('the SMS marked sent', async () => {
      const rows = await rowsOf(dispute.id);
      return rows[0]?.sent_at ? rows : null;
    });

    const received = gateway.received.slice(before);
    // the acceptance carries the lookup code ACCEPT issued, and says how to stop the messages (个人信息保护法 §15)
    const code = (received[0]?.body as { params?: { code?: string } })?.params?.code;
    expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    expect(received).toEqual([
      {
        contentType: 'application/json; charset=utf-8',
        body: {
          to: '13812345678',
          text: `【${tree.community.nameZh}】您的纠纷（案号${dispute.number}）已受理。查询码${code}，可在${testApp.config.publicUrl}/track查询进度，请妥善保管。${stop}`,
          template: 'accepted',
          params: { unit: tree.community.nameZh, number: dispute.number, code },
        },
      },
    ]);
    expect(row).toMatchObject({ attempts: 1, failed_at: null });
    expect(JSON.stringify(received)).not.toContain('310112197808084565');
    // nothing written as a file when a gateway is set
    await expect(fs.readdir(path.join(dataDir, 'sms'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('when the gateway answers 500, then each attempt is retried until the last, and the SMS is failed for good', async () => {
    gateway.status = 500;
    const before = gateway.received.length;
    const { dispute } = await acceptedCase();

    const failed = await waitFor('the SMS failed for good', async () => {
      const [row] = await rowsOf(dispute.id);
      return row?.failed_at ? row : null;
    });

    expect(failed).toMatchObject({ attempts: 3, sent_at: null, next_attempt_at: null });
    expect(failed.last_error).toBe('SMS gateway answered 500');
    // every attempt reached the gateway: three requests, the same message
    const received = gateway.received.slice(before);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((request) => JSON.stringify(request.body))).size).toBe(1);
  });

  it('when the gateway is down, then the SMS fails for good, is listed on the outbox admin, and is sent once the admin retries it with the gateway back', async () => {
    await gateway.stop();
    const { tree, dispute } = await acceptedCase();

    const failed = await waitFor('the SMS failed for good', async () => {
      const [row] = await rowsOf(dispute.id);
      return row?.failed_at ? row : null;
    });
    expect(failed).toMatchObject({ attempts: 3, sent_at: null });
    expect(failed.last_error).toBe('SMS gateway unreachable: ECONNREFUSED');

    // the admin over the unit holding the case sees it, its party named by role only (an admin may not see the case)
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const actor = await testApp.services.actors.load(admin.id);
    if (!actor) throw new Error('no admin');
    const overview = await testApp.services.outboxAdmin.overview(actor);
    expect(overview.failed).toEqual([
      expect.objectContaining({
        id: failed.id,
        kind: 'sms.accepted',
        recipient: null,
        email: null,
        partyRole: 'applicant',
        subjectNumber: dispute.number,
      }),
    ]);

    gateway.status = 200;
    await gateway.start();
    const before = gateway.received.length;
    expect(await testApp.services.outboxAdmin.retry(actor, '127.0.0.1', failed.id)).toBe('requeued');
    await waitFor('the SMS sent after the retry', async () => {
      const [row] = await rowsOf(dispute.id);
      return row?.sent_at ? row : null;
    });
    expect(gateway.received.slice(before).map((request) => request.body.to)).toEqual(['13812345678']);

    // each failure was logged, and the phone number never was
    const logged = logLines.join('');
    expect(logged).toContain('SMS failed for good');
    expect(logged).not.toContain('13812345678');
  });
});
