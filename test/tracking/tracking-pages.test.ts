import { Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { startAt } from './tracking-support';

const codeIn = (html: string) => /<code class="lookup-code"[^>]*>([A-Z0-9-]+)<\/code>/.exec(html)?.[1];

/**
 * Issue 20: the case page's "party access" panel shows a new lookup code once (after ACCEPT or
 * after its button), and the public page /track answers the party in plain words.
 */
describe('the party access panel and the /track page', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let mediator: Browser;
  let mediatorId: string;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt });
    tree = await createDistrictTree(testApp.db);
    const user = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    mediatorId = user.id;
    mediator = new Browser(testApp.app);
    await mediator.signIn(user.username);
  });
  afterAll(() => testApp.close());

  async function acceptedOnThePage() {
    const row = await createCase(testApp.services, mediatorId, {
      parties: [
        {
          role: 'applicant',
          kind: 'person',
          name: '周晓梅',
          idNumber: '310112197808084565',
          phone: '13812345678',
        },
        { role: 'respondent', kind: 'person', name: `物业公司${Math.random().toString(36).slice(2, 8)}` },
      ],
    });
    await mediator.get(`/cases/${row.id}`);
    await mediator.post(`/cases/${row.id}/events`, {
      type: 'SUBMIT',
      formKey: 'SUBMIT',
      expectedVersion: String(row.version),
    });
    await mediator.get(`/cases/${row.id}`);
    const accepted = await mediator.post(`/cases/${row.id}/events`, {
      type: 'ACCEPT',
      formKey: 'ACCEPT-people',
      expectedVersion: String(row.version + 1),
      track: 'people',
      level: 'community',
    });
    expect(accepted.status).toBe(303);
    return row;
  }

  it('after ACCEPT the case page shows the new code once, saying it will not be shown again; the next visit does not', async () => {
    const row = await acceptedOnThePage();
    const first = await mediator.get(`/cases/${row.id}`);
    expect(first.text).toContain('id="party-access"');
    const code = codeIn(first.text);
    expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    expect(first.text).toContain('该查询码只显示这一次');
    expect(first.headers['cache-control']).toBe('no-store');
    const second = await mediator.get(`/cases/${row.id}`);
    expect(codeIn(second.text)).toBeUndefined();
    expect(second.text).not.toContain(code as string);
    expect(second.text).toMatch(/当前查询码生成于 .+，由 测试用户\d+ 生成/);
  });

  it('the button issues a new code, shown once; turning the lookup off is shown on the panel', async () => {
    const row = await acceptedOnThePage();
    const old = codeIn((await mediator.get(`/cases/${row.id}`)).text) as string;
    const issued = await mediator.post(`/cases/${row.id}/tracking-code`);
    expect(issued.status).toBe(303);
    expect(issued.headers.location).toBe(`/cases/${row.id}#party-access`);
    const fresh = codeIn((await mediator.get(`/cases/${row.id}`)).text);
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(old);
    expect((await mediator.post(`/cases/${row.id}/tracking`, { enabled: 'false' })).status).toBe(303);
    expect((await mediator.get(`/cases/${row.id}`)).text).toContain('已关闭：任何查询码都查不到本事项');
    await mediator.post(`/cases/${row.id}/tracking`, { enabled: 'true' });
  });

  it('the code shown once prints on the acceptance notice (受理通知书) from the panel; a code that is not the current one does not', async () => {
    const row = await acceptedOnThePage();
    const page = await mediator.get(`/cases/${row.id}`);
    const code = codeIn(page.text) as string;
    expect(page.text).toContain(`action="/cases/${row.id}/documents/acceptance-notice"`);
    expect(page.text).toContain('打印附查询码的受理通知书');

    const notice = await mediator.post(`/cases/${row.id}/documents/acceptance-notice`, { code });
    expect(notice.status).toBe(200);
    expect(notice.text).toContain('受理通知书');
    expect(notice.text).toContain(code);
    expect(notice.headers['cache-control']).toBe('no-store');

    // a new code ends the old: the old one no longer prints, and nothing else prints as a code
    await mediator.post(`/cases/${row.id}/tracking-code`);
    await mediator.get(`/cases/${row.id}`);
    const stale = await mediator.post(`/cases/${row.id}/documents/acceptance-notice`, { code });
    expect(stale.status).toBe(422);
    expect(stale.text).toContain('不能打印在受理通知书上');
    expect(stale.text).not.toContain(code);
    const invented = await mediator.post(`/cases/${row.id}/documents/acceptance-notice`, {
      code: 'AAAAA-AAAAA',
    });
    expect(invented.status).toBe(422);
    // every try is audited, printed or refused, never with the code
    const tries: Array<{ details: { outcome: string } }> = await testApp.db.query(
      `SELECT details FROM audit_log WHERE action = 'case.lookup_code_printed' AND target_id = $1 ORDER BY at, id`,
      [row.id],
    );
    expect(tries.map((entry) => entry.details.outcome)).toEqual(['printed', 'not_current', 'not_current']);
    expect(JSON.stringify(tries)).not.toContain(code.replace('-', ''));
  });

  it('/track: a party with the number and code reads the state and what it means, with nothing personal; a wrong code reads as unknown', async () => {
    const row = await acceptedOnThePage();
    const code = codeIn((await mediator.get(`/cases/${row.id}`)).text) as string;
    const party = new Browser(testApp.app);
    const form = await party.get('/track');
    expect(form.status).toBe(200);
    expect(form.text).toContain('查询纠纷或信访事项的办理进度');
    expect(form.text).not.toContain('href="/cases"'); // no staff navigation
    const result = await party.post('/track', { number: row.number, code: code.toLowerCase() });
    expect(result.status).toBe(200);
    expect(result.text).toContain('待分派调解员');
    expect(result.text).toContain('您的纠纷已被受理');
    expect(result.text).toContain(tree.community.nameZh);
    for (const personal of ['周晓梅', '310112197808084565', '4565', '13812345678'])
      expect(result.text).not.toContain(personal);

    const wrong = await party.post('/track', { number: row.number, code: 'AAAAA-AAAAA' });
    const unknown = await party.post('/track', { number: 'MH-2026-999999', code });
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.text).toContain('没有找到与该编号和查询码相符的记录');
    expect(wrong.text).not.toContain(code);
    expect(unknown.text.replace(/MH-2026-999999/g, row.number).replace(/value="[^"]{20,}"/g, '')).toBe(
      wrong.text.replace(/value="[^"]{20,}"/g, ''),
    );
  });

  it('/track in English: the form and the result in the visitor’s language', async () => {
    const party = new Browser(testApp.app);
    const form = await party.agent.get('/track').set('Accept-Language', 'en');
    expect(form.text).toContain('Look up the progress of a dispute or petition');
    expect(form.text).toContain('lang="en"');
  });
});
