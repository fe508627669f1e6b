import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { Case } from '../../src/cases/case.entity';
import { apiToken, Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the supervisor’s pages: hand-off review, statistics, overdue list, chain check', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let supervisor: Browser;
  let mediatorToken: string;
  let mediatorId: string;
  let mediatorName: string;
  let supervisorName: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    mediatorId = mediator.id;
    mediatorName = mediator.username;
    mediatorToken = await apiToken(testApp.app, mediator.username);
    const streetSupervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    supervisorName = streetSupervisor.username;
    supervisor = new Browser(testApp.app);
    await supervisor.signIn(streetSupervisor.username);
  });
  afterAll(() => testApp.close());

  async function escalate(title: string): Promise<string> {
    const created = await createCase(testApp.services, mediatorId, { title });
    const steps: Array<Record<string, unknown>> = [
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId },
      { type: 'ESCALATE', reasonCode: 'high_risk', reason: '当事人情绪激动' },
    ];
    for (const [version, step] of steps.entries()) {
      const response = await request(testApp.app)
        .post(`/api/v1/cases/${created.id}/events`)
        .set('Authorization', `Bearer ${mediatorToken}`)
        .send({ ...step, expectedVersion: version });
      expect(response.status).toBe(200);
    }
    return created.id;
  }

  it('reviews hand-offs — endorse one, question one with a comment — and the rates change', async () => {
    await escalate('第一件上报');
    await escalate('第二件上报');
    const queue = await supervisor.get('/escalations');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('第一件上报');
    expect(queue.text).toContain('移交前：调解 0 次');
    expect(queue.text).toMatch(/被质疑率<\/header><strong>—/);

    const ids = [...queue.text.matchAll(/action="\/escalations\/([0-9a-f-]{36})\/review"/g)].map(
      (match) => match[1],
    );
    expect(ids).toHaveLength(2);
    expect((await supervisor.post(`/escalations/${ids[0]}/review`, { decision: 'endorsed' })).status).toBe(
      303,
    );
    await supervisor.get('/escalations');
    const noComment = await supervisor.post(`/escalations/${ids[1]}/review`, { decision: 'questioned' });
    expect(noComment.status).toBe(400);
    expect(noComment.text).toContain('提出质疑时必须填写意见');
    await supervisor.get('/escalations');
    expect(
      (
        await supervisor.post(`/escalations/${ids[1]}/review`, {
          decision: 'questioned',
          comment: '未开展调解即上报',
        })
      ).status,
    ).toBe(303);

    const reviewed = await supervisor.get('/escalations?status=questioned');
    expect(reviewed.text).toContain('未开展调解即上报');
    expect(reviewed.text).toMatch(/被质疑率<\/header><strong>50\.0%<\/strong> <small>\(1\/2\)/);
  });

  it('the statistics page shows each figure with its parts, chart containers, and exports the table as CSV with a BOM', async () => {
    const page = await supervisor.get('/stats');
    expect(page.status).toBe(200);
    expect(page.text).toContain('就地化解率');
    expect(page.text).toMatch(/data-figure="received"><th scope="row">收案数<\/th><td>2<\/td>/);
    expect(page.text).toContain('id="chart-monthly"');
    const echarts = page.text.match(/\/static\/vendor\/echarts\.min\.[0-9a-f]{10}\.js/)?.[0];
    expect(echarts).toBeDefined();
    const csv = await supervisor.agent.get('/stats.csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    expect(csv.text).toContain('收案数,2');
    expect((await supervisor.agent.get(String(echarts))).status).toBe(200);
    expect((await supervisor.agent.get('/static/vendor/echarts.min.js')).status).toBe(200);
  });

  it('lists overdue cases by how late, and finds a tampered chain in the subtree', async () => {
    const late = await createCase(testApp.services, mediatorId, { title: '拖了很久的案子' });
    await testApp.db
      .getRepository(Case)
      // (the state stays registered, as its chain says: a state set behind the chain's back is a finding of the check below)
      .update(
        { id: late.id },
        {
          overdue: true,
          // a clock and its last day are stored together (the CHECK cases_deadline_due_with_deadline)
          deadline: {
            startedOn: '2025-12-06',
            days: 30,
            basis: 'calendar',
            due: '2026-01-05',
            warningOn: '2025-12-30',
            paused: false,
            pauses: [],
            source: {
              zh: '人民调解工作若干规定 第三十三条',
              en: 'Provisions on People’s Mediation Work, Art. 33',
            },
          },
          deadlineDue: '2026-01-05',
        },
      );
    const overdue = await supervisor.get('/supervision/overdue');
    expect(overdue.text).toContain('拖了很久的案子');
    expect(overdue.text).toMatch(/已超期 \d+ 天/);

    await supervisor.get('/supervision/verify');
    const intact = await supervisor.post('/supervision/verify');
    expect(intact.text).toMatch(/全部完好/);

    await testApp.db.query('ALTER TABLE case_events DISABLE TRIGGER case_events_append_only');
    await testApp.db.query(
      `UPDATE case_events SET payload = '{"tampered": true}' WHERE case_id = $1 AND seq = 1`,
      [late.id],
    );
    await testApp.db.query('ALTER TABLE case_events ENABLE TRIGGER case_events_append_only');
    await supervisor.get('/supervision/verify');
    const broken = await supervisor.post('/supervision/verify');
    expect(broken.text).toContain(late.number);
    expect(broken.text).toContain('自第 1 条事件起不一致');
  });

  it('a supervisor checks one case’s chain from its page: the answer on the page, the check audited, a tampered case named broken', async () => {
    const kept = await createCase(testApp.services, mediatorId, { title: '只校验这一件' });
    const casePage = await supervisor.get(`/cases/${kept.id}`);
    expect(casePage.text).toContain(`action="/cases/${kept.id}/verify"`);
    const mediator = new Browser(testApp.app);
    await mediator.signIn(mediatorName);
    expect((await mediator.get(`/cases/${kept.id}`)).text).not.toContain(`/cases/${kept.id}/verify`);
    expect((await mediator.post(`/cases/${kept.id}/verify`)).status).toBe(403);

    await supervisor.get(`/cases/${kept.id}`);
    const intact = await supervisor.post(`/cases/${kept.id}/verify`);
    expect(intact.status).toBe(200);
    expect(intact.text).toContain('本案审计链完好：1 条事件逐一校验通过');
    expect(intact.text).toContain('id="chain-check-result"');
    const audited = await testApp.db
      .getRepository(AuditEntry)
      .findBy({ action: 'chains.verified', actorUsername: supervisorName });
    expect(audited.map((entry) => entry.details)).toContainEqual({
      case: kept.number,
      checked: 1,
      broken: [],
    });

    await testApp.db.query('ALTER TABLE case_events DISABLE TRIGGER case_events_append_only');
    await testApp.db.query(
      `UPDATE case_events SET payload = '{"tampered": true}' WHERE case_id = $1 AND seq = 1`,
      [kept.id],
    );
    await testApp.db.query('ALTER TABLE case_events ENABLE TRIGGER case_events_append_only');
    await supervisor.get(`/cases/${kept.id}`);
    const broken = await supervisor.post(`/cases/${kept.id}/verify`);
    expect(broken.text).toContain('本案审计链不完好');
    expect(broken.text).toContain('自第 1 条事件起不一致');
  });
});
