import request from 'supertest';
import type { RunningWorker } from '../../src/worker';
import { apiToken, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { SmtpPeer, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 21: a visit that finds the petitioner agitated (情绪激动) or the risk high alerts the
 * supervisors over the petition at once, by mail (人民调解法 §25: a dispute that may escalate calls for
 * preventive measures and a report at once — the practice the petition work follows).
 */
describe('人民调解法 第二十五条: a visit marked high-risk or agitated alerts the petition’s supervisors by mail', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    testApp = await startTestApp({ smtpUrl: smtp.url }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    worker = await startTestWorker(testApp);
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  async function agentWithPetition(subject: string) {
    const tree = await createDistrictTree(testApp.db);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const englishSupervisor = await createUser(testApp.db, {
      role: 'supervisor',
      unitId: tree.street.id,
      locale: 'en',
      displayName: 'Wang Fang',
    });
    const elsewhere = await createUser(testApp.db, { role: 'supervisor', unitId: tree.otherStreet.id });
    const agent = await createUser(testApp.db, {
      role: 'petition_agent',
      unitId: tree.street.id,
      displayName: '陈代理',
    });
    const token = await apiToken(testApp.app, agent.username);
    const registered = await request(testApp.app)
      .post('/api/v1/petitions')
      .set({ Authorization: `Bearer ${token}` })
      .send({
        subject,
        content: '信访人反映征收补偿款长期未到位。',
        petitioners: [{ kind: 'person', name: '赵国庆', idNumber: '310112197808084565' }],
        receivedOn: '2026-12-01',
      });
    expect(registered.status).toBe(201);
    const logVisit = (fields: Record<string, unknown>) =>
      request(testApp.app)
        .post(`/api/v1/petitions/${registered.body.id}/visits`)
        .set({ Authorization: `Bearer ${token}` })
        .send({
          visitedAt: '2026-12-03T09:15:00+08:00',
          place: '信访人家中',
          metWith: '赵国庆',
          summary: '听取诉求，解释补偿政策。',
          ...fields,
        });
    return { petition: registered.body, supervisor, englishSupervisor, elsewhere, logVisit };
  }

  const alertRows = (petitionId: string) =>
    testApp.db.query(
      // the row queued with the visit, for the unit (the worker expands it into one row per supervisor)
      `SELECT id, payload FROM outbox
       WHERE subject_id = $1 AND kind = 'petition.visit_alert' AND recipient_unit_id IS NOT NULL`,
      [petitionId],
    );

  it('when the agent logs a visit with risk high, then each supervisor over the petition gets one mail at once, in their language, naming the risk, the visit and the petition; a supervisor of another street gets none', async () => {
    const { petition, supervisor, englishSupervisor, elsewhere, logVisit } = await agentWithPetition(
      '征收补偿款未到位（高风险）',
    );

    const visit = await logVisit({ risk: 'high', mood: 'anxious' });

    expect(visit.status).toBe(201);
    const mail = await waitFor('the alert to the supervisor', () => smtp.to(supervisor.email as string)[0]);
    const english = await waitFor(
      'the alert in English',
      () => smtp.to(englishSupervisor.email as string)[0],
    );
    await worker.drainNow();
    expect(smtp.to(supervisor.email as string)).toHaveLength(1);
    expect(smtp.to(elsewhere.email as string)).toHaveLength(0);
    expect(mail.subject).toBe(`【${petition.number}】走访预警：高风险或情绪激动：征收补偿款未到位（高风险）`);
    expect(mail.text).toContain('陈代理走访信访件');
    expect(mail.text).toContain('风险评估：高');
    expect(mail.text).toContain('信访人情绪：焦虑');
    expect(mail.text).toContain('走访时间：2026-12-03 09:15');
    expect(mail.text).toContain('人民调解法 第二十五条');
    expect(mail.text).toContain(`http://mediation.test/petitions/${petition.id}`);
    expect(english.subject).toContain('Visit alert');
    expect(english.text).toContain('Risk assessed: high');
    expect(await alertRows(petition.id)).toHaveLength(1);
  });

  it('when the petitioner was agitated, then the supervisors are alerted even though the risk was not assessed high', async () => {
    const { petition, supervisor, logVisit } = await agentWithPetition('征收补偿款未到位（情绪激动）');

    expect((await logVisit({ mood: 'agitated', risk: 'medium' })).status).toBe(201);

    const mail = await waitFor('the alert', () => smtp.to(supervisor.email as string)[0]);
    expect(mail.text).toContain('信访人情绪：激动');
    expect(mail.text).toContain('风险评估：中');
    expect(await alertRows(petition.id)).toHaveLength(1);
  });

  it('when a visit finds the petitioner calm and the risk low or medium, then no alert is queued', async () => {
    const { petition, supervisor, logVisit } = await agentWithPetition('征收补偿款未到位（平稳）');

    expect((await logVisit({ mood: 'calm', risk: 'low' })).status).toBe(201);
    expect((await logVisit({ mood: 'anxious', risk: 'medium' })).status).toBe(201);
    expect((await logVisit({})).status).toBe(201);

    await worker.drainNow();
    expect(await alertRows(petition.id)).toHaveLength(0);
    expect(smtp.to(supervisor.email as string)).toHaveLength(0);
  });
});
