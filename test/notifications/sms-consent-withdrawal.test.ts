import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { PartyInput } from '../../src/cases/case.schemas';
import type { RunningWorker } from '../../src/worker';
import { apiToken, Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree, linkCaseToAgent } from '../support/factories';
import { sendEvents, startTestWorker } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 20, 个人信息保护法 第十五条: a party may withdraw consent to SMS notices, conveniently — they
 * tell the unit, whose staff record it — and may consent again later. A withdrawal stops what has
 * not been sent yet (the worker asks again before each message) and does not undo what was sent.
 */

const startAt = new Date('2026-12-03T10:00:00+08:00');

let serial = 0;
const applicant = (fields: Partial<PartyInput> = {}): PartyInput => ({
  role: 'applicant',
  kind: 'person',
  name: `王建国${++serial}`,
  idNumber: '310112199001011233',
  phone: '13812345678',
  smsConsent: true,
  ...fields,
});
const respondent = (fields: Partial<PartyInput> = {}): PartyInput => ({
  role: 'respondent',
  kind: 'person',
  name: `李明${++serial}`,
  ...fields,
});

describe('withdrawing consent to SMS notices (个人信息保护法 第十五条)', () => {
  let testApp: TestApp;
  let worker: RunningWorker;
  let dataDir: string;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let mediatorId: string;
  let token: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gm-sms-consent-'));
    testApp = await startTestApp({ dataDir }, { startAt });
    // only drainNow sends (its loop sleeps an hour): a message the loop took in hand would be
    // skipped by drainNow (leased to the loop) and read by the test before it is written
    worker = await startTestWorker(testApp, { pollIntervalMs: 3_600_000 });
    tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    mediatorId = mediator.id;
    token = await apiToken(testApp.app, mediator.username);
  });
  afterAll(async () => {
    await worker.stop();
    await testApp.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const submitted = async (parties: PartyInput[] = [applicant(), respondent()]) => {
    const dispute = await createCase(testApp.services, mediatorId, { parties });
    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, { type: 'SUBMIT' });
    const rows: Array<{ id: string; role: string }> = await testApp.db.query(
      `SELECT id, role FROM parties WHERE case_id = $1 ORDER BY position`,
      [dispute.id],
    );
    return { dispute, applicantId: rows[0].id, respondentId: rows[1].id };
  };
  const setConsent = (caseId: string, partyId: string, consent: unknown, bearer = token) =>
    request(testApp.app)
      .put(`/api/v1/cases/${caseId}/parties/${partyId}/sms-consent`)
      .set('Authorization', `Bearer ${bearer}`)
      .send({ consent });
  const smsRows = (caseId: string) =>
    testApp.db.query(
      `SELECT id, kind, party_id, sent_at, failed_at, attempts, delivery FROM outbox
       WHERE channel = 'sms' AND subject_id = $1 ORDER BY id`,
      [caseId],
    );
  const fileExists = (id: string) =>
    fs.access(path.join(dataDir, 'sms', `outbox-${id}.json`)).then(
      () => true,
      () => false,
    );

  it('a third party, whom no SMS reaches, has no consent to record: 404, nothing written or audited', async () => {
    const { dispute } = await submitted([
      applicant(),
      respondent(),
      { role: 'third_party', kind: 'person', name: `第三人${Date.now()}`, phone: '13900002222' },
    ]);
    const [third] = await testApp.db.query(
      `SELECT id FROM parties WHERE case_id = $1 AND role = 'third_party'`,
      [dispute.id],
    );
    expect((await setConsent(dispute.id, third.id, true)).status).toBe(404);
    const [party] = await testApp.db.query('SELECT sms_consent FROM parties WHERE id = $1', [third.id]);
    expect(party.sms_consent).toBe(false);
    expect(
      await testApp.db.query(
        `SELECT 1 FROM audit_log WHERE action = 'party.sms_consent_changed' AND target_id = $1`,
        [dispute.id],
      ),
    ).toEqual([]);
  });

  it('when the mediator records the withdrawal, then it is stored with its moment, the consent’s own moment kept, and audited without the phone', async () => {
    const { dispute, applicantId } = await submitted();
    const [before] = await testApp.db.query(`SELECT sms_consent_at FROM parties WHERE id = $1`, [
      applicantId,
    ]);
    testApp.clock.advanceMinutes(60);

    const response = await setConsent(dispute.id, applicantId, false);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      partyId: applicantId,
      smsConsent: false,
      smsConsentAt: before.sms_consent_at.toISOString(),
      smsConsentWithdrawnAt: expect.any(String),
    });
    expect(new Date(response.body.smsConsentWithdrawnAt).getTime()).toBeGreaterThanOrEqual(
      before.sms_consent_at.getTime() + 60 * 60 * 1000,
    );
    const [party] = await testApp.db.query(
      `SELECT sms_consent, sms_consent_at, sms_consent_withdrawn_at FROM parties WHERE id = $1`,
      [applicantId],
    );
    expect(party.sms_consent).toBe(false);
    expect(party.sms_consent_at).toEqual(before.sms_consent_at);
    expect(party.sms_consent_withdrawn_at.getTime()).toBeGreaterThan(before.sms_consent_at.getTime());
    const audit = await testApp.db.query(
      `SELECT target_type, target_id, details::text AS details FROM audit_log
       WHERE action = 'party.sms_consent_changed' AND target_id = $1`,
      [dispute.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target_type: 'case', target_id: dispute.id });
    expect(JSON.parse(audit[0].details)).toEqual({ partyId: applicantId, consent: false });
    expect(audit[0].details).not.toContain('13812345678');
  });

  it('when consent is withdrawn after a message was queued but before it was sent, then the worker does not send it: marked no_consent, not a failure, listed apart on /admin/outbox', async () => {
    const { dispute, applicantId } = await submitted();
    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'ACCEPT',
      track: 'people',
      level: 'community',
    });
    const [queued] = await smsRows(dispute.id);
    expect(queued).toMatchObject({ kind: 'sms.accepted', sent_at: null, party_id: applicantId });

    expect((await setConsent(dispute.id, applicantId, false)).status).toBe(200);
    await worker.drainNow();

    const [row] = await smsRows(dispute.id);
    expect(row).toMatchObject({ delivery: 'no_consent', failed_at: null, attempts: 0 });
    expect(row.sent_at).not.toBeNull();
    expect(await fileExists(row.id)).toBe(false);

    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    const browser = new Browser(testApp.app);
    await browser.signIn(admin.username);
    const page = await browser.get('/admin/outbox');
    expect(page.status).toBe(200);
    const withheld = page.text.slice(page.text.indexOf('id="withheld"'));
    expect(withheld).toContain(`<code>${row.id}</code>`);
    expect(withheld).toContain(dispute.number);
    // an admin may not see the case: the party by its role only, neither name nor number
    expect(withheld).toContain('申请人');
    expect(withheld).not.toContain('138****5678');
    expect(withheld).not.toContain('13812345678');
    // not among the failures
    expect(page.text.slice(0, page.text.indexOf('id="withheld"'))).not.toContain(`<code>${row.id}</code>`);
  });

  it('when consent was withdrawn, then later events queue no message for that party; consent given again, the next message goes out', async () => {
    const { dispute, applicantId } = await submitted();
    await setConsent(dispute.id, applicantId, false);

    await sendEvents(
      testApp.services,
      testApp.db,
      mediatorId,
      dispute.id,
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId },
    );
    expect(await smsRows(dispute.id)).toEqual([]);

    testApp.clock.advanceMinutes(60);
    const again = await setConsent(dispute.id, applicantId, true);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ smsConsent: true, smsConsentWithdrawnAt: null });
    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'SCHEDULE_SESSION',
      at: '2026-12-08T14:30:00+08:00',
      place: '莘松居委调解室',
    });
    await worker.drainNow();

    const rows = await smsRows(dispute.id);
    expect(rows.map((row: { kind: string; delivery: string }) => [row.kind, row.delivery])).toEqual([
      ['sms.session_scheduled', 'sms'],
    ]);
    expect(await fileExists(rows[0].id)).toBe(true);
  });

  it('when consent is recorded for a party with no phone, then 422 names `consent` in the caller’s language and nothing changes', async () => {
    const { dispute, respondentId } = await submitted();

    const response = await request(testApp.app)
      .put(`/api/v1/cases/${dispute.id}/parties/${respondentId}/sms-consent`)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', 'en')
      .send({ consent: true });

    expect(response.status).toBe(422);
    expect(response.body.error.details).toEqual([
      {
        field: 'consent',
        message: 'Consent to SMS notices needs a mobile number (a landline cannot receive texts)',
      },
    ]);
    const [party] = await testApp.db.query(`SELECT sms_consent FROM parties WHERE id = $1`, [respondentId]);
    expect(party.sms_consent).toBe(false);
  });

  it('when the body is not a boolean, then 400 names `consent`', async () => {
    const { dispute, applicantId } = await submitted();

    const response = await setConsent(dispute.id, applicantId, 'yes');

    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toEqual(['consent']);
  });

  it('when staff who may not act on the case try, then they are refused as the policy says (another unit: 404; the agent of a linked petition, who sees it: 403), and a party of another case is 404', async () => {
    const { dispute, applicantId } = await submitted();
    const other = await submitted();
    const stranger = await createUser(testApp.db, { role: 'mediator', unitId: tree.farCommunity.id });
    const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id });
    await linkCaseToAgent(testApp.services, testApp.db, dispute.id, agent.id);

    expect(
      (await setConsent(dispute.id, applicantId, false, await apiToken(testApp.app, stranger.username)))
        .status,
    ).toBe(404);
    expect(
      (await setConsent(dispute.id, applicantId, false, await apiToken(testApp.app, agent.username))).status,
    ).toBe(403);
    expect((await setConsent(dispute.id, other.applicantId, false)).status).toBe(404);
    const [party] = await testApp.db.query(`SELECT sms_consent FROM parties WHERE id = $1`, [applicantId]);
    expect(party.sms_consent).toBe(true);
  });

  it('when the case page is opened, then its SMS panel shows each party’s consent and the button to record a withdrawal; pressed, the panel shows it withdrawn and offers consent again', async () => {
    const { dispute } = await submitted();
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const browser = new Browser(testApp.app);
    await browser.signIn(mediator.username);

    const page = await browser.get(`/cases/${dispute.id}`);
    expect(page.status).toBe(200);
    const panel = page.text.slice(page.text.indexOf('id="sms-consent"'));
    expect(panel).toContain('已同意（');
    expect(panel).toContain('未同意');
    expect(panel).toContain('记录撤回同意');
    // the respondent has no phone: no button, but why
    expect(panel).toContain('同意接收短信须有手机号码（座机收不到短信）');

    const [{ id: applicantId }] = await testApp.db.query(
      `SELECT id FROM parties WHERE case_id = $1 AND role = 'applicant'`,
      [dispute.id],
    );
    const pressed = await browser.post(`/cases/${dispute.id}/parties/${applicantId}/sms-consent`, {
      consent: 'false',
    });
    expect(pressed.status).toBe(303);
    expect(pressed.headers.location).toBe(`/cases/${dispute.id}#sms-consent`);

    const after = await browser.get(`/cases/${dispute.id}`);
    const panelAfter = after.text.slice(after.text.indexOf('id="sms-consent"'));
    expect(panelAfter).toContain('已撤回（');
    expect(panelAfter).toContain('记录同意接收');
  });

  describe('a petitioner’s consent', () => {
    it('when the agent who follows the petition records the petitioner’s withdrawal, then the petitioner hears nothing more', async () => {
      const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id });
      const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
      const agentToken = await apiToken(testApp.app, agent.username);
      const supervisorToken = await apiToken(testApp.app, supervisor.username);
      const registered = await request(testApp.app)
        .post('/api/v1/petitions')
        .set('Authorization', `Bearer ${agentToken}`)
        .send({
          subject: `小区停车收费争议${++serial}`,
          content: '业主对停车收费标准有异议。',
          petitioners: [{ kind: 'person', name: `孙丽${serial}`, phone: '13812345678', smsConsent: true }],
        });
      expect(registered.status).toBe(201);
      const [{ id: petitionerId }] = await testApp.db.query(`SELECT id FROM parties WHERE petition_id = $1`, [
        registered.body.id,
      ]);

      const withdrawn = await request(testApp.app)
        .put(`/api/v1/petitions/${registered.body.id}/petitioners/${petitionerId}/sms-consent`)
        .set('Authorization', `Bearer ${agentToken}`)
        .send({ consent: false });
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.smsConsent).toBe(false);

      const accepted = await request(testApp.app)
        .post(`/api/v1/petitions/${registered.body.id}/events`)
        .set('Authorization', `Bearer ${supervisorToken}`)
        .send({ type: 'ACCEPT', expectedVersion: registered.body.version });
      expect(accepted.status).toBe(200);
      const rows = await testApp.db.query(`SELECT id FROM outbox WHERE channel = 'sms' AND subject_id = $1`, [
        registered.body.id,
      ]);
      expect(rows).toEqual([]);
      const [audit] = await testApp.db.query(
        `SELECT target_type FROM audit_log WHERE action = 'party.sms_consent_changed' AND target_id = $1`,
        [registered.body.id],
      );
      expect(audit.target_type).toBe('petition');

      // the petition page shows it, with the button to record consent given again
      const browser = new Browser(testApp.app);
      await browser.signIn(agent.username);
      const page = await browser.get(`/petitions/${registered.body.id}`);
      const panel = page.text.slice(page.text.indexOf('id="sms-consent"'));
      expect(panel).toContain(`孙丽${serial}`);
      expect(panel).toContain('已撤回（');
      expect(panel).toContain(`/petitions/${registered.body.id}/petitioners/${petitionerId}/sms-consent`);
      expect(panel).toContain('记录同意接收');
    });
  });
});
