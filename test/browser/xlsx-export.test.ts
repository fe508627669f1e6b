import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { desktop, launchChromium, type RunningApp, startBrowserTestApp, UiSession } from '../support/browser';
import { actorNamed, send } from '../support/case-steps';
import { createCase } from '../support/factories';

jest.setTimeout(180_000);

const startAt = new Date('2026-12-03T10:00:00+08:00');

/** The downloaded file, opened by the library as Excel would open it. */
async function opened(download: { path(): Promise<string | null> }): Promise<ExcelJS.Workbook> {
  const file = await download.path();
  if (!file) throw new Error('the download was not saved');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(fs.readFileSync(file) as unknown as ArrayBuffer);
  return workbook;
}

/**
 * Issue 21 in the browser: a mediator filters the case list and clicks "导出 Excel"; a supervisor
 * sets the statistics' filter and clicks "导出 Excel". Each download is opened with the library
 * and its cells checked: dates are date cells, parties masked, the filter kept. Every page passes
 * axe (no serious or critical violation), with no console error and no failed load.
 */
describe('in the browser: the Excel exports of the case list and the statistics', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserTestApp({ startAt }), launchChromium()]);
    // the demo passwords were set now, by the machine's clock: not after the test's pinned day
    await app.testApp.db.query(
      `UPDATE users SET password_changed_at = '2020-01-01' WHERE username IN ('mediator', 'supervisor')`,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a mediator downloads the filtered list: date cells, masked parties, only the filtered type', async () => {
    const { services, db } = app.testApp;
    const mediator = await actorNamed(services, db, 'mediator');
    const labour = await createCase(services, mediator.id, {
      type: 'labour',
      parties: [
        {
          role: 'applicant',
          kind: 'person',
          name: '孙丽华',
          idNumber: '310112200002290014',
          phone: '13900001111',
        },
        {
          role: 'respondent',
          kind: 'organisation',
          name: '上海某餐饮有限公司',
          idNumber: '913100006072212342',
        },
      ],
    });
    await send(services, mediator, labour, { type: 'SUBMIT' });
    const other = await createCase(services, mediator.id, { type: 'neighbourhood' });

    const ui = await UiSession.open(browser, app.baseUrl, desktop, 'i21-xlsx');
    const page = ui.page;
    try {
      await ui.signIn('mediator');
      await ui.goto('/cases?type=labour', 'case-list-labour');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: '导出 Excel' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('cases-2026-12-03.xlsx');
      const workbook = await opened(download);
      const sheet = workbook.getWorksheet('案件') as ExcelJS.Worksheet;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const column = (name: string) => header.indexOf(name) + 1;
      const numbers: string[] = [];
      sheet.eachRow((row, index) => {
        if (index > 1) numbers.push(row.getCell(column('案号')).text);
      });
      expect(numbers).toContain(labour.number);
      expect(numbers).not.toContain(other.number);
      const row = sheet.getRow(numbers.indexOf(labour.number) + 2);
      expect(row.getCell(column('登记时间')).type).toBe(ExcelJS.ValueType.Date);
      expect(row.getCell(column('收到申请日期')).type).toBe(ExcelJS.ValueType.Date);
      expect(row.getCell(column('申请人')).text).toBe('孙丽华 310***********0014 139****1111');
      expect(row.getCell(column('被申请人')).text).toBe('上海某餐饮有限公司 913***********2342');

      // the CSV beside it: its dates in ISO form on the district's clock, which a spreadsheet sorts
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: '导出 CSV' }).click(),
      ]);
      const csvFile = await csvDownload.path();
      if (!csvFile) throw new Error('the CSV was not saved');
      const [csvHeader, ...csvRows] = parse(
        fs.readFileSync(csvFile, 'utf8').replace(/^\uFEFF/, ''),
      ) as string[][];
      const labourRow = csvRows.find((cells) => cells[csvHeader.indexOf('案号')] === labour.number) ?? [];
      // Asia/Shanghai has no summer time: its clock is UTC + 8 hours
      const shanghai = new Date(labour.createdAt.getTime() + 8 * 3600_000).toISOString();
      expect(labourRow[csvHeader.indexOf('登记时间')]).toBe(
        `${shanghai.slice(0, 10)} ${shanghai.slice(11, 16)}`,
      );
      for (const cells of csvRows)
        expect(cells[csvHeader.indexOf('登记时间')]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }
  });

  it('a supervisor downloads the statistics with the filter set on the page', async () => {
    const { services, db } = app.testApp;
    const mediator = await actorNamed(services, db, 'mediator');
    await createCase(services, mediator.id, { type: 'labour' });
    const supervisor = await actorNamed(services, db, 'supervisor');
    const expected = await services.stats.figures(supervisor, { type: 'labour', from: '2026-12-01' });
    expect(expected.received).toBeGreaterThan(0);
    const ui = await UiSession.open(browser, app.baseUrl, desktop, 'i21-xlsx-stats');
    const page = ui.page;
    try {
      await ui.signIn('supervisor');
      await ui.goto('/stats', 'stats');
      await page.locator('form.filters select[name="type"]').selectOption('labour');
      await page.locator('form.filters input[name="from"]').fill('2026-12-01');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: '导出 Excel' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('statistics-2026-12-03.xlsx');
      const workbook = await opened(download);
      const figures = workbook.getWorksheet('指标') as ExcelJS.Worksheet;
      const received = figures.getRow(2);
      expect(received.getCell(1).text).toBe('收案数');
      expect(received.getCell(2).value).toBe(expected.received);
      const said = new Map<string, ExcelJS.Cell>();
      (workbook.getWorksheet('筛选条件') as ExcelJS.Worksheet).eachRow((row) =>
        said.set(row.getCell(1).text, row.getCell(2)),
      );
      expect(said.get('纠纷类型')?.text).toBe('劳动争议');
      expect(said.get('登记日期自')?.type).toBe(ExcelJS.ValueType.Date);
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
