import request from 'supertest';
import type { RunningWorker } from '../../src/worker';
import { apiToken, Browser, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { SmtpPeer, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

const startAt = new Date('2026-12-03T10:00:00+08:00');

const item = (fields: Record<string, unknown> = {}) => ({
  title: '某小区物业费上涨引发业主不满',
  type: 'property_management',
  riskGrade: 2,
  peopleCount: 12,
  description: '物业公司拟上调物业费，部分业主在群里串联。',
  measures: '已约物业与业委会沟通。',
  ...fields,
});

/** 矛盾纠纷排查 (issue 21): rounds, zero reports, high-risk alerts, missing reports, items made cases. */
describe('conflict screening (矛盾纠纷排查)', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    testApp = await startTestApp({ smtpUrl: smtp.url }, { startAt });
    worker = await startTestWorker(testApp);
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  async function workstation() {
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    return { tree, mediator, supervisor, token: await apiToken(testApp.app, mediator.username) };
  }

  it('when a workstation files an empty list, then a zero report (零报告) is filed for the month, once per unit and period', async () => {
    const { tree, token, supervisor } = await workstation();

    const filed = await request(testApp.app)
      .post('/api/v1/screenings')
      .set('Authorization', `Bearer ${token}`)
      .send({ period: '2026-12', items: [] });

    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({
      unitId: tree.community.id,
      period: '2026-12',
      zeroReport: true,
      items: [],
    });
    // filed again: still one round
    const again = await request(testApp.app)
      .post('/api/v1/screenings')
      .set('Authorization', `Bearer ${token}`)
      .send({ period: '2026-12', items: [] });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(filed.body.id);
    const supervisorToken = await apiToken(testApp.app, supervisor.username);
    const listed = await request(testApp.app)
      .get(`/api/v1/screenings?unitId=${tree.street.id}&period=2026-12`)
      .set('Authorization', `Bearer ${supervisorToken}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      total: 1,
      page: 1,
      items: [{ id: filed.body.id, zeroReport: true }],
    });
    const [audit] = await testApp.db.query(
      `SELECT details FROM audit_log WHERE action = 'screening.filed' AND target_id = $1 LIMIT 1`,
      [filed.body.id],
    );
    expect(audit.details).toMatchObject({ period: '2026-12', zeroReport: true });
  });

  it('when items are filed after a zero report they are added, and a zero report after items is refused (409)', async () => {
    const { token } = await workstation();
    const post = (items: unknown[]) =>
      request(testApp.app)
        .post('/api/v1/screenings')
        .set('Authorization', `Bearer ${token}`)
        .send({ period: '2026-11', items });
    await post([]);
    const added = await post([item()]);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ zeroReport: false, items: [{ title: item().title, riskGrade: 2 }] });
    const zero = await post([]);
    expect(zero.status).toBe(409);
    expect(zero.body.error.code).toBe('screening_not_zero');
  });

  it('when a period is malformed, a grade is out of range or the month is still to come, then 400/422 name the field', async () => {
    const { token } = await workstation();
    const post = (body: object) =>
      request(testApp.app).post('/api/v1/screenings').set('Authorization', `Bearer ${token}`).send(body);

    const badPeriod = await post({ period: '2026-13', items: [] });
    expect(badPeriod.status).toBe(400);
    expect(JSON.stringify(badPeriod.body)).toContain('period');
    const badGrade = await post({ period: '2026-12', items: [item({ riskGrade: 5 })] });
    expect(badGrade.status).toBe(400);
    expect(JSON.stringify(badGrade.body)).toContain('items.0.riskGrade');
    const ahead = await post({ period: '2027-01', items: [] });
    expect(ahead.status).toBe(422);
    expect(ahead.body.error.code).toBe('screening_period_ahead');
  });

  it('when an item of risk grade 3 is filed, then the unit’s nearest supervisor gets a mail at once (grading criteria: local practice)', async () => {
    const { token, supervisor, mediator } = await workstation();

    const filed = await request(testApp.app)
      .post('/api/v1/screenings')
      .set('Authorization', `Bearer ${token}`)
      .send({
        period: '2026-12',
        items: [item({ riskGrade: 3, title: '拆迁安置款争议扬言集体上访' }), item()],
      });
    expect(filed.status).toBe(201);

    const mail = await waitFor('the supervisor’s alert', () => smtp.to(supervisor.email as string)[0]);
    expect(mail.subject).toContain('拆迁安置款争议扬言集体上访');
    expect(mail.text).toContain('3 级风险');
    expect(mail.text).toContain('http://mediation.test/screenings/overview');
    await worker.drainNow();
    // the grade-2 item alerts no one, and the mediator who filed hears nothing
    expect(smtp.to(supervisor.email as string)).toHaveLength(1);
    expect(smtp.to(mediator.email as string)).toHaveLength(0);
  });

  it('when a month has ended without a workstation’s report, then its supervisor is told once, however often the daily job runs', async () => {
    const { tree, supervisor, token } = await workstation();
    // the neighbouring workstation filed a zero report for December: it is not flagged
    const neighbour = await createUser(testApp.db, { role: 'mediator', unitId: tree.neighbour.id });
    await request(testApp.app)
      .post('/api/v1/screenings')
      .set('Authorization', `Bearer ${await apiToken(testApp.app, neighbour.username)}`)
      .send({ period: '2026-12', items: [] });
    expect(token).toBeTruthy();
    const clock = testApp.clock;
    clock.advanceMinutes(30 * 24 * 60); // 2027-01-02

    const first = await testApp.services.screeningMissing.flagEndedPeriod();
    const second = await testApp.services.screeningMissing.flagEndedPeriod();

    expect(first.period).toBe('2026-12');
    expect(second.flagged).toBe(0);
    const flags = await testApp.db.query(
      'SELECT unit_id FROM screening_missing_reports WHERE period = $1 AND unit_id = ANY($2::uuid[])',
      ['2026-12', [tree.community.id, tree.neighbour.id, tree.farCommunity.id]],
    );
    expect(flags.map((row: { unit_id: string }) => row.unit_id).sort()).toEqual(
      [tree.community.id, tree.farCommunity.id].sort(),
    );
    const mails = await waitFor('the missing-report mails', () => {
      const found = smtp.to(supervisor.email as string).filter((mail) => mail.subject?.includes('缺报'));
      return found.length > 0 ? found : null;
    });
    await worker.drainNow();
    expect(smtp.to(supervisor.email as string).filter((mail) => mail.subject?.includes('缺报'))).toHaveLength(
      1,
    );
    expect(mails[0].text).toContain(tree.community.nameZh);
    // the supervisor's overview says the same: December missing here, a zero report next door
    const actor = await testApp.services.actors.load(supervisor.id);
    if (!actor) throw new Error('no supervisor');
    const overview = await testApp.services.screeningOverview.overview(actor);
    const december = (unitId: string) =>
      overview.units.find((unit) => unit.unitId === unitId)?.cells.find((cell) => cell.period === '2026-12')
        ?.status;
    expect(december(tree.community.id)).toBe('missing');
    expect(december(tree.neighbour.id)).toBe('zero');
    clock.advanceMinutes(-30 * 24 * 60);
  });

  it('when the page’s "make it a case" form lacks the applicant, then it comes back open on that item, the message by the field, what was typed kept', async () => {
    const { token, mediator } = await workstation();
    const filed = await request(testApp.app)
      .post('/api/v1/screenings')
      .set('Authorization', `Bearer ${token}`)
      .send({ period: '2026-12', items: [item()] });
    const itemId = filed.body.items[0].id;
    const page = new Browser(testApp.app);
    await page.signIn(mediator.username);
    await page.get('/screenings');
    const refused = await page.post(`/screenings/items/${itemId}/case`, {
      applicantName: '',
      respondentName: '某物业公司',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(`id="error-applicant-${itemId}"`);
    expect(refused.text).toContain('value="某物业公司"');
    expect(refused.text).toMatch(/<details open>/);
  });

  it('when an item is made a case, then its fields are carried over and the item remembers the case; a second time is refused', async () => {
    const { tree, token } = await workstation();
    const filed = await request(testApp.app)
      .post('/api/v1/screenings')
      .set('Authorization', `Bearer ${token}`)
      .send({ period: '2026-12', items: [item({ type: 'neighbourhood', peopleCount: 4 })] });
    const itemId = filed.body.items[0].id;

    const made = await request(testApp.app)
      .post(`/api/v1/screenings/items/${itemId}/case`)
      .set('Authorization', `Bearer ${token}`)
      .send({ applicantName: '王某', respondentName: '物业公司' });

    expect(made.status).toBe(201);
    const [dispute] = await testApp.db.query(
      'SELECT title, type, group_size, holding_unit_id, source FROM cases WHERE id = $1',
      [made.body.caseId],
    );
    expect(dispute).toMatchObject({
      title: item().title,
      type: 'neighbourhood',
      group_size: 4,
      holding_unit_id: tree.community.id,
      source: 'grid_patrol',
    });
    const round = await request(testApp.app)
      .get(`/api/v1/screenings/${filed.body.id}`)
      .set('Authorization', `Bearer ${token}`);
    expect(round.body.items[0].caseId).toBe(made.body.caseId);
    const again = await request(testApp.app)
      .post(`/api/v1/screenings/items/${itemId}/case`)
      .set('Authorization', `Bearer ${token}`)
      .send({ applicantName: '王某' });
    expect(again.status).toBe(409);
  });

  it('when another unit’s mediator asks for a round or its item, then 404; filing for another unit is 403', async () => {
    const { tree, token } = await workstation();
    const filed = await request(testApp.app)
      .post('/api/v1/screenings')
      .set('Authorization', `Bearer ${token}`)
      .send({ period: '2026-12', items: [item()] });
    const stranger = await createUser(testApp.db, { role: 'mediator', unitId: tree.farCommunity.id });
    const strangerToken = await apiToken(testApp.app, stranger.username);
    const as = (r: request.Test) => r.set('Authorization', `Bearer ${strangerToken}`);

    expect((await as(request(testApp.app).get(`/api/v1/screenings/${filed.body.id}`))).status).toBe(404);
    expect(
      (await as(request(testApp.app).get(`/api/v1/screenings?unitId=${tree.community.id}`))).status,
    ).toBe(404);
    const own = await as(request(testApp.app).get('/api/v1/screenings'));
    expect(own.body.items.map((round: { id: string }) => round.id)).not.toContain(filed.body.id);
    expect(
      (
        await as(
          request(testApp.app)
            .post(`/api/v1/screenings/items/${filed.body.items[0].id}/case`)
            .send({ applicantName: '王某' }),
        )
      ).status,
    ).toBe(404);
    const elsewhere = await as(
      request(testApp.app)
        .post('/api/v1/screenings')
        .send({ unitId: tree.community.id, period: '2026-12', items: [] }),
    );
    expect(elsewhere.status).toBe(403);
  });
});
