import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { PartyInput } from '../../src/cases/case.schemas';
import type { RunningWorker } from '../../src/worker';
import { apiToken, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { sendEvents, startTestWorker } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 20: parties who consented at intake (个人信息保护法 §14) hear of their case by SMS,
 * through the outbox; with SMS_URL unset each message is a JSON file under $DATA_DIR/sms.
 */

const startAt = new Date('2026-12-03T10:00:00+08:00');
const idNumbers = ['310112198503152015', '310112199001011233'];
/** Every message ends saying how to stop them (个人信息保护法 §15). */
const stop = '如不愿再收到短信，请告知本单位。';
/** Any run of 15 or 18 ID characters: an SMS may carry none (个人信息保护法). */
const anyIdNumber = /\d{17}[\dXx]|\d{15}/;

interface SmsFile {
  to: string;
  text: string;
  template: string;
  params: Record<string, string>;
}

/** Parties named afresh for each case (one forum per dispute refuses the same parties twice). */
let serial = 0;
const applicant = (fields: Partial<PartyInput> = {}): PartyInput => ({
  role: 'applicant',
  kind: 'person',
  name: `王建国${++serial}`,
  phone: '13812345678',
  smsConsent: true,
  ...fields,
});
const respondent = (fields: Partial<PartyInput> = {}): PartyInput => ({
  role: 'respondent',
  kind: 'person',
  name: `李明${++serial}`,
  phone: '13900001111',
  ...fields,
});

describe('SMS notices to parties, written as JSON files (SMS_URL unset)', () => {
  let testApp: TestApp;
  let worker: RunningWorker;
  let dataDir: string;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let mediatorId: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gm-sms-'));
    testApp = await startTestApp({ dataDir }, { startAt });
    // only drainNow sends (its loop sleeps an hour): a message the loop took in hand would be
    // skipped by drainNow (leased to the loop) and read by the test before it is written
    worker = await startTestWorker(testApp, { pollIntervalMs: 3_600_000 });
    tree = await createDistrictTree(testApp.db);
    mediatorId = (await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })).id;
  });
  afterAll(async () => {
    await worker.stop();
    await testApp.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const smsRows = (caseId: string) =>
    testApp.db.query(
      `SELECT id, kind, party_id, phone_encrypted, sent_at, sent_to, delivery FROM outbox
       WHERE channel = 'sms' AND subject_id = $1 ORDER BY id`,
      [caseId],
    );
  /** Every message of the case, once the worker has sent everything due. */
  const messagesOf = async (caseId: string): Promise<SmsFile[]> => {
    await worker.drainNow();
    const rows: Array<{ id: string }> = await smsRows(caseId);
    return Promise.all(
      rows.map(async (row) =>
        JSON.parse(await fs.readFile(path.join(dataDir, 'sms', `outbox-${row.id}.json`), 'utf8')),
      ),
    );
  };
  const registerAndAccept = async (parties: PartyInput[]) => {
    const dispute = await createCase(testApp.services, mediatorId, { parties });
    await sendEvents(
      testApp.services,
      testApp.db,
      mediatorId,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
    );
    return dispute;
  };

  it('when a case is accepted, then the consenting applicant gets one message naming the unit and the case, and the respondent who did not consent gets none', async () => {
    const dispute = await registerAndAccept([applicant(), respondent()]);

    const messages = await messagesOf(dispute.id);

    // the acceptance carries the party's lookup code, issued by the same ACCEPT (issue 20)
    const code = messages[0]?.params.code;
    expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    expect(messages).toEqual([
      {
        to: '13812345678',
        text: `【${tree.community.nameZh}】您的纠纷（案号${dispute.number}）已受理。查询码${code}，可在${testApp.config.publicUrl}/track查询进度，请妥善保管。${stop}`,
        template: 'accepted',
        params: { unit: tree.community.nameZh, number: dispute.number, code },
      },
    ]);
    const [row] = await smsRows(dispute.id);
    // the file holds a phone number and a lookup code: readable by the app's user only
    const file = await fs.stat(path.join(dataDir, 'sms', `outbox-${row.id}.json`));
    expect(file.mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(dataDir, 'sms'))).mode & 0o777).toBe(0o700);
    // the number is stored encrypted, and masked once sent; never in the clear
    expect(row).toMatchObject({ kind: 'sms.accepted', delivery: 'sms', sent_to: '138****5678' });
    expect(row.phone_encrypted).not.toContain('13812345678');
    const [party] = await testApp.db.query(
      `SELECT id, sms_consent, sms_consent_at FROM parties WHERE case_id = $1 AND role = 'applicant'`,
      [dispute.id],
    );
    expect(row.party_id).toBe(party.id);
    // the moment consent was given is kept (个人信息保护法 §14): the registration's
    expect(party.sms_consent).toBe(true);
    expect(party.sms_consent_at.getTime()).toBeGreaterThanOrEqual(startAt.getTime());
  });

  it('when parties hear of their case, then no message carries an ID number, in its text or its params', async () => {
    const dispute = await registerAndAccept([
      applicant({ idNumber: idNumbers[0] }),
      respondent({ idNumber: idNumbers[1], smsConsent: true }),
    ]);

    const messages = await messagesOf(dispute.id);

    expect(messages.map((message) => message.to).sort()).toEqual(['13812345678', '13900001111']);
    for (const message of messages) {
      expect(message.text).not.toMatch(anyIdNumber);
      expect(JSON.stringify(message.params)).not.toMatch(anyIdNumber);
      for (const id of idNumbers) expect(JSON.stringify(message)).not.toContain(id);
    }
  });

  it('when the consenting party reads English, then the message is in English with the unit’s English name', async () => {
    const dispute = await registerAndAccept([applicant({ language: 'en' }), respondent()]);

    const [message] = await messagesOf(dispute.id);

    expect(message.text).toBe(
      `[${tree.community.nameEn}] Your dispute (case ${dispute.number}) has been accepted. Lookup code ${message.params.code}: follow it at ${testApp.config.publicUrl}/track. Keep the code safe. To stop these texts, tell our office.`,
    );
  });

  it('when a session is scheduled, then the case’s nextSession says when and where, the consenting parties are told, and logging the session clears it', async () => {
    const dispute = await registerAndAccept([applicant(), respondent()]);
    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'ASSIGN',
      mediatorId,
    });

    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'SCHEDULE_SESSION',
      at: '2026-12-08T14:30:00+08:00',
      place: '莘松居委调解室',
    });

    const [scheduled] = await testApp.db.query(`SELECT state, snapshot FROM cases WHERE id = $1`, [
      dispute.id,
    ]);
    expect(scheduled.state).toBe('mediation.inProgress');
    expect(scheduled.snapshot.context.nextSession).toEqual({
      at: '2026-12-08T14:30:00+08:00',
      place: '莘松居委调解室',
    });
    const messages = await messagesOf(dispute.id);
    expect(messages.map((message) => message.template)).toEqual(['accepted', 'session_scheduled']);
    expect(messages[1].text).toBe(
      `【${tree.community.nameZh}】您的纠纷（案号${dispute.number}）定于2026年12月8日 14:30在莘松居委调解室调解，请准时参加；不能到场请与本单位联系。${stop}`,
    );

    // issue 21: a session held on another day leaves the planned one to come; logged against its plan, it is held
    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: '2026-12-03T09:00:00+08:00',
      minutes: '双方到场陈述。',
    });
    const [other] = await testApp.db.query(`SELECT snapshot FROM cases WHERE id = $1`, [dispute.id]);
    expect(other.snapshot.context.nextSession).toEqual({
      at: '2026-12-08T14:30:00+08:00',
      place: '莘松居委调解室',
    });
    const [plan] = await testApp.db.query(`SELECT id FROM appointments WHERE subject_id = $1`, [dispute.id]);
    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: '2026-12-03T09:30:00+08:00',
      minutes: '提前调解，双方到场。',
      appointmentId: plan.id,
    });
    const [held] = await testApp.db.query(`SELECT snapshot FROM cases WHERE id = $1`, [dispute.id]);
    expect(held.snapshot.context.nextSession).toBeNull();
  });

  it('when a session is scheduled for a moment already past, then 422 names `at` and nothing is recorded', async () => {
    const dispute = await registerAndAccept([applicant(), respondent()]);
    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, { type: 'ASSIGN', mediatorId });

    await expect(
      sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
        type: 'SCHEDULE_SESSION',
        at: '2026-12-03T09:59:00+08:00',
      }),
    ).rejects.toMatchObject({
      status: 422,
      details: [{ field: 'at', message: 'validation.moment_not_ahead' }],
    });
    const [row] = await testApp.db.query(`SELECT snapshot FROM cases WHERE id = $1`, [dispute.id]);
    expect(row.snapshot.context.nextSession ?? null).toBeNull();
  });

  it('when a written agreement the court can confirm is reached on the people’s track, then the parties are told of the 30-day window to apply jointly (人民调解法 §33, 民事诉讼法 §205)', async () => {
    const dispute = await registerAndAccept([applicant(), respondent()]);
    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, { type: 'ASSIGN', mediatorId });

    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'REACH_AGREEMENT',
      form: 'written',
      terms: '被申请人于十日内赔偿维修费三千元。',
    });

    const messages = await messagesOf(dispute.id);
    const agreement = messages.find((message) => message.template === 'agreement_confirmable');
    expect(agreement?.text).toContain('自协议生效之日起三十日内可共同向人民法院申请司法确认');
    expect(agreement?.params.until).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('when mediation fails, then the closure message says what the party may do next', async () => {
    const dispute = await registerAndAccept([applicant(), respondent()]);

    await sendEvents(testApp.services, testApp.db, mediatorId, dispute.id, {
      type: 'FAIL',
      reason: '被申请人拒绝调解。',
      guidance: 'litigation',
    });

    const messages = await messagesOf(dispute.id);
    expect(messages.map((message) => message.template)).toEqual(['accepted', 'closed_unresolved']);
    expect(messages[1].text).toBe(
      `【${tree.community.nameZh}】您的纠纷（案号${dispute.number}）调解未成，已终结调解。您可以：向人民法院起诉。${stop}`,
    );
  });

  it('when a case is declined, then the consenting party is told it was not accepted', async () => {
    const dispute = await createCase(testApp.services, mediatorId, { parties: [applicant(), respondent()] });
    await sendEvents(
      testApp.services,
      testApp.db,
      mediatorId,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'DECLINE', reason: '不属于民间纠纷。' },
    );

    const messages = await messagesOf(dispute.id);
    expect(messages.map((message) => message.template)).toEqual(['declined']);
  });

  describe('consent at intake', () => {
    it('when a party consents to SMS without a mobile phone (none, or a landline), then 422 names that party’s field in the caller’s language, and nothing is registered', async () => {
      const token = await apiToken(
        testApp.app,
        (await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })).username,
      );
      const before = await testApp.db.query('SELECT count(*)::int AS n FROM cases');

      const response = await request(testApp.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .set('Accept-Language', 'en')
        .send({
          type: 'neighbourhood',
          title: '楼上漏水',
          description: '楼上漏水引发的邻里纠纷。',
          source: 'walk_in',
          parties: [applicant(), respondent({ phone: undefined, smsConsent: true })],
        });

      expect(response.status).toBe(422);
      const needsMobile = 'Consent to SMS notices needs a mobile number (a landline cannot receive texts)';
      expect(response.body.error.details).toEqual([{ field: 'parties.1.smsConsent', message: needsMobile }]);
      expect(await testApp.db.query('SELECT count(*)::int AS n FROM cases')).toEqual(before);

      // a landline cannot receive a text: consent with one is refused the same way
      const landline = await request(testApp.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .set('Accept-Language', 'en')
        .send({
          type: 'neighbourhood',
          title: '楼上漏水',
          description: '楼上漏水引发的邻里纠纷。',
          source: 'walk_in',
          parties: [applicant({ phone: '021-64123456' }), respondent()],
        });
      expect(landline.status).toBe(422);
      expect(landline.body.error.details).toEqual([{ field: 'parties.0.smsConsent', message: needsMobile }]);
      expect(await testApp.db.query('SELECT count(*)::int AS n FROM cases')).toEqual(before);
    });

    it('when a petitioner consents to SMS without a phone, then the petition is refused likewise, naming the petitioner’s field', async () => {
      const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id });
      const token = await apiToken(testApp.app, agent.username);

      const response = await request(testApp.app)
        .post('/api/v1/petitions')
        .set('Authorization', `Bearer ${token}`)
        .send({
          subject: '小区加装电梯补偿分摊争议',
          content: '一楼住户反映加装电梯后采光受影响。',
          petitioners: [{ kind: 'person', name: `信访人${++serial}`, smsConsent: true }],
        });

      expect(response.status).toBe(422);
      expect(response.body.error.details).toEqual([
        { field: 'petitioners.0.smsConsent', message: '同意接收短信通知须填写手机号码（座机收不到短信）' },
      ]);
    });

    it('when the API registers a party with consent, then it is recorded with its moment; without, no consent', async () => {
      const token = await apiToken(
        testApp.app,
        (await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })).username,
      );

      const response = await request(testApp.app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${token}`)
        .send({
          type: 'neighbourhood',
          title: '楼上漏水',
          description: '楼上漏水引发的邻里纠纷。',
          source: 'walk_in',
          parties: [applicant({ language: 'en' }), respondent()],
        });

      expect(response.status).toBe(201);
      const parties = await testApp.db.query(
        `SELECT role, sms_consent, sms_consent_at, language FROM parties WHERE case_id = $1 ORDER BY position`,
        [response.body.id],
      );
      expect(parties).toEqual([
        { role: 'applicant', sms_consent: true, sms_consent_at: expect.any(Date), language: 'en' },
        { role: 'respondent', sms_consent: false, sms_consent_at: null, language: 'zh-CN' },
      ]);
    });
  });
});
