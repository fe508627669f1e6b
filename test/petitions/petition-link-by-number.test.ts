import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { apiToken, Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * 诉访分离 by case number (issue 21): the petition's agent, or a supervisor, links the petition
 * to an existing dispute case by its number — the same matter (a petitioner is a party of the
 * case) and a case the user may see, or will see as the petition's agent — with any refusal
 * next to the field; the case page then links back to its petition ("来自信访件").
 */
describe('a petition linked to an existing case by its case number (诉访分离)', () => {
  let testApp: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    await seedDemoOrganisation(testApp.db);
    for (const username of ['agent', 'supervisor.street', 'mediator']) {
      tokens[username] = await apiToken(testApp.app, username, demoPassword);
    }
    // the demo accounts' passwords were set on the machine's clock; the app's starts on the issue's day
    await testApp.db.query(`UPDATE users SET password_changed_at = '2026-01-01'`);
  });
  afterAll(() => testApp.close());

  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });

  async function caseBetween(applicant: { name: string; idNumber: string }, title: string) {
    const response = await request(testApp.app)
      .post('/api/v1/cases')
      .set(as('mediator'))
      .send({
        type: 'property_management',
        title,
        description: '业主与物业公司就维修基金使用发生争议。',
        source: 'walk_in',
        parties: [
          { role: 'applicant', kind: 'person', ...applicant },
          { role: 'respondent', kind: 'organisation', name: '莘松物业公司', idNumber: '91310112MA1GB12347' },
        ],
      });
    expect(response.status).toBe(201);
    return response.body as { id: string; number: string };
  }

  async function petitionOf(petitioner: { name: string; idNumber: string }) {
    const response = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(as('agent'))
      .send({
        subject: '维修基金使用不公开',
        content: '业主反映物业公司动用维修基金未公示。',
        petitioners: [{ kind: 'person', ...petitioner }],
        receivedOn: '2026-12-01',
      });
    expect(response.status).toBe(201);
    return response.body as { id: string; number: string; version: number };
  }

  const link = (username: string, petition: { id: string; version: number }, caseNumber: string) =>
    request(testApp.app)
      .post(`/api/v1/petitions/${petition.id}/events`)
      .set(as(username))
      .send({ type: 'LINK_CASE', expectedVersion: petition.version, caseNumber });

  it('the agent following the petition links a case of its petitioner by number, and then sees it; the case page links back to the petition', async () => {
    const petitioner = { name: '王秀兰', idNumber: '310112198503152015' };
    const dispute = await caseBetween(petitioner, '维修基金使用纠纷');
    const petition = await petitionOf(petitioner);
    // before the link, the agent does not see the case
    expect((await request(testApp.app).get(`/api/v1/cases/${dispute.id}`).set(as('agent'))).status).toBe(404);

    const linked = await link('agent', petition, dispute.number);
    expect(linked.status).toBe(200);
    expect(linked.body.linkedCases).toEqual([
      expect.objectContaining({ id: dispute.id, number: dispute.number }),
    ]);
    expect((await request(testApp.app).get(`/api/v1/cases/${dispute.id}`).set(as('agent'))).status).toBe(200);

    // the supervisor, who may see the petition, gets a link; the workstation's mediator only its number
    const supervisor = new Browser(testApp.app);
    await supervisor.signIn('supervisor.street', demoPassword);
    const page = await supervisor.get(`/cases/${dispute.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('来自信访件');
    expect(page.text).toContain(`href="/petitions/${petition.id}"`);
    const mediator = new Browser(testApp.app);
    await mediator.signIn('mediator', demoPassword);
    const seenByMediator = await mediator.get(`/cases/${dispute.id}`);
    expect(seenByMediator.text).toContain(petition.number);
    expect(seenByMediator.text).not.toContain(`href="/petitions/${petition.id}"`);
  });

  it('a number naming no case, or a case the agent may not see whose parties are not the petitioners, is refused alike with 422 naming `caseNumber`', async () => {
    const petition = await petitionOf({ name: '李建国', idNumber: '310112199001011233' });
    const unknown = await link('agent', petition, 'MH-2026-999999');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([
      expect.objectContaining({ field: 'caseNumber', message: expect.stringContaining('MH-2026-999999') }),
    ]);
    const someoneElses = await caseBetween({ name: '赵敏', idNumber: '310112197808084565' }, '他人的纠纷');
    const refused = await link('agent', petition, someoneElses.number);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details[0]).toMatchObject({ field: 'caseNumber' });
    expect(refused.body.error.details[0].message).toContain('没有您可关联');
    // the agent still does not see it
    expect((await request(testApp.app).get(`/api/v1/cases/${someoneElses.id}`).set(as('agent'))).status).toBe(
      404,
    );
  });

  it('a supervisor who may see the case is told it is not the same matter when no petitioner is its party', async () => {
    const petition = await petitionOf({ name: '陈立', idNumber: '310101199001011234' });
    const other = await caseBetween({ name: '孙丽', idNumber: '310112200002290014' }, '另一纠纷');
    const refused = await link('supervisor.street', petition, other.number);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details[0]).toMatchObject({
      field: 'caseNumber',
      message: expect.stringContaining('不是同一纠纷'),
    });
  });

  it('on the link page the existing case comes first, and a wrong number is shown next to its field, kept as typed', async () => {
    const petition = await petitionOf({ name: '周强', idNumber: '310112198503152015' });
    const agent = new Browser(testApp.app);
    await agent.signIn('agent', demoPassword);
    const form = await agent.get(`/petitions/${petition.id}/link`);
    expect(form.text).not.toContain('<details>');
    expect(form.text.indexOf('name="caseNumber"')).toBeLessThan(form.text.indexOf('name="caseType"'));
    const refused = await agent.post(`/petitions/${petition.id}/link`, {
      expectedVersion: String(petition.version),
      linkBy: 'number',
      caseNumber: 'MH-2026-000404',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="error-caseNumber"[^>]*>没有您可关联的编号为 MH-2026-000404 的案件/);
    expect(refused.text).toContain('value="MH-2026-000404"');
  });
});
