import request from 'supertest';
import { reviewLevels } from '../petitions/petition-review-support';
import { apiToken, Browser, createUser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';
import { auditOf, startAt, track } from './tracking-support';

/** Issue 20: petitions get the same lookup with their number and code (信访事项查询码). */
describe('progress lookup of a petition (信访事项查询码)', () => {
  let testApp: TestApp;
  let levels: Awaited<ReturnType<typeof reviewLevels>>;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt });
    levels = await reviewLevels(testApp);
  });
  afterAll(() => testApp.close());

  async function acceptedPetition() {
    const registered = await levels.api.register('districtSupervisor', {
      subject: '物业费上涨争议',
      content: '信访人反映物业费上涨未经业主大会讨论。',
      petitioners: [{ kind: 'person', name: '赵敏', idNumber: '310101199001011234', phone: '13812345678' }],
      unitId: levels.tree.street.id,
    });
    const accepted = await levels.api.send('streetSupervisor', registered.body.id, { type: 'ACCEPT' });
    expect(accepted.status).toBe(200);
    return {
      id: registered.body.id as string,
      number: registered.body.number as string,
      code: accepted.body.lookupCode,
    };
  }

  it('ACCEPT answers the petitioner’s code once; the lookup finds the petition by its number, with nothing about the petitioner', async () => {
    const petition = await acceptedPetition();
    expect(petition.code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    const answer = await track(testApp, { number: petition.number, code: petition.code });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      number: petition.number,
      type: 'petition',
      state: 'accepted.handling',
      holdingUnit: { name: levels.tree.street.nameZh },
    });
    expect(answer.body.deadline.due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const personal of ['赵敏', '310101199001011234', '13812345678', '物业费上涨'])
      expect(answer.text).not.toContain(personal);
  });

  it('the agent who follows it may issue a new code (audited as petition.lookup_code_issued); the old one stops working', async () => {
    const petition = await acceptedPetition();
    await levels.api.send('districtSupervisor', petition.id, {
      type: 'ASSIGN_AGENT',
      agentId: levels.api.agentId,
    });
    const agentToken = await apiToken(testApp.app, levels.usernames.agent);
    const issued = await request(testApp.app)
      .post(`/api/v1/petitions/${petition.id}/tracking-code`)
      .set('Authorization', `Bearer ${agentToken}`);
    expect(issued.status).toBe(200);
    expect((await track(testApp, { number: petition.number, code: petition.code })).status).toBe(404);
    expect((await track(testApp, { number: petition.number, code: issued.body.code })).status).toBe(200);
    const entries = (await auditOf(testApp, 'petition.lookup_code_issued')).filter(
      (e) => e.target_id === petition.id,
    );
    expect(entries.map((entry) => entry.details)).toEqual([{ on: 'accept' }, { on: 'request' }]);
  });

  it('an agent who registered the petition but no longer follows it (another agent assigned) may not issue its code', async () => {
    const registered = await levels.api.register('agent', {
      subject: '路灯损坏多日',
      content: '信访人反映小区路灯损坏多日无人维修。',
      petitioners: [{ kind: 'person', name: '钱峰' }],
    });
    expect(registered.status).toBe(201);
    await levels.api.send('streetSupervisor', registered.body.id, { type: 'ACCEPT' });
    const other = await createUser(testApp.db, { role: 'petition_agent', unitId: levels.tree.street.id });
    const reassigned = await levels.api.send('streetSupervisor', registered.body.id, {
      type: 'ASSIGN_AGENT',
      agentId: other.id,
    });
    expect(reassigned.status).toBe(200);
    const formerToken = await apiToken(testApp.app, levels.usernames.agent);
    const refused = await request(testApp.app)
      .post(`/api/v1/petitions/${registered.body.id}/tracking-code`)
      .set('Authorization', `Bearer ${formerToken}`);
    expect(refused.status).toBe(403);
    const followerToken = await apiToken(testApp.app, other.username);
    const issued = await request(testApp.app)
      .post(`/api/v1/petitions/${registered.body.id}/tracking-code`)
      .set('Authorization', `Bearer ${followerToken}`);
    expect(issued.status).toBe(200);
  });

  it('the petition page shows its party access panel: the code current since its acceptance, and the buttons for a supervisor over it', async () => {
    const petition = await acceptedPetition();
    const supervisor = new Browser(testApp.app);
    await supervisor.signIn(levels.usernames.streetSupervisor);
    const page = await supervisor.get(`/petitions/${petition.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="party-access"');
    expect(page.text).toContain('当前查询码生成于');
    expect(page.text).toContain(`action="/petitions/${petition.id}/tracking-code"`);
    expect(page.text).not.toContain(petition.code);
  });
});
