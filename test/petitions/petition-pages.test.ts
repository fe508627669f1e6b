import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { Petition } from '../../src/petitions/petition.entity';
import { Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the petition pages (agent on a phone, supervisor deciding)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true });
    await seedDemoOrganisation(testApp.db);
  });
  afterAll(() => testApp.close());

  it('an agent registers a petition, logs a visit and opens a case; the supervisor accepts it', async () => {
    const agent = new Browser(testApp.app);
    await agent.signIn('agent', demoPassword);

    await agent.get('/petitions/new');
    const created = await agent.post('/petitions', {
      subject: '<script>alert(1)</script>噪音扰民',
      content: '楼下饭店油烟和噪音。',
      petitionerName: ['周红', '', ''],
      petitionerIdNumber: ['310112197001011234', '', ''],
      petitionerPhone: ['13911112222', '', ''],
    } as unknown as Record<string, string>);
    expect(created.status).toBe(303);
    const url = created.headers.location as string;
    const page = await agent.get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;噪音扰民');
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).toContain('310***********1234');
    expect(page.text).toContain('受理告知期限');
    expect(page.text).toContain('信访工作条例');

    await agent.get(`${url}/visits/new`);
    const visit = await agent.post(`${url}/visits`, {
      visitedAt: '2026-11-25T09:30',
      place: '莘松小区',
      metWith: '周红',
      summary: '现场查看油烟情况。',
      mood: 'calm',
      risk: 'low',
      nextVisitOn: '2026-12-02',
    });
    expect(visit.status).toBe(303);

    const missing = await agent.post(`${url}/visits`, { visitedAt: '', place: '', metWith: '', summary: '' });
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/id="error-place"[^>]*>必填/);

    const petition = await testApp.db
      .getRepository(Petition)
      .findOneOrFail({ where: { id: url.split('/').pop() } });
    await agent.get(`${url}/link`);
    const linked = await agent.post(`${url}/link`, {
      expectedVersion: String(petition.version),
      caseType: 'environmental',
      title: '饭店油烟噪音纠纷',
      description: '居民与饭店之间的油烟噪音纠纷。',
      applicant: '周红',
      respondent: '某饭店',
      respondentKind: 'organisation',
    });
    expect(linked.status).toBe(303);
    const after = await agent.get(url);
    expect(after.text).toContain('饭店油烟噪音纠纷');
    expect(after.text).toContain('现场查看油烟情况');

    const supervisor = new Browser(testApp.app);
    await supervisor.signIn('supervisor.street', demoPassword);
    const list = await supervisor.get('/petitions');
    expect(list.text).toContain('噪音扰民');
    expect(list.text).toMatch(/现由 莘庄镇[^<]* 办理/);
    const fresh = await testApp.db.getRepository(Petition).findOneOrFail({ where: { id: petition.id } });
    const registeredPage = (await supervisor.get(url)).text;
    // before it is accepted it may be forwarded: to units grouped by level and street, then the
    // departments and the courts (not one list of every unit)
    const forward = registeredPage.slice(registeredPage.indexOf('name="toUnitId"'));
    const targets = forward.slice(0, forward.indexOf('</select>'));
    const groups = [...targets.matchAll(/<optgroup label="([^"]+)">/g)].map((match) => match[1]);
    expect(groups.slice(0, 3)).toEqual([
      '区联动中心',
      '街镇联动中心',
      expect.stringMatching(/ · 居村工作站$/),
    ]);
    expect(groups).toContain('莘庄镇 · 居村工作站');
    expect(groups.slice(-2)).toEqual(['行政机关', '人民法院']);
    const accepted = await supervisor.post(`${url}/events`, {
      type: 'ACCEPT',
      expectedVersion: String(fresh.version),
    });
    expect(accepted.status).toBe(303);
    const acceptedPage = (await supervisor.get(url)).text;
    expect(acceptedPage).toContain('办理中');
    // where it sits now, and its whole history: registration, the visit, the link, the acceptance
    expect(acceptedPage).toMatch(/现由 莘庄镇[^<]* 办理/);
    expect(acceptedPage).toContain('办理经过');
    const timeline = acceptedPage.slice(acceptedPage.indexOf('id="timeline"'));
    for (const event of ['登记', '走访', '关联案件', '受理'])
      expect(timeline).toContain(`<strong>${event}</strong>`);
    expect(timeline).toContain('现场查看油烟情况');
    expect(timeline).toContain('待受理 → 办理中');

    const stale = await supervisor.post(`${url}/events`, {
      type: 'REPLY',
      expectedVersion: String(fresh.version),
      opinion: '答复',
    });
    expect(stale.status).toBe(409);
  });
});
