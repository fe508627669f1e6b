import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { RunningWorker } from '../../src/worker';
import { Browser, createUser } from '../support/auth';
import { startTestWorker } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';
import { type PetitionApi, reviewLevels } from './petition-review-support';

/**
 * Issue 20: petitioners who consented at registration (个人信息保护法 §14) hear of their petition
 * by SMS at each step the 信访工作条例 tells them of — accepted (with the 信访事项查询码), not
 * accepted, the opinion and the request it leaves (§35, §36), the final recheck, closure. With
 * SMS_URL unset each message is a JSON file under $DATA_DIR/sms.
 */

const startAt = new Date('2026-12-03T10:00:00+08:00');
const idNumber = '310112198503152015';
/** Any run of 15 or 18 ID characters: an SMS may carry none (个人信息保护法). */
const anyIdNumber = /\d{17}[\dXx]|\d{15}/;
const stop = '如不愿再收到短信，请告知本单位。';

interface SmsFile {
  to: string;
  text: string;
  template: string;
  params: Record<string, string | number>;
}

describe('SMS notices to petitioners (信访工作条例), written as JSON files (SMS_URL unset)', () => {
  let testApp: TestApp;
  let worker: RunningWorker;
  let dataDir: string;
  let api: PetitionApi;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];
  let serial = 0;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gm-petition-sms-'));
    testApp = await startTestApp({ dataDir }, { startAt });
    // only drainNow sends (its loop sleeps an hour): a message the loop took in hand would be
    // skipped by drainNow (leased to the loop) and read by the test before it is written
    worker = await startTestWorker(testApp, { pollIntervalMs: 3_600_000 });
    ({ api, tree } = await reviewLevels(testApp));
  });
  afterAll(async () => {
    await worker.stop();
    await testApp.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  /** Every message of the petition, once the worker has sent everything due. */
  const messagesOf = async (petitionId: string): Promise<SmsFile[]> => {
    await worker.drainNow();
    const rows: Array<{ id: string }> = await testApp.db.query(
      `SELECT id FROM outbox WHERE channel = 'sms' AND subject_id = $1 ORDER BY id`,
      [petitionId],
    );
    return Promise.all(
      rows.map(async (row) =>
        JSON.parse(await fs.readFile(path.join(dataDir, 'sms', `outbox-${row.id}.json`), 'utf8')),
      ),
    );
  };

  /** A petition at the community, its first petitioner consenting (with an ID number), the second not. */
  const register = async (fields: Record<string, unknown> = {}) => {
    serial += 1;
    const registered = await api.register('communitySupervisor', {
      subject: `加装电梯补偿分摊争议${serial}`,
      content: '一楼住户反映加装电梯后采光受影响。',
      petitioners: [
        { kind: 'person', name: `陈秀英${serial}`, idNumber, phone: '13812345678', smsConsent: true },
        { kind: 'person', name: `赵立新${serial}`, phone: '13900001111' },
      ],
      unitId: tree.community.id,
      ...fields,
    });
    expect(registered.status).toBe(201);
    return registered.body as { id: string; number: string };
  };
  const send = async (who: Parameters<PetitionApi['send']>[0], id: string, event: object) => {
    const answer = await api.send(who, id, event as Record<string, unknown>);
    expect({ type: (event as { type: string }).type, status: answer.status }).toEqual({
      type: (event as { type: string }).type,
      status: 200,
    });
    return answer;
  };

  it('信访工作条例 第二十二条: when a petition is accepted, then the consenting petitioner’s SMS carries the lookup code ACCEPT answered, which finds the petition on POST /api/v1/track; the outbox keeps it only sealed', async () => {
    const petition = await register();

    const accepted = await send('communitySupervisor', petition.id, { type: 'ACCEPT' });
    const code: string = accepted.body.lookupCode;
    expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);

    // waiting in the outbox: sealed, nowhere in clear (with or without its dash)
    const [waiting] = await testApp.db.query(
      `SELECT payload::text AS payload FROM outbox WHERE channel = 'sms' AND subject_id = $1`,
      [petition.id],
    );
    expect(waiting.payload).toContain('codeSealed');
    expect(waiting.payload).not.toContain(code);
    expect(waiting.payload).not.toContain(code.replace('-', ''));

    const messages = await messagesOf(petition.id);
    expect(messages).toEqual([
      {
        to: '13812345678',
        text: `【${tree.community.nameZh}】您的信访事项（编号${petition.number}）已受理。查询码${code}，可在${testApp.config.publicUrl}/track查询进度，请妥善保管。${stop}`,
        template: 'petition_accepted',
        params: { unit: tree.community.nameZh, number: petition.number, code },
      },
    ]);
    const tracked = await request(testApp.app).post('/api/v1/track').send({ number: petition.number, code });
    expect(tracked.status).toBe(200);
    expect(tracked.body.number).toBe(petition.number);
  });

  it('信访工作条例 第二十三条: when a petition is not accepted, then the petitioner is told so and where the matter may go instead', async () => {
    const petition = await register();

    await send('communitySupervisor', petition.id, { type: 'DECLINE', reason: '属于诉讼途径解决的事项。' });

    const messages = await messagesOf(petition.id);
    expect(messages.map((message) => message.template)).toEqual(['petition_declined']);
    expect(messages[0].text).toBe(
      `【${tree.community.nameZh}】您的信访事项（编号${petition.number}）不予受理。可向有权处理的机关提出；属诉讼、仲裁、行政复议等法定途径的，请依法向有关机关提出。${stop}`,
    );
  });

  it('信访工作条例 第三十五条、第三十六条: a claim’s opinion tells the 30 days to ask for a review, the review opinion the 30 days to ask for a recheck, the recheck that it is final — each from the body that holds the petition then', async () => {
    const petition = await register();
    await send('communitySupervisor', petition.id, { type: 'ASSIGN_AGENT', agentId: api.agentId });
    await send('communitySupervisor', petition.id, { type: 'ACCEPT' });
    await send('communitySupervisor', petition.id, {
      type: 'REPLY',
      opinion: '依据补偿协议分配，予以解释。',
    });
    await send('agent', petition.id, { type: 'REQUEST_REVIEW', requestedOn: '2026-12-03' });
    await send('streetSupervisor', petition.id, { type: 'REVIEW_DECIDED', opinion: '维持。' });
    await send('agent', petition.id, { type: 'REQUEST_RECHECK', requestedOn: '2026-12-03' });
    await send('districtSupervisor', petition.id, { type: 'RECHECK_DECIDED', opinion: '维持复查意见。' });

    const messages = await messagesOf(petition.id);

    expect(messages.map((message) => message.template)).toEqual([
      'petition_accepted',
      'petition_replied',
      'petition_reviewed',
      'petition_rechecked',
    ]);
    const [, replied, reviewed, rechecked] = messages;
    expect(replied.text).toBe(
      `【${tree.community.nameZh}】您的信访事项（编号${petition.number}）已作出处理意见。不服的，可自收到书面意见之日起30日内请求上一级机关复查。${stop}`,
    );
    expect(replied.params.days).toBe(30);
    // the review body (one level up, §35) tells of its own opinion, and the recheck body (§36) of its own
    expect(reviewed.text).toBe(
      `【${tree.street.nameZh}】您的信访事项（编号${petition.number}）已作出复查意见。不服的，可自收到书面意见之日起30日内请求上一级机关复核。${stop}`,
    );
    expect(rechecked.text).toBe(
      `【${tree.district.nameZh}】您的信访事项（编号${petition.number}）已作出复核意见，为最终意见；以同一事实和理由再次提出的，不再受理。${stop}`,
    );
    // only the consenting petitioner; never an ID number, in a text or its params
    expect(new Set(messages.map((message) => message.to))).toEqual(new Set(['13812345678']));
    for (const message of messages) {
      expect(message.text).not.toMatch(anyIdNumber);
      expect(JSON.stringify(message)).not.toContain(idNumber);
    }
  });

  it('信访工作条例 第三十二条、第三十五条: when a proposal is answered and closed, then the petitioner hears it was answered (no review window) and that it is concluded', async () => {
    const petition = await register({ category: 'proposal' });
    await send('communitySupervisor', petition.id, { type: 'ACCEPT' });
    await send('communitySupervisor', petition.id, { type: 'REPLY', opinion: '建议已收悉，予以研究采纳。' });
    await send('communitySupervisor', petition.id, { type: 'CLOSE' });

    const messages = await messagesOf(petition.id);

    expect(messages.map((message) => message.template)).toEqual([
      'petition_accepted',
      'petition_answered',
      'petition_closed',
    ]);
    expect(messages[1].text).toBe(
      `【${tree.community.nameZh}】您的信访事项（编号${petition.number}）已办理并书面答复，请查收。${stop}`,
    );
    expect(messages[2].text).toBe(
      `【${tree.community.nameZh}】您的信访事项（编号${petition.number}）已办结。${stop}`,
    );
  });

  it('when the consenting petitioner reads English, then the message is in English with the unit’s English name', async () => {
    serial += 1;
    const registered = await api.register('communitySupervisor', {
      subject: `噪声扰民${serial}`,
      content: '夜间施工噪声。',
      petitioners: [
        { kind: 'person', name: `Lee${serial}`, phone: '13812345678', smsConsent: true, language: 'en' },
      ],
      unitId: tree.community.id,
    });
    await send('communitySupervisor', registered.body.id, { type: 'DECLINE', reason: '不属于信访事项。' });

    const [message] = await messagesOf(registered.body.id);

    expect(message.text).toBe(
      `[${tree.community.nameEn}] Your petition (${registered.body.number}) was not accepted. You may take it to the body with the power to handle it; a claim for a court, arbitration or administrative reconsideration goes there. To stop these texts, tell our office.`,
    );
  });

  describe('the registration form (个人信息保护法 第十四条)', () => {
    let browser: Browser;
    beforeAll(async () => {
      const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id });
      browser = new Browser(testApp.app);
      await browser.signIn(agent.username);
    });

    it('when the form is opened, then each petitioner row offers an unticked consent box with what it means, and the language', async () => {
      const page = await browser.get('/petitions/new');

      expect(page.status).toBe(200);
      expect(page.text.match(/name="petitionerSmsConsent"/g)).toHaveLength(3);
      expect(page.text).not.toMatch(/name="petitionerSmsConsent" value="\d+" checked/);
      expect(page.text).toContain('可随时告知本单位撤回');
      expect(page.text.match(/name="petitionerLanguage"/g)).toHaveLength(3);
    });

    it('when the second petitioner’s box is ticked, then that petitioner is registered consenting in the language chosen, and the first not', async () => {
      await browser.get('/petitions/new');
      serial += 1;
      const response = await browser.agent
        .post('/petitions')
        .type('form')
        .send(
          [
            `_csrf=${encodeURIComponent(browser.csrf)}`,
            `subject=${encodeURIComponent(`楼道堆物${serial}`)}`,
            `content=${encodeURIComponent('楼道堆放杂物影响通行。')}`,
            'category=claim',
            `petitionerName=${encodeURIComponent(`王芳${serial}`)}`,
            'petitionerIdNumber=',
            'petitionerPhone=',
            'petitionerLanguage=zh-CN',
            `petitionerName=${encodeURIComponent(`李强${serial}`)}`,
            'petitionerIdNumber=',
            'petitionerPhone=13900001111',
            'petitionerSmsConsent=1',
            'petitionerLanguage=en',
          ].join('&'),
        );

      expect(response.status).toBe(303);
      const parties = await testApp.db.query(
        `SELECT name, sms_consent, sms_consent_at IS NOT NULL AS dated, language FROM parties
         WHERE petition_id = (SELECT id FROM petitions WHERE subject = $1) ORDER BY position`,
        [`楼道堆物${serial}`],
      );
      expect(parties).toEqual([
        { name: `王芳${serial}`, sms_consent: false, dated: false, language: 'zh-CN' },
        { name: `李强${serial}`, sms_consent: true, dated: true, language: 'en' },
      ]);
    });

    it('when a box is ticked for a petitioner without a phone, then the form comes back with the error beside that petitioner’s box, still ticked', async () => {
      await browser.get('/petitions/new');
      const response = await browser.agent
        .post('/petitions')
        .type('form')
        .send(
          [
            `_csrf=${encodeURIComponent(browser.csrf)}`,
            'subject=%E5%99%AA%E5%A3%B0',
            'content=%E5%A4%9C%E9%97%B4%E6%96%BD%E5%B7%A5',
            `petitionerName=${encodeURIComponent('周红')}`,
            'petitionerIdNumber=',
            'petitionerPhone=',
            'petitionerSmsConsent=0',
            'petitionerLanguage=zh-CN',
          ].join('&'),
        );

      expect(response.status).toBe(422);
      expect(response.text).toContain('id="petitioner-0-sms-error"');
      expect(response.text).toContain('同意接收短信通知须填写手机号码（座机收不到短信）');
      expect(response.text).toMatch(/name="petitionerSmsConsent" value="0" checked/);
    });
  });
});
