import net from 'node:net';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import pino from 'pino';
import request from 'supertest';
import { readPoolApplicationName } from '../../src/shared/db/read-replica';
import { apiToken, Browser, createUser } from '../support/auth';
import { testEnv } from '../support/database-names';
import { download } from '../support/download';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * The statistics and the case exports read from a standby (DATABASE_READ_URL, issue 23). There
 * is no standby in `npm test`: "a standby that answers" is the test's own database named again
 * (its own pool, `grand-mediation-reads`), which says it is current; a real one is exercised by
 * `npm run ha:test`.
 */

/** A loopback port nothing listens on: one the kernel handed out, closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A logger whose lines the test reads. */
function recordingLogger(lines: Array<Record<string, unknown>>) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return pino({ level: 'info', base: undefined }, sink);
}

async function workbookOf(body: unknown): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as ArrayBuffer);
  return workbook;
}

/** The rows of a two-column sheet (label, value), by label. */
function linesOf(sheet: ExcelJS.Worksheet): Map<string, ExcelJS.Cell> {
  const lines = new Map<string, ExcelJS.Cell>();
  sheet.eachRow((row) => {
    lines.set(row.getCell(1).text, row.getCell(2));
  });
  return lines;
}

/** The district, a supervisor over it and a mediator who registers `count` cases at a workstation. */
async function districtWithCases(testApp: TestApp, count: number) {
  const tree = await createDistrictTree(testApp.db);
  const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id });
  const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
  const numbers: string[] = [];
  for (let i = 0; i < count; i++)
    numbers.push((await createCase(testApp.services, mediator.id, { type: 'labour' })).number);
  const browser = new Browser(testApp.app);
  await browser.signIn(supervisor.username);
  return { tree, supervisor, token: await apiToken(testApp.app, supervisor.username), browser, numbers };
}

describe('statistics and exports read from a standby (DATABASE_READ_URL)', () => {
  describe('a standby that answers (the test database, through a pool of its own)', () => {
    let testApp: TestApp;
    let district: Awaited<ReturnType<typeof districtWithCases>>;

    beforeAll(async () => {
      testApp = await startTestApp({}, { standby: {} });
      district = await districtWithCases(testApp, 3);
    });
    afterAll(() => testApp.close());

    const reads = () => {
      if (!testApp.reads) throw new Error('the test app has no standby');
      return testApp.reads.served;
    };

    it('reads the figures on the standby’s pool: the same figures, with the moment they are true of', async () => {
      const before = { ...reads() };
      const response = await request(testApp.app)
        .get('/api/v1/stats?type=labour')
        .set({ Authorization: `Bearer ${district.token}` });
      const answeredBy = new Date();
      expect(response.status).toBe(200);
      expect(response.body.received).toBe(3);
      expect(response.body.readFrom).toBe('standby');
      const asOf = new Date(response.body.asOf);
      expect(Number.isNaN(asOf.getTime())).toBe(false);
      expect(asOf.getTime()).toBeLessThanOrEqual(answeredBy.getTime());
      expect(reads().standby).toBe(before.standby + 1);
      expect(reads().primary).toBe(before.primary);

      const petitions = await request(testApp.app)
        .get('/api/v1/stats/petitions')
        .set({ Authorization: `Bearer ${district.token}` });
      expect(petitions.status).toBe(200);
      expect(petitions.body.readFrom).toBe('standby');

      // the standby's pool is its own, named so: its connections are on the server
      const [{ count }]: Array<{ count: number }> = await testApp.db.query(
        `SELECT count(*)::int AS count FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = $1`,
        [readPoolApplicationName],
      );
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(3);
    });

    it('the statistics page and the hand-off review say 数据截至 HH:MM:SS, in English "Data as of"', async () => {
      const page = await district.browser.get('/stats?type=labour');
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/<time datetime="[^"]+">数据截至 \d{2}:\d{2}:\d{2}<\/time>/);
      expect(page.text).toContain('读自备用数据库');
      const review = await district.browser.get('/escalations');
      expect(review.status).toBe(200);
      expect(review.text).toMatch(/数据截至 \d{2}:\d{2}:\d{2}/);

      const english = new Browser(testApp.app);
      await english.signIn(district.supervisor.username);
      await english.post('/locale', { locale: 'en', returnTo: '/' });
      const inEnglish = await english.get('/stats');
      expect(inEnglish.text).toContain('<html lang="en">');
      expect(inEnglish.text).toMatch(/Data as of \d{2}:\d{2}:\d{2}/);
      expect(inEnglish.text).toContain('Read from the standby database');
    });

    it('the exports read on the standby and say as of when: in a CSV’s name, in a workbook’s last sheet', async () => {
      const before = { ...reads() };
      const csv = await district.browser.get('/cases.csv?type=labour');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-disposition']).toMatch(
        /^attachment; filename="cases-\d{4}-\d{2}-\d{2}-asof-\d{6}\.csv"$/,
      );
      for (const number of district.numbers) expect(csv.text).toContain(number);
      expect(reads().standby).toBe(before.standby + 1);

      const xlsx = await download(district.browser.agent, '/cases.xlsx?type=labour');
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers['content-disposition']).toMatch(
        /filename="cases-\d{4}-\d{2}-\d{2}-asof-\d{6}\.xlsx"/,
      );
      const cases = await workbookOf(xlsx.body);
      const about = linesOf(cases.getWorksheet('导出说明') as ExcelJS.Worksheet);
      expect(about.get('数据截至')?.type).toBe(ExcelJS.ValueType.Date);
      expect(about.get('案件数')?.value).toBe(3);
      expect(reads().standby).toBe(before.standby + 2);

      const statsCsv = await district.browser.get('/stats.csv?type=labour');
      expect(statsCsv.headers['content-disposition']).toMatch(/filename="statistics-asof-\d{6}\.csv"/);
      expect(statsCsv.text).toContain('收案数,3');
      const statsXlsx = await download(district.browser.agent, '/stats.xlsx?type=labour');
      expect(statsXlsx.status).toBe(200);
      const figures = await workbookOf(statsXlsx.body);
      const scope = linesOf(figures.getWorksheet('筛选条件') as ExcelJS.Worksheet);
      expect(scope.get('数据截至')?.type).toBe(ExcelJS.ValueType.Date);
      expect(reads().primary).toBe(before.primary);
    });
  });

  describe('a standby that cannot be reached (a closed port)', () => {
    let testApp: TestApp;
    let district: Awaited<ReturnType<typeof districtWithCases>>;
    const lines: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
      const port = await closedPort();
      testApp = await startTestApp(
        {},
        {
          standby: { url: `postgres://postgres@127.0.0.1:${port}/mediation` },
          logger: recordingLogger(lines),
        },
      );
      district = await districtWithCases(testApp, 2);
    });
    afterAll(() => testApp.close());

    it('the figures and exports come from the primary, right and without a note; the outage is logged once', async () => {
      for (let i = 0; i < 3; i++) {
        const response = await request(testApp.app)
          .get('/api/v1/stats?type=labour')
          .set({ Authorization: `Bearer ${district.token}` });
        expect(response.status).toBe(200);
        expect(response.body.received).toBe(2);
        expect(response.body.readFrom).toBe('primary');
      }
      const page = await district.browser.get('/stats?type=labour');
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('数据截至');
      expect(page.text).toContain('data-figure="received"');

      const csv = await district.browser.get('/cases.csv?type=labour');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-disposition']).toMatch(
        /^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      for (const number of district.numbers) expect(csv.text).toContain(number);
      const xlsx = await download(district.browser.agent, '/cases.xlsx?type=labour');
      expect(xlsx.status).toBe(200);
      const about = linesOf((await workbookOf(xlsx.body)).getWorksheet('导出说明') as ExcelJS.Worksheet);
      expect(about.has('数据截至')).toBe(false);

      expect(testApp.reads?.served.standby).toBe(0);
      const warnings = lines.filter((line) => String(line.msg).includes('DATABASE_READ_URL'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].level).toBe(40);

      // readiness is the primary's: a standby down does not take the instance out of service
      const ready = await request(testApp.app).get('/readyz');
      expect(ready.status).toBe(200);
    });
  });

  describe('a standby that answers but fails the read (a database without the schema)', () => {
    let testApp: TestApp;
    let district: Awaited<ReturnType<typeof districtWithCases>>;

    beforeAll(async () => {
      const admin = process.env[testEnv.adminUrl];
      if (!admin) throw new Error(`${testEnv.adminUrl} is not set: run the tests through jest`);
      testApp = await startTestApp({}, { standby: { url: admin } });
      district = await districtWithCases(testApp, 1);
    });
    afterAll(() => testApp.close());

    it('reads the same figures again on the primary: no 500', async () => {
      const response = await request(testApp.app)
        .get('/api/v1/stats?type=labour')
        .set({ Authorization: `Bearer ${district.token}` });
      expect(response.status).toBe(200);
      expect(response.body.received).toBe(1);
      expect(response.body.readFrom).toBe('primary');
      const csv = await district.browser.get('/cases.csv?type=labour');
      expect(csv.status).toBe(200);
      expect(csv.text).toContain(district.numbers[0]);
      expect(testApp.reads?.served.standby).toBe(0);
    });
  });
});
