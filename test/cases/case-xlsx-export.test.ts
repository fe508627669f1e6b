import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import request from 'supertest';
import type { Actor } from '../../src/access/actor';
import type { CaseService } from '../../src/cases/case.service';
import { CaseExport } from '../../src/cases/case-export';
import { CaseExportQueries } from '../../src/cases/case-export.queries';
import { CaseListQueries } from '../../src/cases/case-list.queries';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { primaryReads, readsOf } from '../../src/shared/db/read-replica';
import { createI18n } from '../../src/shared/i18n/i18n';
import { apiToken, Browser } from '../support/auth';
import { actorNamed, caseInState } from '../support/case-steps';
import { download } from '../support/download';
import { createCase } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const startAt = new Date('2026-12-03T10:00:00+08:00');

/** The workbook as Excel would open it, read by the library itself. */
async function open(bytes: Buffer | Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

/** The first sheet's header and its rows as objects keyed by header. */
function table(sheet: ExcelJS.Worksheet) {
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Array<Record<string, ExcelJS.Cell>> = [];
  sheet.eachRow((row, index) => {
    if (index === 1) return;
    rows.push(Object.fromEntries(header.map((name, column) => [name, row.getCell(column + 1)])));
  });
  return { header, rows };
}

/** Every text in every cell of every sheet, to look for numbers that must not be there. */
function allText(workbook: ExcelJS.Workbook): string {
  const texts: string[] = [];
  workbook.eachSheet((sheet) =>
    sheet.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.text ?? '')))),
  );
  return texts.join('\n');
}

/** A moment's Asia/Shanghai wall clock, as a date cell holds it (UTC digits), to the minute. */
const shanghaiMinute = (moment: Date) =>
  new Date(moment.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16);

describe('the case list as an Excel workbook (GET /cases.xlsx, issue 21)', () => {
  let testApp: TestApp;
  let mediator: Browser;
  let actor: Actor;

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true }, { startAt });
    await seedDemoOrganisation(testApp.db);
    // the demo passwords were set now, by the machine's clock: not after the test's pinned day
    await testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
    mediator = new Browser(testApp.app);
    await mediator.signIn('mediator', demoPassword);
    actor = await actorNamed(testApp.services, testApp.db, 'mediator');
  });
  afterAll(() => testApp.close());

  it('answers a workbook whose registration, acceptance and deadline are date cells, with the list filter kept and the parties masked', async () => {
    const labour = await caseInState(testApp.services, actor, 'mediation.inProgress', {
      type: 'labour',
      title: '=HYPERLINK("http://x") 拖欠工资',
      parties: [
        {
          role: 'applicant',
          kind: 'person',
          name: '欧阳春晓',
          idNumber: '310112198503152015',
          phone: '13812345678',
        },
        {
          role: 'respondent',
          kind: 'organisation',
          name: '上海某建筑劳务有限公司',
          idNumber: '91310112MA1GB12347',
        },
      ],
    });
    const neighbour = await createCase(testApp.services, actor.id, { type: 'neighbourhood' });

    const page = await mediator.get('/cases?type=labour');
    expect(page.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).toContain(
      'href="/cases.xlsx?type=labour"',
    );
    expect(page.text).toContain('导出 Excel');

    const response = await download(mediator.agent, '/cases.xlsx?type=labour');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toBe('attachment; filename="cases-2026-12-03.xlsx"');

    const workbook = await open(response.body);
    const sheet = workbook.getWorksheet('案件');
    if (!sheet) throw new Error('no 案件 sheet');
    const { header, rows } = table(sheet);
    expect(header).toEqual([
      '案号',
      '标题',
      '纠纷类型',
      '状态',
      '风险等级',
      '结案方式',
      '调解层级',
      '调解渠道',
      '承办单位',
      '登记单位',
      '调解员',
      '申请人',
      '被申请人',
      '收到申请日期',
      '登记时间',
      '受理时间',
      '期限截止日',
      '是否超期',
      '结案时间',
      '争议金额',
      '涉及人数',
    ]);
    // the filter kept: labour cases only
    expect(rows.map((row) => row.纠纷类型.text)).toEqual(rows.map(() => '劳动争议'));
    const numbers = rows.map((row) => row.案号.text);
    expect(numbers).toContain(labour.number);
    expect(numbers).not.toContain(neighbour.number);

    const row = rows.find((cells) => cells.案号.text === labour.number);
    if (!row) throw new Error('the labour case is not in the workbook');
    const stored = await testApp.services.cases.getVisible(actor, labour.id);
    for (const column of ['登记时间', '受理时间', '收到申请日期', '期限截止日'])
      expect([column, row[column].type]).toEqual([column, ExcelJS.ValueType.Date]);
    expect((row.登记时间.value as Date).toISOString().slice(0, 16)).toBe(
      shanghaiMinute(stored.row.createdAt),
    );
    expect((row.受理时间.value as Date).toISOString().slice(0, 16)).toBe(
      shanghaiMinute(stored.row.acceptedAt as Date),
    );
    expect((row.收到申请日期.value as Date).toISOString().slice(0, 10)).toBe('2026-12-03');
    // 劳动争议调解仲裁法 §14: 15 days from the day the application was received
    expect((row.期限截止日.value as Date).toISOString().slice(0, 10)).toBe(stored.row.deadline?.due);
    expect(row.登记时间.numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(row.期限截止日.numFmt).toBe('yyyy-mm-dd');
    expect(row.结案时间.type).toBe(ExcelJS.ValueType.Null);
    expect(row.状态.text).toBe('调解中');
    // a title is text, never a formula Excel would run
    expect(row.标题.type).toBe(ExcelJS.ValueType.String);
    expect(row.标题.text).toBe('=HYPERLINK("http://x") 拖欠工资');

    // parties by name with their numbers masked; no full number anywhere in the file
    expect(row.申请人.text).toBe('欧阳春晓 310***********2015 138****5678');
    expect(row.被申请人.text).toBe('上海某建筑劳务有限公司 913***********2347');
    const text = allText(workbook);
    for (const full of ['310112198503152015', '13812345678', '91310112MA1GB12347'])
      expect(text).not.toContain(full);

    // a table to work with: header frozen, filters on every column
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:U1');

    // the second sheet says when and with which filter
    const about = workbook.getWorksheet('导出说明');
    if (!about) throw new Error('no 导出说明 sheet');
    const lines = Object.fromEntries(
      (about.getSheetValues() as unknown[][]).filter(Boolean).map((values) => [values[1], values[2]]),
    );
    expect(lines.纠纷类型).toBe('劳动争议');
    expect(lines.案件数).toBe(rows.length);
    expect(lines.导出时间).toBeInstanceOf(Date);
  });

  it('reads in English for an English reader: sheet, headers and labels', async () => {
    await caseInState(testApp.services, actor, 'screening', { type: 'consumer' });
    const english = new Browser(testApp.app);
    await english.signIn('mediator', demoPassword);
    await english.post('/locale', { locale: 'en', returnTo: '/cases' });
    const workbook = await open((await download(english.agent, '/cases.xlsx?type=consumer')).body);
    const sheet = workbook.getWorksheet('Cases');
    if (!sheet) throw new Error('no Cases sheet');
    const { header, rows } = table(sheet);
    expect(header.slice(0, 4)).toEqual(['Number', 'Title', 'Type', 'State']);
    expect(header).toEqual(
      expect.arrayContaining(['Applicants', 'Respondents', 'Registered at', 'Accepted at']),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.Type.text === 'Consumer')).toBe(true);
    expect(workbook.getWorksheet('About this export')).toBeDefined();
  });

  it('holds only what the reader may see: another unit’s mediator gets none of these cases, the district supervisor all', async () => {
    const row = await createCase(testApp.services, actor.id, { type: 'property_management' });
    const elsewhere = new Browser(testApp.app);
    await elsewhere.signIn('mediator.medical', demoPassword);
    const theirs = await open((await download(elsewhere.agent, '/cases.xlsx')).body);
    expect(allText(theirs)).not.toContain(row.number);

    const token = await apiToken(testApp.app, 'supervisor', demoPassword);
    const api = await request(testApp.app)
      .get('/api/v1/exports/cases.xlsx?type=property_management')
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(api.status).toBe(200);
    expect(allText(await open(api.body))).toContain(row.number);

    const openApi = await request(testApp.app).get('/api/openapi.json');
    const operation = openApi.body.paths['/api/v1/exports/cases.xlsx'].get;
    expect(Object.keys(operation.responses['200'].content)).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);

    // a filter that is no filter is refused, naming the field, before any file is begun
    const bad = await request(testApp.app)
      .get('/api/v1/exports/cases.xlsx?type=no_such_type')
      .set('Authorization', `Bearer ${token}`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('type');
    expect(bad.headers['content-disposition']).toBeUndefined();
  });

  it('writes a long list page by page as it reads it, and says so when it stops at its limit', async () => {
    for (let i = 0; i < 7; i++) await createCase(testApp.services, actor.id, { type: 'environmental' });
    const i18n = await createI18n('zh-CN');
    const context = { t: i18n.getFixedT('zh-CN'), locale: 'zh-CN' as const };
    const query = { type: 'environmental' as const, sort: 'newest' as const, page: 1, pageSize: 20 };

    /**
     * An export over pages of three, noting how much of the file had gone out when each page
     * was asked for and when it had been read.
     */
    async function exportWith(max: number) {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      const sent = () => chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      const sentBeforePage: number[] = [];
      const sentOncePageRead: number[] = [];
      const cases: Pick<CaseService, 'list'> = {
        list: async (who, asked) => {
          sentBeforePage.push(sent());
          const page = await testApp.services.cases.list(who, asked);
          sentOncePageRead.push(sent());
          return page;
        },
      };
      const exporter = new CaseExport(
        cases,
        testApp.services.casePresenter,
        readsOf(primaryReads(testApp.db, testApp.clock), (db) => ({
          lists: new CaseListQueries(db, testApp.services.cipher),
          queries: new CaseExportQueries(db),
        })),
        { now: () => startAt },
        { pageSize: 3, max },
      );
      await exporter.xlsx(actor, query, context, out);
      const workbook = await open(Buffer.concat(chunks));
      return {
        rows: table(workbook.getWorksheet('案件') as ExcelJS.Worksheet).rows,
        sentBeforePage,
        sentOncePageRead,
        total: sent(),
        workbook,
      };
    }

    const whole = await exportWith(1000);
    expect(whole.rows).toHaveLength(7);
    expect(new Set(whole.rows.map((row) => row.案号.text)).size).toBe(7);
    // three pages (3 + 3 + 1): nothing written before the first was read (a refusal is still an
    // error page), the file on its way out while the last was being read
    expect(whole.sentBeforePage).toHaveLength(3);
    expect(whole.sentBeforePage[0]).toBe(0);
    expect(whole.sentOncePageRead[2]).toBeGreaterThan(0);
    expect(whole.sentOncePageRead[2]).toBeLessThan(whole.total);

    const cut = await exportWith(5);
    expect(cut.rows).toHaveLength(5);
    expect(cut.sentBeforePage).toHaveLength(2); // no page read past the limit
    expect(allText(cut.workbook)).toContain('仅导出前 5 件');

    // the list's order (newest first) across the pages
    const listed = await testApp.services.cases.list(actor, { ...query, pageSize: 7 });
    expect(whole.rows.map((row) => row.案号.text)).toEqual(listed.items.map((item) => item.number));
  });

  it('the case sent on to closure carries its closing time as a date cell', async () => {
    const closed = await caseInState(testApp.services, actor, 'closed', { type: 'family' });
    const workbook = await open(
      (await download(mediator.agent, '/cases.xlsx?type=family&state=closed')).body,
    );
    const { rows } = table(workbook.getWorksheet('案件') as ExcelJS.Worksheet);
    const row = rows.find((cells) => cells.案号.text === closed.number);
    if (!row) throw new Error('the closed case is not in the workbook');
    expect(row.结案时间.type).toBe(ExcelJS.ValueType.Date);
    expect((row.结案时间.value as Date).toISOString().slice(0, 16)).toBe(
      shanghaiMinute(closed.closedAt as Date),
    );
  });
});
