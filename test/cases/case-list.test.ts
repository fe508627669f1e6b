import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { apiToken, Browser } from '../support/auth';
import { actorNamed, caseInState, send } from '../support/case-steps';
import { startDemoApp } from '../support/demo-app';
import { createCase, linkCaseToAgent } from '../support/factories';
import type { TestApp } from '../support/test-app';

/** HTML with its attribute escapes undone, as a browser reads the links. */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('the case list, its CSV export and the dashboard', () => {
  let testApp: TestApp;
  let mediator: Browser;

  beforeAll(async () => {
    ({ testApp, browser: mediator } = await startDemoApp('mediator'));
  });
  afterAll(() => testApp.close());

  it('searches in Chinese over titles, facts and party names, with the filter kept in a bookmarkable URL', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const wanted = await createCase(testApp.services, actor.id, {
      type: 'property_management',
      title: '电梯停运物业纠纷',
      parties: [
        { role: 'applicant', kind: 'person', name: '欧阳春晓' },
        { role: 'respondent', kind: 'organisation', name: '上海某物业管理有限公司' },
      ],
    });
    const other = await createCase(testApp.services, actor.id, { title: '阳台漏水' });

    const byName = await mediator.get(`/cases?q=${encodeURIComponent('春晓')}`);
    expect(byName.status).toBe(200);
    expect(byName.text).toContain(wanted.number);
    expect(byName.text).not.toContain(other.number);
    expect(byName.text).toContain('value="春晓"');

    const byType = await mediator.get('/cases?type=property_management&state=registered&sort=oldest');
    expect(byType.text).toContain(wanted.number);
    expect(byType.text).not.toContain(other.number);
    expect(byType.text).toMatch(/<option value="property_management" selected>/);
    expect(decoded(byType.text)).toContain(
      'href="/cases.csv?state=registered&type=property_management&sort=oldest"',
    );

    // blank fields from an untouched filter form are no filter at all
    const blank = await mediator.get('/cases?q=&state=&type=&track=&level=&unitId=&from=&to=&sort=newest');
    expect(blank.status).toBe(200);
    expect(blank.text).toContain(wanted.number);
    expect(blank.text).toContain(other.number);
  });

  it('a state filter takes a whole stage (mediation) or one of its sub-states', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const waiting = await caseInState(testApp.services, actor, 'mediation.awaitingMediator');
    const working = await caseInState(testApp.services, actor, 'mediation.inProgress');
    const stage = await mediator.get('/cases?state=mediation&pageSize=200');
    expect(stage.text).toContain(waiting.number);
    expect(stage.text).toContain(working.number);
    const one = await mediator.get('/cases?state=mediation.inProgress&pageSize=200');
    expect(one.text).not.toContain(waiting.number);
    expect(one.text).toContain(working.number);
    // the start of a state's name is not a state: nothing matches, and it is no error
    const partial = await mediator.get('/cases?state=mediat&pageSize=200');
    expect(partial.status).toBe(200);
    expect(partial.text).not.toContain(working.number);
  });

  it('pages are linked with the filter kept', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    for (let i = 0; i < 3; i++) await createCase(testApp.services, actor.id, { type: 'consumer' });
    const first = await mediator.get('/cases?type=consumer&pageSize=2');
    expect(first.text).toContain('第 1 / 2 页');
    expect(decoded(first.text)).toContain('href="/cases?type=consumer&pageSize=2&page=2"');
  });

  it('exports the filtered list as Excel-friendly CSV: UTF-8 with a BOM, Chinese headers, formulas neutralised', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const labour = await createCase(testApp.services, actor.id, {
      type: 'labour',
      title: '=HYPERLINK("http://x")',
    });
    const neighbour = await createCase(testApp.services, actor.id, { type: 'neighbourhood' });
    const response = await mediator.agent
      .get('/cases.csv?type=labour')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const body = response.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    const [header, ...lines] = text.trim().split('\r\n');
    expect(header).toBe(
      '案号,标题,纠纷类型,来源渠道,状态,结案方式,调解渠道,调解层级,承办单位,登记单位,调解员,期限截止日,是否超期,争议金额,涉及人数,登记时间,结案时间',
    );
    expect(text).toContain(labour.number);
    expect(text).not.toContain(neighbour.number);
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(lines.every((line) => line.includes('劳动争议'))).toBe(true);
  });

  it('writes the CSV dates in ISO form on the district clock, in both languages, so a spreadsheet sorts them', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const open = await caseInState(testApp.services, actor, 'mediation.inProgress', { type: 'family' });
    const closed = await caseInState(testApp.services, actor, 'closed', { type: 'family' });
    // Asia/Shanghai has no summer time: a moment there is UTC + 8 hours
    const shanghai = (moment: Date) =>
      new Date(moment.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    const token = await apiToken(testApp.app, 'mediator', demoPassword);
    for (const language of ['zh-CN', 'en']) {
      const response = await request(testApp.app)
        .get('/api/v1/exports/cases.csv?type=family')
        .set({ Authorization: `Bearer ${token}`, 'Accept-Language': language });
      expect(response.status).toBe(200);
      const [header, ...rows] = parse(response.text.replace(/^\uFEFF/, '')) as string[][];
      const column = (name: string) => header.indexOf(name);
      const [due, registeredAt, closedAt] =
        language === 'en'
          ? [column('Deadline'), column('Registered'), column('Closed')]
          : [column('期限截止日'), column('登记时间'), column('结案时间')];
      expect([due, registeredAt, closedAt].every((index) => index >= 0)).toBe(true);
      const rowOf = (number: string) => rows.find((row) => row[0] === number) ?? [];
      expect(rowOf(open.number)[registeredAt]).toBe(shanghai(open.createdAt));
      expect(rowOf(open.number)[due]).toBe(open.deadline?.due);
      expect(rowOf(open.number)[due]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(rowOf(closed.number)[closedAt]).toBe(shanghai(closed.closedAt as Date));
      for (const row of rows) {
        expect(row[registeredAt]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
        expect(row[closedAt]).toMatch(/^(\d{4}-\d{2}-\d{2} \d{2}:\d{2})?$/);
        expect(row[due]).toMatch(/^(\d{4}-\d{2}-\d{2})?$/);
      }
    }
  });

  it('the API exports the same CSV to a system with a token', async () => {
    const token = await apiToken(testApp.app, 'supervisor', demoPassword);
    const response = await request(testApp.app)
      .get('/api/v1/exports/cases.csv?state=registered')
      .set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.text.startsWith('\uFEFF案号,')).toBe(true);
    const openApi = await request(testApp.app).get('/api/openapi.json');
    expect(
      openApi.body.paths['/api/v1/exports/cases.csv'].get.parameters.map((p: { name: string }) => p.name),
    ).toEqual(expect.arrayContaining(['state', 'type', 'q', 'overdue', 'unitId', 'from', 'to']));
  });

  it('the dashboard shows a mediator what waits for their unit, their own cases, and links to the lists', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const waiting = await caseInState(testApp.services, actor, 'screening');
    const mine = await caseInState(testApp.services, actor, 'mediation.inProgress');
    const page = await mediator.get('/');
    expect(page.status).toBe(200);
    const waitingSection = page.text.slice(
      page.text.indexOf('id="waiting-title"'),
      page.text.indexOf('id="mine-title"'),
    );
    expect(waitingSection).toContain(waiting.number);
    expect(decoded(waitingSection)).toContain(`href="/cases?state=screening&unitId=${actor.unitId}"`);
    const mineSection = page.text.slice(page.text.indexOf('id="mine-title"'));
    expect(mineSection).toContain(mine.number);
    expect(decoded(page.text)).toContain(`href="/cases?mediatorId=${actor.id}&sort=due"`);
    expect(page.text).toMatch(/还剩 \d+ 天/);
  });

  it('a hand-off shows on the receiving unit’s dashboard, and a supervisor sees hand-offs into their area', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await send(
      testApp.services,
      actor,
      await caseInState(testApp.services, actor, 'mediation.inProgress'),
      {
        type: 'ESCALATE',
        reasonCode: 'high_risk',
        reason: '双方情绪激动，有激化风险。',
      },
    );
    for (const username of ['mediator.street', 'supervisor.street']) {
      const browser = new Browser(testApp.app);
      await browser.signIn(username, demoPassword);
      const page = await browser.get('/');
      const handOffs = page.text.slice(
        page.text.indexOf('id="handoffs-title"'),
        page.text.indexOf('id="recent-title"'),
      );
      expect(handOffs).toContain(row.number);
      expect(handOffs).toContain('风险高');
      expect(handOffs).toContain('由 莘松居委工作站 上报');
    }
  });

  it('an agent sees the cases they follow; an admin sees no case sections', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const agent = await actorNamed(testApp.services, testApp.db, 'agent');
    const followed = await caseInState(testApp.services, actor, 'registered');
    await linkCaseToAgent(testApp.services, testApp.db, followed.id, agent.id);
    const agentBrowser = new Browser(testApp.app);
    await agentBrowser.signIn('agent', demoPassword);
    const agentPage = await agentBrowser.get('/');
    expect(agentPage.text).toContain(followed.number);
    expect(agentPage.text).not.toContain('id="waiting-title"');
    expect(agentPage.text).not.toContain('href="/cases/new"');

    const admin = new Browser(testApp.app);
    await admin.signIn('admin', demoPassword);
    const adminPage = await admin.get('/');
    expect(adminPage.status).toBe(200);
    expect(adminPage.text).toContain('单位、用户和审计日志在上方菜单中管理');
    expect(adminPage.text).not.toContain('id="recent-title"');
  });
  // last: it moves the clock forward for everything after it
  it('once a deadline has passed, the case is overdue in colour and words, counted on the dashboard and filtered in the list', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const late = await caseInState(testApp.services, actor, 'mediation.inProgress', { type: 'labour' });
    testApp.clock.advanceMinutes(20 * 24 * 60); // labour: 15 calendar days (劳动争议调解仲裁法 §14)
    await mediator.signIn('mediator', demoPassword); // twenty days later, the session has long ended

    const page = await mediator.get(`/cases/${late.id}`);
    expect(page.text).toMatch(/<span class="deadline deadline-overdue"><strong>已超期 \d+ 天<\/strong>/);
    expect(page.text).toContain('劳动争议调解仲裁法 第十四条');
    const list = await mediator.get('/cases?overdue=true&pageSize=200');
    expect(list.text).toContain(late.number);
    const notOverdue = await mediator.get('/cases?state=registered&pageSize=200');
    expect(notOverdue.text).not.toContain(late.number);
    const dashboard = await mediator.get('/');
    expect(dashboard.text).toMatch(
      /class="counter counter-overdue" href="[^"]*overdue&#x3D;true[^"]*"><strong>[1-9]\d*<\/strong>/,
    );
  });
});
