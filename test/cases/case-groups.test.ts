import request from 'supertest';
import { Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, type CaseTeam, createCaseTeam, registerCase, sendEvents } from './case-api';

/**
 * Group disputes (群体性纠纷, issue 21): individual cases linked to a master case by its case
 * number, the link recorded on the member's chain, a badge in lists, and the master's page
 * summing its cases. 人民调解工作若干规定 第二十二条 (one dispute, one forum) keeps the cases of a
 * group one matter: the same type, and no member whose dispute another forum holds.
 */
describe('group disputes (群体性纠纷): linking by case number, the badge and the sums', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    team = await createCaseTeam(testApp);
  });
  afterAll(() => testApp.close());

  async function registered(fields: Record<string, unknown> = {}) {
    const response = await registerCase(testApp, team.mediators.community, fields);
    expect(response.status).toBe(201);
    return response.body as { id: string; number: string; version: number };
  }

  const linkTo = (caseId: string, body: Record<string, unknown>) =>
    request(testApp.app)
      .post(`/api/v1/cases/${caseId}/group`)
      .set(bearer(team.mediators.community))
      .send(body);

  it('two links made at the same moment that would nest a group (A joins M while M joins X): one is refused, the group stays one level deep', async () => {
    const a = await registered();
    const m = await registered();
    const x = await registered();
    const [first, second] = await Promise.all([
      linkTo(a.id, { masterNumber: m.number }),
      linkTo(m.id, { masterNumber: x.number }),
    ]);
    // one links; the other is refused — by the group's rule (422), or told to try again (409) when
    // the case it would change was locked by the first
    const statuses = [first.status, second.status].sort();
    expect(statuses[0]).toBe(200);
    expect([409, 422]).toContain(statuses[1]);
    const rows: Array<{ id: string; master_case_id: string | null }> = await testApp.db.query(
      'SELECT id, master_case_id FROM cases WHERE id = ANY($1)',
      [[a.id, m.id, x.id]],
    );
    const masterOf = new Map(rows.map((row) => [row.id, row.master_case_id]));
    // never both: a member (M in X's group) that leads a group (A in M's)
    expect(masterOf.get(a.id) !== null && masterOf.get(m.id) !== null).toBe(false);
  });

  it('人民调解工作若干规定 第二十二条: cases join a master case by its number (and gather one by theirs); the master sums people, states and agreements', async () => {
    const master = await registered({ groupSize: 30 });
    const member = await registered({ groupSize: 12 });
    const another = await registered();

    const joined = await linkTo(member.id, { masterNumber: master.number });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ role: 'member', master: { id: master.id, number: master.number } });
    const gathered = await linkTo(master.id, { memberNumber: another.number });
    expect(gathered.status).toBe(200);
    expect(gathered.body.role).toBe('master');

    // the member reaches an agreement and fulfils it; the other is submitted
    const community = team.mediators.community;
    await sendEvents(testApp, member.id, member.version + 1, [
      [community, { type: 'SUBMIT' }],
      [community, { type: 'ACCEPT', track: 'people', level: 'community' }],
      [community, { type: 'ASSIGN', mediatorUsername: community.user.username }],
      [
        community,
        {
          type: 'REACH_AGREEMENT',
          form: 'written',
          terms: '楼上住户于月底前修复防水层并赔偿 800 元。',
          performBy: '2026-12-20',
        },
      ],
      [community, { type: 'FULFILLED', note: '已修复并付清。' }],
    ]);
    await sendEvents(testApp, another.id, another.version + 1, [[community, { type: 'SUBMIT' }]]);

    const group = await request(testApp.app).get(`/api/v1/cases/${master.id}/group`).set(bearer(community));
    expect(group.status).toBe(200);
    expect(group.body.totals).toEqual({
      cases: 3,
      // group sizes where given (30, 12), else the applicants (1)
      people: 43,
      states: { registered: 1, screening: 1, mediation: 0, agreement: 0, closed: 1 },
      agreementsReached: 1,
      agreementsFulfilled: 1,
    });
    expect(group.body.cases.map((row: { number: string }) => row.number)).toEqual([
      master.number,
      member.number,
      another.number,
    ]);

    // the link is the member's own record: on its chain, which still verifies
    const events = await request(testApp.app).get(`/api/v1/cases/${member.id}/events`).set(bearer(community));
    expect(events.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'GROUP_LINKED',
          payload: { masterCaseId: master.id, masterNumber: master.number },
        }),
      ]),
    );
    const verified = await request(testApp.app)
      .get(`/api/v1/cases/${member.id}/verify`)
      .set(bearer(community));
    expect(verified.body.valid).toBe(true);
  });

  it('a number that names no case the user may see is refused with 422 naming `masterNumber`; so are another type and a master that is itself a member', async () => {
    const master = await registered();
    const member = await registered();
    const unknown = await linkTo(member.id, { masterNumber: 'XX-2026-999999' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([
      expect.objectContaining({ field: 'masterNumber', message: expect.stringContaining('XX-2026-999999') }),
    ]);

    const labour = await registered({ type: 'labour' });
    const otherType = await linkTo(member.id, { masterNumber: labour.number });
    expect(otherType.status).toBe(422);
    expect(otherType.body.error.details[0].field).toBe('masterNumber');

    expect((await linkTo(member.id, { masterNumber: master.number })).status).toBe(200);
    const third = await registered();
    const nested = await linkTo(third.id, { masterNumber: member.number });
    expect(nested.status).toBe(422);
    expect(nested.body.error.details[0].field).toBe('masterNumber');

    // a case held elsewhere, which this mediator may not see, is "no such case" alike
    const elsewhere = await registerCase(testApp, team.mediators.department, {});
    const hidden = await linkTo(third.id, { masterNumber: elsewhere.body.number });
    expect(hidden.status).toBe(422);
    expect(hidden.body.error.details[0].message).toBe(
      unknown.body.error.details[0].message.replace('XX-2026-999999', elsewhere.body.number),
    );
  });

  it('人民调解工作若干规定 第二十二条: a case whose dispute another forum has accepted is not gathered into a group (422 naming the field, the forum named)', async () => {
    const parties = [
      { role: 'applicant', kind: 'person', name: '郑晓东', idNumber: '310112197808084565' },
      { role: 'respondent', kind: 'organisation', name: '某装饰工程公司', idNumber: '913100006072212342' },
    ];
    // both registered before either was accepted (registration itself refuses a dispute already accepted)
    const accepted = await registered({ parties });
    const duplicate = await registered({ parties });
    await sendEvents(testApp, accepted.id, accepted.version, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'ACCEPT', track: 'people', level: 'community' }],
    ]);
    const master = await registered();
    const refused = await linkTo(master.id, { memberNumber: duplicate.number });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ field: 'memberNumber', message: expect.stringContaining(accepted.number) }),
    ]);
    const group = await request(testApp.app)
      .get(`/api/v1/cases/${master.id}/group`)
      .set(bearer(team.mediators.community));
    expect(group.body.role).toBe('none');
  });

  it('lists show a group badge (web and the API `group` field); a member taken out loses it, recorded as GROUP_UNLINKED', async () => {
    const master = await registered({ title: '群体漏水纠纷 主案' });
    const member = await registered({ title: '群体漏水纠纷 个案' });
    expect((await linkTo(member.id, { masterNumber: master.number })).status).toBe(200);

    const listed = await request(testApp.app)
      .get('/api/v1/cases')
      .query({ q: '群体漏水纠纷' })
      .set(bearer(team.mediators.community));
    const byId = new Map(listed.body.items.map((item: { id: string }) => [item.id, item]));
    expect(byId.get(master.id)).toMatchObject({ group: { role: 'master', memberCount: 1 } });
    expect(byId.get(member.id)).toMatchObject({
      group: { role: 'member', masterCaseId: master.id, masterNumber: master.number },
    });

    await testApp.db.query(`UPDATE users SET password_changed_at = '2026-01-01' WHERE id = $1`, [
      team.mediators.community.user.id,
    ]);
    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const page = await browser.get('/cases?q=%E7%BE%A4%E4%BD%93%E6%BC%8F%E6%B0%B4');
    expect(page.text).toContain('主案 · 1 件个案');
    expect(page.text).toContain(`群体个案 · 主案 ${master.number}`);

    const unlinked = await request(testApp.app)
      .post(`/api/v1/cases/${member.id}/group/unlink`)
      .set(bearer(team.mediators.community));
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.role).toBe('none');
    const events = await request(testApp.app)
      .get(`/api/v1/cases/${member.id}/events`)
      .set(bearer(team.mediators.community));
    expect(events.body.items.map((event: { type: string }) => event.type)).toContain('GROUP_UNLINKED');
  });

  it('on the case page, a wrong number typed in the group form comes back 422 with the message next to the field and the number kept', async () => {
    const member = await registered();
    await testApp.db.query(`UPDATE users SET password_changed_at = '2026-01-01' WHERE id = $1`, [
      team.mediators.community.user.id,
    ]);
    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const casePage = await browser.get(`/cases/${member.id}`);
    expect(casePage.text).toContain('name="masterNumber"');
    const refused = await browser.post(`/cases/${member.id}/group`, { masterNumber: 'XX-2026-000404' });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="error-masterNumber"[^>]*>没有您可查看的编号为 XX-2026-000404 的案件/);
    expect(refused.text).toContain('value="XX-2026-000404"');
  });
});
