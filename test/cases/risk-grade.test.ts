import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, type CaseTeam, createCaseTeam, registerCase, sendEvent } from './case-api';

/**
 * Issue 21: a case carries a risk grade (风险等级, 1–4, 4 highest — the scale conflict screening
 * grades by): given at intake, changed by SET_RISK_GRADE with a reason, shown and filtered in lists.
 */
describe('the risk grade of a case (API)', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    team = await createCaseTeam(testApp);
  });
  afterAll(() => testApp.close());

  it('when a case is registered with riskGrade 3, then the case answer and the column carry it; without one it is null', async () => {
    const graded = await registerCase(testApp, team.mediators.community, { riskGrade: 3 });
    const ungraded = await registerCase(testApp, team.mediators.community);

    expect(graded.status).toBe(201);
    expect(graded.body.riskGrade).toBe(3);
    expect(ungraded.body.riskGrade).toBeNull();
    const [row] = await testApp.db.query('SELECT risk_grade FROM cases WHERE id = $1', [graded.body.id]);
    expect(row.risk_grade).toBe(3);
  });

  it('when the grade is out of 1–4, then 400/422 names the field riskGrade and nothing is saved', async () => {
    const response = await registerCase(testApp, team.mediators.community, {
      riskGrade: 5,
      title: '风险等级越界',
    });

    expect([400, 422]).toContain(response.status);
    expect(JSON.stringify(response.body.error.details)).toContain('riskGrade');
    const [{ n }] = await testApp.db.query(
      `SELECT count(*)::int AS n FROM cases WHERE title = '风险等级越界'`,
    );
    expect(n).toBe(0);
  });

  it('when SET_RISK_GRADE is sent with a reason, then the grade changes, the case stays in its state and the timeline keeps the reason', async () => {
    const created = await registerCase(testApp, team.mediators.community, { riskGrade: 1 });
    const before = created.body;

    const response = await sendEvent(testApp, team.mediators.community, before.id, before.version, {
      type: 'SET_RISK_GRADE',
      riskGrade: 4,
      reason: '申请人扬言采取过激行为，涉及人数增多。',
    });

    expect(response.status).toBe(200);
    expect(response.body.riskGrade).toBe(4);
    expect(response.body.state).toBe(before.state);
    const events = await request(testApp.app)
      .get(`/api/v1/cases/${before.id}/events`)
      .set(bearer(team.mediators.community));
    const last = events.body.items.at(-1);
    expect(last.type).toBe('SET_RISK_GRADE');
    expect(last.payload).toMatchObject({ riskGrade: 4, reason: '申请人扬言采取过激行为，涉及人数增多。' });
  });

  it('when SET_RISK_GRADE comes without a reason, then 400/422 names reason and the grade stays', async () => {
    const created = await registerCase(testApp, team.mediators.community, { riskGrade: 2 });

    const response = await sendEvent(
      testApp,
      team.mediators.community,
      created.body.id,
      created.body.version,
      {
        type: 'SET_RISK_GRADE',
        riskGrade: 3,
      },
    );

    expect([400, 422]).toContain(response.status);
    expect(JSON.stringify(response.body.error.details)).toContain('reason');
    const [row] = await testApp.db.query('SELECT risk_grade FROM cases WHERE id = $1', [created.body.id]);
    expect(row.risk_grade).toBe(2);
  });

  it('when the district supervisor grades the risk they watch, then it is accepted (SET_RISK_GRADE is a supervisor event)', async () => {
    const created = await registerCase(testApp, team.mediators.community);

    const response = await sendEvent(testApp, team.supervisor, created.body.id, created.body.version, {
      type: 'SET_RISK_GRADE',
      riskGrade: 3,
      reason: '督查研判：群体性苗头。',
    });

    expect(response.status).toBe(200);
    expect(response.body.riskGrade).toBe(3);
  });

  it('when the list is filtered by ?riskGrade=4, then only cases graded 4 come back; a grade out of range is 400 naming riskGrade', async () => {
    const high = await registerCase(testApp, team.mediators.community, { riskGrade: 4 });
    await registerCase(testApp, team.mediators.community, { riskGrade: 2 });

    const list = await request(testApp.app)
      .get('/api/v1/cases?riskGrade=4&pageSize=200')
      .set(bearer(team.mediators.community));
    const bad = await request(testApp.app)
      .get('/api/v1/cases?riskGrade=9')
      .set(bearer(team.mediators.community));

    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((item: { riskGrade: number }) => item.riskGrade === 4)).toBe(true);
    expect(list.body.items.map((item: { id: string }) => item.id)).toContain(high.body.id);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('riskGrade');
  });
});

describe('the risk grade of a case (pages)', () => {
  let testApp: TestApp;
  let mediator: Browser;

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    await seedDemoOrganisation(testApp.db);
    // the demo passwords were set by the machine's clock; the test's runs on a day of its own
    await testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
    mediator = new Browser(testApp.app);
    await mediator.signIn('mediator', demoPassword);
  });
  afterAll(() => testApp.close());

  it('when the intake form is saved with 风险等级 3, then the case has it, the list shows its badge and the filter finds it; the form explains the grades', async () => {
    const form = await mediator.get('/cases/new');
    expect(form.text).toContain('<select id="field-riskGrade" name="riskGrade"');
    expect(form.text).toContain('风险等级评定标准');

    const saved = await mediator.post('/cases', {
      type: 'neighbourhood',
      source: 'walk_in',
      title: '相邻通行纠纷引发冲突',
      description: '双方因通道堆物多次发生口角，一方扬言报复。',
      riskGrade: '3',
      'parties.0.role': 'applicant',
      'parties.0.kind': 'person',
      'parties.0.name': '钱志强',
      'parties.0.language': 'zh-CN',
      'parties.1.role': 'respondent',
      'parties.1.kind': 'person',
      'parties.1.name': '吴秀兰',
      'parties.1.language': 'zh-CN',
      intent: 'save',
    });

    expect(saved.status).toBe(303);
    const [row] = await testApp.db.query(
      `SELECT id, risk_grade FROM cases WHERE title = '相邻通行纠纷引发冲突'`,
    );
    expect(row.risk_grade).toBe(3);
    const filtered = await mediator.get('/cases?riskGrade=3');
    expect(filtered.text).toContain('相邻通行纠纷引发冲突');
    expect(filtered.text).toContain('风险 3 级');
    expect(filtered.text).toMatch(/<option value="3" selected>3 级 · 重大（橙色）<\/option>/);
    const other = await mediator.get('/cases?riskGrade=1');
    expect(other.text).not.toContain('相邻通行纠纷引发冲突');
  });

  it('when the mediator changes the grade from the case page with a reason, then the timeline shows the new grade and the reason, and the header its badge', async () => {
    const [row] = await testApp.db.query(
      `SELECT id, version FROM cases WHERE title = '相邻通行纠纷引发冲突'`,
    );
    const page = await mediator.get(`/cases/${row.id}`);
    expect(page.text).toContain('data-action="SET_RISK_GRADE"');

    const response = await mediator.post(`/cases/${row.id}/events`, {
      type: 'SET_RISK_GRADE',
      formKey: 'SET_RISK_GRADE',
      expectedVersion: String(row.version),
      riskGrade: '2',
      reason: '经调解员上门疏导，双方情绪缓和。',
    });

    expect(response.status).toBe(303);
    const after = await mediator.get(`/cases/${row.id}`);
    expect(after.text).toContain('调整风险等级');
    expect(after.text).toContain('2 级 · 较大（黄色）');
    // the header's badge follows the new grade
    expect(after.text).toContain('风险 2 级');
    expect(after.text).toContain('经调解员上门疏导，双方情绪缓和。');
  });
});
