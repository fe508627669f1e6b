import ExcelJS from 'exceljs';
import type { Actor } from '../../src/access/actor';
import { Browser, createUser } from '../support/auth';
import { send } from '../support/case-steps';
import { download } from '../support/download';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const startAt = new Date('2026-12-03T10:00:00+08:00');

/** The workbook a signed-in browser downloads, read by the library itself. */
async function workbookAt(browser: Browser, path: string) {
  const response = await download(browser.agent, path);
  if (response.status !== 200) return { response, workbook: null };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
  return { response, workbook };
}

/** A sheet's rows after the header, as arrays of cells. */
function bodyRows(sheet: ExcelJS.Worksheet): ExcelJS.Cell[][] {
  const rows: ExcelJS.Cell[][] = [];
  sheet.eachRow((row, index) => {
    if (index > 1)
      rows.push(Array.from({ length: sheet.columnCount }, (_, column) => row.getCell(column + 1)));
  });
  return rows;
}

const headerOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1);

describe('the statistics as an Excel workbook (GET /stats.xlsx, issue 21)', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let mediator: Actor;
  const browsers: Record<string, Browser> = {};

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt });
    tree = await createDistrictTree(testApp.db);
    const users = {
      mediator: await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id }),
      districtSupervisor: await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id }),
      englishSupervisor: await createUser(testApp.db, {
        role: 'supervisor',
        unitId: tree.district.id,
        locale: 'en',
      }),
      streetSupervisor: await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id }),
    };
    // the passwords were set now, by the machine's clock: not after the test's pinned day
    await testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
    for (const [key, user] of Object.entries(users)) {
      browsers[key] = new Browser(testApp.app);
      await browsers[key].signIn(user.username);
    }
    const actor = await testApp.services.actors.load(users.mediator.id);
    if (!actor) throw new Error('no mediator');
    mediator = actor;
  });
  afterAll(() => testApp.close());

  it('holds each figure with its numerator and denominator, the per-unit table and the series, for the page’s filter', async () => {
    const declined = await createCase(testApp.services, mediator.id, { type: 'labour' });
    await send(
      testApp.services,
      mediator,
      declined,
      { type: 'SUBMIT' },
      { type: 'DECLINE', reason: '不属于人民调解受理范围。' },
    );
    await createCase(testApp.services, mediator.id, { type: 'labour' });
    await createCase(testApp.services, mediator.id, { type: 'labour' });
    await createCase(testApp.services, mediator.id, { type: 'family' }); // another type: not counted

    const page = await browsers.districtSupervisor.get('/stats?type=labour');
    expect(page.text).toContain('formaction="/stats.xlsx"');
    expect(page.text).toContain('导出 Excel');

    const { response, workbook } = await workbookAt(
      browsers.districtSupervisor,
      '/stats.xlsx?type=labour&from=',
    );
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toBe('attachment; filename="statistics-2026-12-03.xlsx"');
    if (!workbook) throw new Error('no workbook');
    // the figures first, the filter last, a sheet per table between; every name in Chinese
    const names = workbook.worksheets.map((sheet) => sheet.name);
    expect(names[0]).toBe('指标');
    expect(names.at(-1)).toBe('筛选条件');
    expect(names).toEqual(
      expect.arrayContaining([
        '各单位',
        '按月',
        '按纠纷类型',
        '按结案层级',
        '按移交理由',
        '信访',
        '信访按类别',
        '信访按标记',
      ]),
    );
    expect(names.filter((name) => /[A-Za-z]/.test(name))).toEqual([]);

    const figures = workbook.getWorksheet('指标') as ExcelJS.Worksheet;
    expect(headerOf(figures)).toEqual(['指标', '数值', '分子', '分母']);
    const byLabel = new Map(bodyRows(figures).map((cells) => [cells[0].text, cells]));
    expect(byLabel.get('收案数')?.[1].value).toBe(3);
    const closure = byLabel.get('办结率');
    if (!closure) throw new Error('no closure rate');
    // closed / received: one of the three labour disputes (declined at screening)
    expect(closure.slice(1).map((cell) => cell.value)).toEqual([0.3333, 1, 3]);
    expect(closure[1].numFmt).toBe('0.0%');
    expect(closure[1].type).toBe(ExcelJS.ValueType.Number);
    expect(byLabel.has('按期办结率')).toBe(true);
    expect(byLabel.has('上报被质疑率')).toBe(true);

    const byUnit = workbook.getWorksheet('各单位') as ExcelJS.Worksheet;
    // the unit by name, then each figure as its value, numerator and denominator, all labelled
    const header = headerOf(byUnit) as string[];
    expect(header[0]).toBe('单位');
    const numerators = header.filter((name) => name.endsWith(' · 分子'));
    expect(numerators.length).toBeGreaterThan(0);
    for (const numerator of numerators) {
      const figure = numerator.slice(0, -' · 分子'.length);
      expect(header[header.indexOf(numerator) - 1]).toBe(figure);
      expect(header[header.indexOf(numerator) + 1]).toBe(`${figure} · 分母`);
    }
    expect(header.filter((name) => /[A-Za-z]/.test(name))).toEqual([]);
    const community = bodyRows(byUnit).find((cells) => cells[0].text === tree.community.nameZh);
    // the three labour disputes the community held are the denominator of its rates
    expect(community?.[header.indexOf(`${numerators[0].slice(0, -' · 分子'.length)} · 分母`)].value).toBe(3);
    expect(byUnit.autoFilter).toBe(`A1:${String.fromCharCode(64 + header.length)}1`);
    expect(byUnit.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const monthly = workbook.getWorksheet('按月') as ExcelJS.Worksheet;
    const [december] = bodyRows(monthly);
    expect(december[0].type).toBe(ExcelJS.ValueType.Date);
    expect((december[0].value as Date).toISOString().slice(0, 7)).toBe('2026-12');
    expect(december.slice(1).map((cell) => cell.value)).toEqual([3, 1]);

    const byType = workbook.getWorksheet('按纠纷类型') as ExcelJS.Worksheet;
    expect(bodyRows(byType).map((cells) => cells[0].text)).toEqual(['劳动争议']);

    const scope = workbook.getWorksheet('筛选条件') as ExcelJS.Worksheet;
    const said = new Map<string, ExcelJS.Cell>();
    scope.eachRow((row) => said.set(row.getCell(1).text, row.getCell(2)));
    expect(said.get('纠纷类型')?.text).toBe('劳动争议');
    expect(said.get('辖区')?.text).toBe(tree.district.nameZh);
    expect(said.get('导出时间')?.type).toBe(ExcelJS.ValueType.Date);
  });

  it('a period is kept as date cells, and an English reader gets English sheets and headers', async () => {
    const { workbook } = await workbookAt(
      browsers.englishSupervisor,
      '/stats.xlsx?from=2026-12-01&to=2026-12-31',
    );
    if (!workbook) throw new Error('no workbook');
    const names = workbook.worksheets.map((sheet) => sheet.name);
    expect(names[0]).toBe('Figures');
    expect(names.at(-1)).toBe('Filter');
    expect(names).toEqual(
      expect.arrayContaining(['By unit', 'By month', 'By dispute type', 'By closing level']),
    );
    expect(headerOf(workbook.getWorksheet('By unit') as ExcelJS.Worksheet)[0]).toBe('Unit');
    expect(headerOf(workbook.getWorksheet('Figures') as ExcelJS.Worksheet)).toEqual([
      'Figure',
      'Value',
      'Numerator',
      'Denominator',
    ]);
    const said = new Map<string, ExcelJS.Cell>();
    (workbook.getWorksheet('Filter') as ExcelJS.Worksheet).eachRow((row) =>
      said.set(row.getCell(1).text, row.getCell(2)),
    );
    const from = said.get('Registered from');
    if (!from) throw new Error('the period is not in the workbook');
    expect(from.type).toBe(ExcelJS.ValueType.Date);
    expect((from.value as Date).toISOString().slice(0, 10)).toBe('2026-12-01');
  });

  it('covers only the reader’s own subtree, and refuses a bad filter naming the field', async () => {
    const elsewhere = await workbookAt(
      browsers.streetSupervisor,
      `/stats.xlsx?unitId=${tree.otherStreet.id}`,
    );
    expect(elsewhere.response.status).toBe(404);
    const own = await workbookAt(browsers.streetSupervisor, `/stats.xlsx?unitId=${tree.community.id}`);
    expect(own.response.status).toBe(200);
    const bad = await browsers.streetSupervisor.agent
      .get('/stats.xlsx?from=2026-13-45')
      .set('Accept', 'application/json');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from');
    const mediatorBrowser = new Browser(testApp.app);
    await mediatorBrowser.signIn(mediator.username);
    expect((await mediatorBrowser.agent.get('/stats.xlsx')).status).toBe(403);
  });
});
