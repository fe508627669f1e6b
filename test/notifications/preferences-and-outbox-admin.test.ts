import type { RunningWorker } from '../../src/worker';
import { Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, sendEvents, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

describe('notification settings and undelivered mail', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    testApp = await startTestApp({ smtpUrl: smtp.url });
    // few tries, so that a mail fails for good quickly while the server is down
    worker = await startTestWorker(testApp, { retry: { baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 3 } });
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  async function assignedCase(supervisorId: string, mediatorId: string) {
    const dispute = await createCase(testApp.services, mediatorId);
    await sendEvents(
      testApp.services,
      testApp.db,
      mediatorId,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
    );
    await sendEvents(testApp.services, testApp.db, supervisorId, dispute.id, { type: 'ASSIGN', mediatorId });
    return dispute;
  }

  it('a signed-in user turns a kind off on /account/notifications, and then hears nothing of it; overdue notices cannot be turned off', async () => {
    const tree = await createDistrictTree(testApp.db);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.community.id });
    const mediator = await createUser(testApp.db, {
      role: 'mediator',
      unitId: tree.community.id,
      locale: 'en',
    });
    const browser = new Browser(testApp.app);
    await browser.signIn(mediator.username);

    const page = await browser.get('/account/notifications');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Notification settings');
    expect(page.text).toMatch(
      /<select id="field-deadline.overdue" name="deadline.overdue"[^>]*>(?:(?!<\/select>)[\s\S])*<\/select>/,
    );
    const overdueSelect = page.text.match(/name="deadline\.overdue"[\s\S]*?<\/select>/)?.[0] ?? '';
    expect(overdueSelect).not.toContain('value="off"');

    const refused = await browser.post('/account/notifications', { 'deadline.overdue': 'off' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('This notice cannot be turned off.');

    const withoutToken = await browser.agent
      .post('/account/notifications')
      .type('form')
      .send({ 'case.assigned': 'off' });
    expect(withoutToken.status).toBe(403);

    const saved = await browser.post('/account/notifications', { 'case.assigned': 'off' });
    expect(saved.status).toBe(303);
    expect((await browser.get('/account/notifications')).text).toMatch(
      /name="case\.assigned"[\s\S]*?<option value="off" selected>/,
    );

    const dispute = await assignedCase(supervisor.id, mediator.id);
    const [row] = await waitFor('the assignment notice handled', async () => {
      const rows = await testApp.db.query(
        `SELECT delivery, sent_at FROM outbox WHERE subject_id = $1 AND kind = 'case.assigned'`,
        [dispute.id],
      );
      return rows[0]?.sent_at ? rows : null;
    });
    expect(row.delivery).toBe('none');
    expect(smtp.to(mediator.email as string)).toHaveLength(0);
  });

  it('a mail that fails for good is listed on /admin/outbox with its error; the admin’s retry (CSRF-protected, audited) sends it', async () => {
    const tree = await createDistrictTree(testApp.db);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.community.id });
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const outsider = await createUser(testApp.db, {
      role: 'admin',
      unitId: (await createDistrictTree(testApp.db)).district.id,
    });

    await smtp.stop();
    const dispute = await assignedCase(supervisor.id, mediator.id);
    const [failed] = await waitFor('the mail to fail for good', async () => {
      const rows = await testApp.db.query(
        `SELECT id, attempts, last_error, failed_at FROM outbox WHERE subject_id = $1 AND kind = 'case.assigned'`,
        [dispute.id],
      );
      return rows[0]?.failed_at ? rows : null;
    });
    expect(failed.attempts).toBe(3);

    const browser = new Browser(testApp.app);
    await browser.signIn(admin.username);
    const page = await browser.get('/admin/outbox');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<code>${failed.id}</code>`);
    expect(page.text).toContain(dispute.number);
    expect(page.text).toMatch(/ECONNREFUSED|connect/i);
    expect(page.text).toContain('action="/admin/outbox/retry"');

    // another district's administrator does not see it, nor may retry it
    const other = new Browser(testApp.app);
    await other.signIn(outsider.username);
    expect((await other.get('/admin/outbox')).text).not.toContain(`<code>${failed.id}</code>`);
    expect((await other.post('/admin/outbox/retry', { id: failed.id })).status).toBe(404);
    // nor does a mediator reach the page
    const mediatorBrowser = new Browser(testApp.app);
    await mediatorBrowser.signIn(mediator.username);
    expect((await mediatorBrowser.get('/admin/outbox')).status).toBe(403);

    const forged = await browser.agent.post('/admin/outbox/retry').type('form').send({ id: failed.id });
    expect(forged.status).toBe(403);

    await smtp.start();
    const retried = await browser.post('/admin/outbox/retry', { id: failed.id });
    expect(retried.status).toBe(303);
    expect(retried.headers.location).toBe('/admin/outbox?retried=1');
    await waitFor('the mail to be delivered', () => smtp.to(mediator.email as string)[0]);

    const [audit] = await testApp.db.query(
      `SELECT actor_username, target_id, details FROM audit_log WHERE action = 'outbox.retried'`,
    );
    expect(audit).toMatchObject({ actor_username: admin.username, target_id: failed.id });
    expect((await browser.post('/admin/outbox/retry', { id: failed.id })).headers.location).toBe(
      '/admin/outbox?notFailed=1',
    );
  });
});
