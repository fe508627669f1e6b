import net from 'node:net';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, sendEvents, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/** A "mail server" that takes connections and never says a word: a send to it hangs. */
async function silentServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('stopping the worker while a mail server hangs', () => {
  let testApp: TestApp;
  let silent: Awaited<ReturnType<typeof silentServer>>;

  beforeAll(async () => {
    silent = await silentServer();
    testApp = await startTestApp({ smtpUrl: silent.url });
  });
  afterAll(async () => {
    await silent.close();
    await testApp.close();
  });

  it('past its grace period, then the send in hand is cut off and counted as a failed attempt, to be retried by whoever runs next', async () => {
    const worker = await startTestWorker(testApp);
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const dispute = await createCase(testApp.services, mediator.id);
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId: mediator.id },
    );
    await waitFor('the worker to be talking to the mail server', () => silent.connections() > 0);

    await worker.stop({ graceMs: 1000 });

    const [row] = await testApp.db.query(
      `SELECT attempts, last_error, sent_at, failed_at, next_attempt_at FROM outbox
       WHERE subject_id = $1 AND kind = 'case.assigned'`,
      [dispute.id],
    );
    expect(row).toMatchObject({ attempts: 1, sent_at: null, failed_at: null });
    expect(row.last_error).toMatch(/abort/i);
    expect(row.next_attempt_at).not.toBeNull();
  });
});

describe('stopping the worker while a slow mail server takes its time to accept a mail', () => {
  let testApp: TestApp;
  let slow: SmtpPeer;

  beforeAll(async () => {
    slow = await new SmtpPeer({ answerDelayMs: 3000 }).start(0);
    testApp = await startTestApp({ smtpUrl: slow.url });
  });
  afterAll(async () => {
    await slow.stop();
    await testApp.close();
  });

  it('then the mail in flight finishes and is recorded as sent: it is not sent a second time', async () => {
    const worker = await startTestWorker(testApp);
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const dispute = await createCase(testApp.services, mediator.id);
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId: mediator.id },
    );
    await waitFor('the mail server to have the mail', () => slow.received.length > 0);

    await worker.stop(); // while the server has yet to say "250 OK"

    const [row] = await testApp.db.query(
      `SELECT attempts, last_error, sent_at, failed_at, next_attempt_at FROM outbox
       WHERE subject_id = $1 AND kind = 'case.assigned'`,
      [dispute.id],
    );
    expect(row).toMatchObject({ attempts: 1, last_error: null, failed_at: null, next_attempt_at: null });
    expect(row.sent_at).not.toBeNull();
    expect(slow.to(mediator.email as string)).toHaveLength(1);
  });
});
