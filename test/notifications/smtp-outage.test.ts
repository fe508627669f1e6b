import type { RunningWorker } from '../../src/worker';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, sendEvents, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

interface Row {
  id: string;
  attempts: number;
  sent_at: Date | null;
  failed_at: Date | null;
  message_id: string | null;
  last_error: string | null;
}

/** Issue 7: at-least-once delivery with backoff, and no duplicates, across an SMTP outage. */
describe('when the SMTP server is down for a while', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;

  beforeAll(async () => {
    // take a free port for the mail server, then leave it down
    smtp = await new SmtpPeer().start(0);
    await smtp.stop();
    testApp = await startTestApp({ smtpUrl: smtp.url });
    worker = await startTestWorker(testApp, {
      retry: { baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 1000 },
    });
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  const rows = (ids: string[]): Promise<Row[]> =>
    testApp.db.query(
      `SELECT id, attempts, sent_at, failed_at, message_id, last_error FROM outbox
       WHERE kind = 'case.assigned' AND subject_id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    );

  it('then the mails queue, and once it is back each is delivered exactly once', async () => {
    const tree = await createDistrictTree(testApp.db);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.community.id });
    const mediators = await Promise.all(
      [1, 2, 3, 4].map(() => createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })),
    );
    const caseIds: string[] = [];
    for (const mediator of mediators) {
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
      caseIds.push(dispute.id);
    }

    // down: every mail is tried, fails, and is tried again later (backoff); none is lost or given up
    const failing = await waitFor('every mail to have failed at least twice', async () => {
      const current = await rows(caseIds);
      return current.length === 4 && current.every((row) => row.attempts >= 2) ? current : null;
    });
    expect(failing.every((row) => row.sent_at === null && row.failed_at === null)).toBe(true);
    expect(failing[0].last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(smtp.received).toHaveLength(0);

    // back on the same port
    await smtp.start();
    const delivered = await waitFor('every mail to be delivered', async () => {
      const current = await rows(caseIds);
      return current.every((row) => row.sent_at !== null) ? current : null;
    });
    await worker.stop(); // nothing is in flight any more: what arrived is all that will arrive

    expect(smtp.received).toHaveLength(4);
    const receivedIds = smtp.received.map((mail) => mail.messageId).sort();
    expect(new Set(receivedIds).size).toBe(4);
    expect(receivedIds).toEqual(delivered.map((row) => row.message_id).sort());
    for (const mediator of mediators) expect(smtp.to(mediator.email as string)).toHaveLength(1);
    expect(delivered.every((row) => row.attempts >= 3 && row.failed_at === null)).toBe(true);
  });
});
