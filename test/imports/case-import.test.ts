import request from 'supertest';
import { Case } from '../../src/cases/case.entity';
import { apiToken, Browser, createUser } from '../support/auth';
import { send } from '../support/case-steps';
import { createCase, createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const header =
  'number,type,title,source,unitCode,registeredOn,screenedOn,screening,track,level,closedOn,outcome';

describe('historic import (POST /api/v1/imports/cases)', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let adminToken: string;
  let adminUsername: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    tree = await createDistrictTree(testApp.db);
    const admin = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    adminUsername = admin.username;
    adminToken = await apiToken(testApp.app, admin.username);
  });
  afterAll(() => testApp.close());

  const importCsv = (csv: string) =>
    request(testApp.app)
      .post('/api/v1/imports/cases')
      .set('Authorization', `Bearer ${adminToken}`)
      .set('Content-Type', 'text/csv')
      .send(csv);

  it('imports every row, marked imported, each with one chained IMPORTED event, counted in the figures', async () => {
    const csv = [
      `\uFEFF${header}`,
      `,neighbourhood,楼上漏水,walk_in,${tree.community.code},2010-03-01,2010-03-02,accepted,people,community,2010-03-20,resolved`,
      `,labour,拖欠工资,hotline_12345,${tree.street.code},2010-05-10,2010-05-11,accepted,people,street,2010-07-30,unresolved`,
      `HIST-0001,family,赡养纠纷,walk_in,${tree.community.code},2010-06-01,2010-06-02,declined,,,2010-06-02,not_accepted`,
      `,consumer,预付卡退费,other,${tree.community.code},2010-08-01,,,,,,`,
    ].join('\n');

    const response = await importCsv(csv);

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ imported: 4 });
    const imported = await testApp.db
      .getRepository(Case)
      .find({ where: { imported: true, districtId: tree.district.id } });
    expect(imported).toHaveLength(4);
    const byTitle = Object.fromEntries(imported.map((row) => [row.title, row]));
    expect(byTitle.楼上漏水).toMatchObject({
      state: 'closed',
      outcome: 'resolved',
      level: 'community',
      resolvedLevel: 'community',
      closedOnTime: true,
    });
    expect(byTitle.拖欠工资).toMatchObject({
      state: 'closed',
      outcome: 'unresolved',
      closedOnTime: false,
    });
    expect(byTitle.赡养纠纷).toMatchObject({
      number: 'HIST-0001',
      state: 'closed',
      outcome: 'not_accepted',
    });
    expect(byTitle.预付卡退费).toMatchObject({ state: 'screening', outcome: null });
    expect(byTitle.楼上漏水.number).toMatch(/-2010-\d{6}$/);

    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id });
    const token = await apiToken(testApp.app, supervisor.username);
    const verify = await request(testApp.app)
      .get(`/api/v1/cases/${byTitle.拖欠工资.id}/verify`)
      .set('Authorization', `Bearer ${token}`);
    expect(verify.body).toEqual({ valid: true, events: 1 });
    const stats = await request(testApp.app)
      .get('/api/v1/stats?from=2010-01-01&to=2010-12-31')
      .set('Authorization', `Bearer ${token}`);
    expect(stats.status).toBe(200);
    expect(stats.body.received).toBe(4);
    expect(stats.body.closureRate).toEqual({ value: 0.75, numerator: 3, denominator: 4 });
    expect(stats.body.handlingRate).toEqual({ value: 0.75, numerator: 3, denominator: 4 });
    expect(stats.body.mediationSuccessRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(stats.body.lowestLevelResolutionRate).toEqual({ value: 1, numerator: 1, denominator: 1 });
    // a row without parties is found by its title: its search row is written though no party's is
    const found = await request(testApp.app)
      .get(`/api/v1/cases?q=${encodeURIComponent('预付卡退费')}`)
      .set('Authorization', `Bearer ${token}`);
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([byTitle.预付卡退费.id]);
  });

  it('imports nothing when any row is wrong, and names each row and column, in the caller’s language', async () => {
    const before = await testApp.db.getRepository(Case).count();
    const csv = [
      header,
      `,neighbourhood,好的一行,walk_in,${tree.community.code},2011-03-01,,,,,,`,
      `,weather,坏类型,walk_in,${tree.community.code},2011-03-01,,,,,,`,
      `,neighbourhood,坏单位,walk_in,NO-SUCH-UNIT,2011-03-01,,,,,,`,
      `,neighbourhood,缺结果,walk_in,${tree.community.code},2011-03-01,2011-03-02,accepted,people,community,2011-03-09,`,
    ].join('\n');

    const response = await importCsv(csv).set('Accept-Language', 'en');

    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('import_rejected');
    expect(response.body.error.details).toEqual([
      { row: 3, column: 'type', message: 'This is not one of the allowed values.' },
      { row: 4, column: 'unitCode', message: 'choose an active unit you manage' },
      { row: 5, column: 'outcome', message: 'closing date and outcome go together' },
    ]);
    expect(await testApp.db.getRepository(Case).count()).toBe(before);
  });

  it('refuses, by row, a row whose counted number a row of the file or an earlier import already states (not a 409 to retry)', async () => {
    const code = tree.district.code;
    const stated = `,neighbourhood,楼道堆物,walk_in,${tree.community.code},2014-04-01,,,,,,`;
    const inFile = await importCsv(
      [
        header,
        `${code}-2014-000001,family,分家析产,walk_in,${tree.community.code},2014-03-01,,,,,,`,
        stated,
      ].join('\n'),
    ).set('Accept-Language', 'en');
    expect(inFile.status).toBe(422);
    expect(inFile.body.error.code).toBe('import_rejected');
    expect(inFile.body.error.details).toEqual([
      { row: 3, column: 'number', message: expect.stringContaining('give this row a number') },
    ]);

    const earlier = await importCsv(
      [header, `${code}-2015-000001,family,宅基地纠纷,walk_in,${tree.community.code},2015-03-01,,,,,,`].join(
        '\n',
      ),
    );
    expect(earlier.status).toBe(201);
    const before = await testApp.db.getRepository(Case).count();
    const later = await importCsv([header, stated.replace('2014-04-01', '2015-04-01')].join('\n')).set(
      'Accept-Language',
      'en',
    );
    expect(later.status).toBe(422);
    expect(later.body.error.details).toEqual([
      { row: 2, column: 'number', message: expect.stringContaining('give this row a number') },
    ]);
    expect(await testApp.db.getRepository(Case).count()).toBe(before);
  });

  it('refuses unknown columns on the header row', async () => {
    const response = await importCsv(
      `${header},colour\n,neighbourhood,x,walk_in,${tree.community.code},2011-03-01,,,,,,,red`,
    );
    expect(response.status).toBe(422);
    expect(response.body.error.details).toEqual([expect.objectContaining({ row: 1, column: 'colour' })]);
  });

  it('reads a blank cell of an optional column as no value, and names a blank required cell as required', async () => {
    const before = await testApp.db.getRepository(Case).count();
    const blanks = await importCsv(
      [
        header,
        `,neighbourhood,,walk_in,${tree.community.code},2011-03-01,,,,,,`,
        `,neighbourhood,无单位,walk_in, ,2011-03-01,,,,,,`,
      ].join('\n'),
    ).set('Accept-Language', 'en');
    expect(blanks.status).toBe(422);
    expect(blanks.body.error.details).toEqual([
      { row: 2, column: 'title', message: 'This field is required.' },
      { row: 3, column: 'unitCode', message: 'This field is required.' },
    ]);
    expect(await testApp.db.getRepository(Case).count()).toBe(before);

    // a column stated twice is read from its last place, blank or not
    const twice = await importCsv(
      `${header},title\n,neighbourhood,先写的标题,walk_in,${tree.community.code},2011-03-01,,,,,,,后写的标题\n,neighbourhood,只有前一个,walk_in,${tree.community.code},2011-03-01,,,,,,,`,
    ).set('Accept-Language', 'en');
    expect(twice.status).toBe(422);
    expect(twice.body.error.details).toEqual([
      { row: 3, column: 'title', message: 'This field is required.' },
    ]);

    const open = await importCsv(
      `${header}\n,neighbourhood,空白的可选列,walk_in,${tree.community.code},2011-03-01,,,,,,`,
    );
    expect(open.status).toBe(201);
    const row = await testApp.db.getRepository(Case).findOneByOrFail({ title: '空白的可选列' });
    expect(row).toMatchObject({
      state: 'screening',
      track: null,
      level: null,
      outcome: null,
      closedAt: null,
    });
  });

  it('refuses a missing column, a file with no rows and broken quoting, each on the row it lies in', async () => {
    const withoutTitle = header.replace(',title', '');
    const missing = await importCsv(
      `${withoutTitle}\n,neighbourhood,walk_in,${tree.community.code},2011-03-01,,,,,,`,
    );
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toEqual([expect.objectContaining({ row: 1, column: 'title' })]);

    const empty = await importCsv(`${header}\n`);
    expect(empty.status).toBe(422);
    expect(empty.body.error.details).toEqual([
      expect.objectContaining({ row: 1, message: expect.any(String) }),
    ]);

    const broken = await importCsv(
      `${header}\n,neighbourhood,好的一行,walk_in,${tree.community.code},2011-03-01,,,,,,\n,neighbourhood,"未闭合的引号,walk_in,${tree.community.code},2011-03-01,,,,,,`,
    );
    expect(broken.status).toBe(422);
    expect(broken.body.error.details[0]).toMatchObject({ row: 3, column: '' });
  });

  it('reads a file in the charset its request names (GB 18030 or cp936 from an older Excel, UTF-16 by its byte-order mark), refuses one it does not know, and an empty body', async () => {
    const row = `,other,国标编码的一件,walk_in,${tree.community.code},2012-02-01,,,,,,`;
    // 国标编码的一件 in GB 18030: two bytes a character, not UTF-8
    const title = Buffer.from('b9fab1eab1e0c2ebb5c4d2bbbcfe', 'hex');
    const [before, after] = [`${header}\n,other,`, `,walk_in,${tree.community.code},2012-02-01,,,,,,`];
    const body = Buffer.concat([Buffer.from(before), title, Buffer.from(after)]);
    expect(new TextDecoder('gb18030').decode(body)).toBe(`${header}\n${row}`);

    const read = await request(testApp.app)
      .post('/api/v1/imports/cases')
      .set('Authorization', `Bearer ${adminToken}`)
      .set('Content-Type', 'text/csv; charset=GB18030')
      .send(body);
    expect(read.status).toBe(201);
    expect(await testApp.db.getRepository(Case).count({ where: { title: '国标编码的一件' } })).toBe(1);

    // cp936 (GBK, which the same bytes are), a quoted "UTF-8", and UTF-16 whose byte-order mark says big-endian
    const sent = (contentType: string, bytes: Buffer) =>
      request(testApp.app)
        .post('/api/v1/imports/cases')
        .set('Authorization', `Bearer ${adminToken}`)
        .set('Content-Type', contentType)
        .send(bytes);
    expect((await sent('text/csv; charset=cp936', body)).status).toBe(201);
    const quoted = `${header}\n,other,带引号的编码名,walk_in,${tree.community.code},2012-02-01,,,,,,`;
    expect((await sent('text/csv; charset="UTF-8"', Buffer.from(quoted))).status).toBe(201);
    const utf16 = `\uFEFF${header}\n,other,大端序的一件,walk_in,${tree.community.code},2012-02-01,,,,,,`;
    const bigEndian = Buffer.from(utf16, 'utf16le').swap16();
    expect((await sent('text/csv; charset=utf-16', bigEndian)).status).toBe(201);
    for (const [name, count] of [
      ['国标编码的一件', 2],
      ['带引号的编码名', 1],
      ['大端序的一件', 1],
    ] as const)
      expect(await testApp.db.getRepository(Case).count({ where: { title: name } })).toBe(count);

    const unknown = await request(testApp.app)
      .post('/api/v1/imports/cases')
      .set('Authorization', `Bearer ${adminToken}`)
      .set('Content-Type', 'text/csv; charset=x-no-such-charset')
      .send(Buffer.from(`${header}\n,other,未知编码,walk_in,${tree.community.code},2012-02-01,,,,,,`));
    expect(unknown.status).toBe(415);

    const empty = await request(testApp.app)
      .post('/api/v1/imports/cases')
      .set('Authorization', `Bearer ${adminToken}`)
      .set('Content-Type', 'text/csv')
      .send('');
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toEqual([expect.objectContaining({ field: 'body' })]);
    expect(await testApp.db.getRepository(Case).count({ where: { title: '未知编码' } })).toBe(0);
  });

  it('imports a file of several batches whole, each row once with its chained event and its search row; a batch failing in the database leaves nothing', async () => {
    // 1,234 rows: three batches of 500, one buffer reused by each
    const rows = (prefix: string, count: number) =>
      Array.from(
        { length: count },
        (_, index) => `,other,${prefix}${index},walk_in,${tree.community.code},2012-03-01,,,,,,`,
      );
    const imported = await importCsv([header, ...rows('分批', 1234)].join('\n'));
    expect(imported.status).toBe(201);
    expect(imported.body).toEqual({ imported: 1234 });
    const [written] = await testApp.db.query(
      `SELECT count(*)::int AS cases, count(DISTINCT c.number)::int AS numbers,
              count(e.id)::int AS events, count(s.case_id)::int AS searchable
         FROM cases c
         LEFT JOIN case_events e ON e.case_id = c.id AND e.seq = 1 AND e.type = 'IMPORTED' AND e.payload->>'title' = c.title
         LEFT JOIN case_search s ON s.case_id = c.id
        WHERE c.title LIKE '分批%'`,
    );
    expect(written).toEqual({ cases: 1234, numbers: 1234, events: 1234, searchable: 1234 });
    // a case of each batch verifies: its one event chained under the app's key
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id });
    const token = await apiToken(testApp.app, supervisor.username);
    for (const title of ['分批0', '分批600', '分批1233']) {
      const [row] = await testApp.db.query('SELECT id FROM cases WHERE title = $1', [title]);
      const verify = await request(testApp.app)
        .get(`/api/v1/cases/${row.id}/verify`)
        .set('Authorization', `Bearer ${token}`);
      expect(verify.body).toEqual({ valid: true, events: 1 });
    }

    // a batch fails in PostgreSQL (a trigger stands in for a fault): the batches before it are not kept.
    // The second fails on its first row, most likely while the app builds the third (which overlaps its
    // writing); the third when none is left to build
    for (const failing of ['失败500', '失败1100']) {
      await testApp.db.query(`
        CREATE FUNCTION test_refuse_a_batch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.title = '${failing}' THEN RAISE EXCEPTION 'a fault in a batch'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER test_refuse_a_batch BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION test_refuse_a_batch();`);
      try {
        const failed = await importCsv([header, ...rows('失败', 1500)].join('\n'));
        expect(failed.status).toBe(500);
      } finally {
        await testApp.db.query(
          'DROP TRIGGER test_refuse_a_batch ON cases; DROP FUNCTION test_refuse_a_batch()',
        );
      }
      const [left] = await testApp.db.query(`SELECT count(*)::int AS n FROM cases WHERE title LIKE '失败%'`);
      expect(left.n).toBe(0);
    }
    // and the next import goes through
    const again = await importCsv([header, ...rows('再来', 3)].join('\n'));
    expect(again.status).toBe(201);
  });

  it('refuses a unit outside the admin’s subtree', async () => {
    const elsewhere = await createDistrictTree(testApp.db);
    const response = await importCsv(
      `${header}\n,neighbourhood,x,walk_in,${elsewhere.community.code},2011-03-01,,,,,,`,
    );
    expect(response.status).toBe(422);
    expect(response.body.error.details[0]).toMatchObject({ row: 2, column: 'unitCode' });
  });

  it('the admin page takes a CSV file upload', async () => {
    const browser = new Browser(testApp.app);
    await browser.signIn(adminUsername);
    const page = await browser.get('/admin/import');
    expect(page.status).toBe(200);
    const uploaded = await browser.agent
      .post('/admin/import')
      .field('_csrf', browser.csrf)
      .attach(
        'file',
        Buffer.from(`${header}\n,other,上传的一件,walk_in,${tree.community.code},2012-01-05,,,,,,`),
        'cases.csv',
      );
    expect(uploaded.status).toBe(200);
    expect(uploaded.text).toContain('已导入 1 件历史案件');

    const forged = await browser.agent
      .post('/admin/import')
      .attach(
        'file',
        Buffer.from(`${header}\n,other,伪造,walk_in,${tree.community.code},2012-01-05,,,,,,`),
        'cases.csv',
      );
    expect(forged.status).toBe(403);
  });

  it('人民调解工作若干规定 第二十二条: an open row whose two sides (either way round) another forum holds for the same matter is refused by row, naming the unit; a closed row is history, another type is another matter', async () => {
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const actor = await testApp.services.actors.load(mediator.id);
    if (!actor) throw new Error('no actor');
    const held = await createCase(testApp.services, mediator.id, {
      type: 'neighbourhood',
      parties: [
        { role: 'applicant', kind: 'person', name: '柳一鸣', idNumber: '310112198803091234' },
        { role: 'respondent', kind: 'person', name: '葛二娃' },
      ],
    });
    await send(
      testApp.services,
      actor,
      held,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
    );
    const withParties = `${header},applicant,applicantIdNumber,respondent,respondentIdNumber`;
    const unit = tree.community.code;
    const openRow = (type: string) =>
      `,${type},楼道噪音,walk_in,${unit},2025-11-02,2025-11-03,accepted,people,community,,,葛二娃,,柳一鸣,310112198803091234`;
    const before = await testApp.db.getRepository(Case).count();

    const refused = await importCsv([withParties, openRow('neighbourhood')].join('\n'));
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      {
        row: 2,
        column: 'applicant',
        message: `同一纠纷已由${tree.community.nameZh}受理（一案一处，人民调解工作若干规定 第二十二条）：不能再导入为未结案件`,
      },
    ]);
    expect(refused.body.error.details[0].message).not.toContain(held.number);
    expect(await testApp.db.getRepository(Case).count()).toBe(before);

    const closedRow = `,neighbourhood,旧的噪音纠纷,walk_in,${unit},2016-11-02,2016-11-03,accepted,people,community,2016-11-20,resolved,葛二娃,,柳一鸣,310112198803091234`;
    const imported = await importCsv([withParties, closedRow, openRow('property_management')].join('\n'));
    expect(imported.status).toBe(201);
    expect(imported.body).toEqual({ imported: 2 });
    const [{ parties }] = await testApp.db.query(
      `SELECT count(*)::int AS parties FROM parties p JOIN cases c ON c.id = p.case_id
       WHERE c.imported AND c.type = 'property_management' AND p.id_number_hash IS NOT NULL`,
    );
    expect(parties).toBe(1);
    // each imported case's search row is written with its parties' names (once, by their insert)
    const rows: Array<{ title: string; body: string }> = await testApp.db.query(
      `SELECT c.title, s.body FROM cases c JOIN case_search s ON s.case_id = c.id
       WHERE c.imported AND c.title IN ('旧的噪音纠纷', '楼道噪音') ORDER BY c.title`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.body).toMatch(/葛二娃.*柳一鸣|柳一鸣.*葛二娃/);
  });
});
