import { acceptanceNoticeView } from '../../src/cases/documents/notices.view-model';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { createI18n } from '../../src/shared/i18n/i18n';
import { Browser } from '../support/auth';
import { actorNamed, caseInState, send } from '../support/case-steps';
import { linkCaseToAgent } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** A valid resident ID (GB 11643: the check character from the weighted sum of the first 17 digits). */
function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * weights[index], 0);
  return first17 + '10X98765432'[sum % 11];
}

const applicantId = '310112198503152015';
let respondents = 0;
/** The parties of a new case: the same applicant, a respondent of its own (one forum per dispute). */
function partiesOfNewCase() {
  respondents += 1;
  return [
    {
      role: 'applicant' as const,
      kind: 'person' as const,
      name: '陈文静',
      idNumber: applicantId,
      phone: '13812345678',
      address: '上海市闵行区莘松路 1 号',
    },
    {
      role: 'respondent' as const,
      kind: 'person' as const,
      name: `刘海${respondents}`,
      idNumber: residentId(`3101121990010${String(100 + respondents).slice(-3)}1`),
    },
  ];
}

describe('the procedure’s printed documents of a case (issue 20)', () => {
  let testApp: TestApp;
  const browsers: Record<string, Browser> = {};

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    await seedDemoOrganisation(testApp.db);
    // the demo passwords were set now, by the machine's clock: not after the test's pinned day
    await testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
    for (const username of ['mediator', 'agent', 'mediator.labour']) {
      browsers[username] = new Browser(testApp.app);
      await browsers[username].signIn(username, demoPassword);
    }
  });
  afterAll(() => testApp.close());

  async function printsOf(caseId: string): Promise<Array<{ details: Record<string, unknown> }>> {
    return testApp.db.query(
      `SELECT details FROM audit_log WHERE action = 'case.document_printed' AND target_id = $1 ORDER BY id`,
      [caseId],
    );
  }

  it('受理通知书 (人民调解法 第十七条, 第二十三条): who accepted, when, the track, the period with its article, the parties’ rights; printed with full numbers and audited', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'mediation.awaitingMediator', {
      parties: partiesOfNewCase(),
    });

    const page = await browsers.mediator.get(`/cases/${row.id}`);
    expect(page.text).toContain(`href="/cases/${row.id}/documents/acceptance-notice"`);
    expect(page.text).toContain(`href="/cases/${row.id}/documents/service-receipt/acceptance-notice"`);

    const notice = await browsers.mediator.get(`/cases/${row.id}/documents/acceptance-notice`);
    expect(notice.status).toBe(200);
    expect(notice.headers['cache-control']).toBe('no-store');
    expect(notice.text).toContain('<link rel="stylesheet" href="/static/print.css">');
    expect(notice.text).toContain('受理通知书');
    expect(notice.text).toContain('莘松居委工作站人民调解委员会');
    expect(notice.text).toContain('人民调解');
    // the neighbourhood rule: one month (人民调解工作若干规定 §33), named with its article
    expect(notice.text).toContain('1个月');
    expect(notice.text).toContain('人民调解工作若干规定 第三十三条');
    expect(notice.text).toContain('人民调解法 第二十三条');
    expect(notice.text).toContain('选择或者接受人民调解员');
    expect(notice.text).toContain(applicantId);
    // no code given: the line saying it was given at acceptance and can be issued anew
    expect(notice.text).toContain('查询码已在受理时发给当事人');

    const prints = await printsOf(row.id);
    expect(prints).toHaveLength(1);
    expect(prints[0].details.document).toBe('acceptance_notice');
    expect(prints[0].details.parties).toHaveLength(2);
  });

  it('受理通知书: given a freshly issued lookup code, the notice prints it with the case number', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'mediation.awaitingMediator', {
      parties: partiesOfNewCase(),
    });
    const printed = await testApp.services.caseFiles.printedDocument(
      mediator,
      { actor: { id: mediator.id, username: 'mediator' }, ip: null },
      row.id,
      { audit: { document: 'acceptance_notice' }, check: () => undefined },
    );
    const i18n = await createI18n('zh-CN');
    const t = i18n.getFixedT('zh-CN');
    const withCode = acceptanceNoticeView(printed, { t, locale: 'zh-CN' }, { lookupCode: 'K7P3-QX9M' });
    expect(withCode.lookupCode).toBe('K7P3-QX9M');
    expect(withCode.number).toContain(row.number);
    const withoutCode = acceptanceNoticeView(printed, { t, locale: 'zh-CN' });
    expect(withoutCode.lookupCode).toBeNull();
  });

  it('受理通知书 gives the accepting unit’s public contact phone (联系电话) beside its name; a unit with none prints no such line', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'mediation.awaitingMediator', {
      parties: partiesOfNewCase(),
    });
    const notice = await browsers.mediator.get(`/cases/${row.id}/documents/acceptance-notice`);
    // the demo workstation's number (src/demo/demo-organisation.ts), as people write it
    expect(notice.text).toMatch(
      /<dt>承办单位<\/dt><dd>莘松居委工作站<\/dd><dt>联系电话<\/dt><dd>021-\d{8}<\/dd>/,
    );

    await testApp.db.query(`UPDATE units SET phone = NULL WHERE code = 'MH-XZ-XS'`);
    try {
      const printed = await testApp.services.caseFiles.printedDocument(
        mediator,
        { actor: { id: mediator.id, username: 'mediator' }, ip: null },
        row.id,
        { audit: { document: 'acceptance_notice' }, check: () => undefined },
      );
      const t = (await createI18n('zh-CN')).getFixedT('zh-CN');
      const view = acceptanceNoticeView(printed, { t, locale: 'zh-CN' });
      expect(view.facts.map((fact) => fact.label)).toEqual([
        '受理人',
        '受理时间',
        '调解方式',
        '承办单位',
        '调解期限',
      ]);
    } finally {
      await testApp.db.query(`UPDATE units SET phone = '02154783897' WHERE code = 'MH-XZ-XS'`);
    }
  });

  it('不予受理告知书 (人民调解工作若干规定 第二十二条、第二十三条): a declined case’s notice gives the reason, where to go, the article', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'closed', { parties: partiesOfNewCase() });
    const page = await browsers.mediator.get(`/cases/${row.id}`);
    expect(page.text).toContain(`href="/cases/${row.id}/documents/refusal-notice"`);
    expect(page.text).not.toContain('/documents/acceptance-notice');

    const notice = await browsers.mediator.get(`/cases/${row.id}/documents/refusal-notice`);
    expect(notice.status).toBe(200);
    expect(notice.text).toContain('不予受理告知书');
    expect(notice.text).toContain('不属于人民调解受理范围。');
    expect(notice.text).toContain('向有关机关申请处理或者向人民法院提起诉讼');
    expect(notice.text).toContain('人民调解工作若干规定 第二十二条、第二十三条');
    // a case never accepted has no acceptance notice: 422 saying so, as for the agreement
    const none = await browsers.mediator.get(`/cases/${row.id}/documents/acceptance-notice`);
    expect(none.status).toBe(422);
    expect(none.text).toContain('本案没有这份文书');
  });

  it('不予受理告知书 after REFER_OUT names the agency the party may go to', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const screening = await caseInState(testApp.services, mediator, 'screening', {
      parties: partiesOfNewCase(),
    });
    const row = await send(testApp.services, mediator, screening, {
      type: 'REFER_OUT',
      agency: 'police',
      reason: '涉及治安案件，应由公安机关处理。',
    });
    const notice = await browsers.mediator.get(`/cases/${row.id}/documents/refusal-notice`);
    expect(notice.status).toBe(200);
    expect(notice.text).toContain('可以向公安机关申请处理');
    expect(notice.text).toContain('涉及治安案件，应由公安机关处理。');
  });

  it('调解笔录 (人民调解法 第二十七条) per session and 回访记录 (第三十一条) per follow-up, each reachable from the case page', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const accepted = await caseInState(testApp.services, mediator, 'agreement.awaitingFulfilment', {
      parties: partiesOfNewCase(),
    });
    const row = await send(testApp.services, mediator, accepted, {
      type: 'RECORD_FOLLOW_UP',
      visitedAt: '2026-12-02T15:00:00+08:00',
      performed: 'partial',
      note: '已支付一半，余款约定下周付清。',
    });
    const [follow] = await testApp.db.query(
      `SELECT seq FROM case_events WHERE case_id = $1 AND type = 'RECORD_FOLLOW_UP'`,
      [row.id],
    );
    const page = await browsers.mediator.get(`/cases/${row.id}`);
    expect(page.text).toContain(`href="/cases/${row.id}/documents/follow-ups/${follow.seq}"`);
    const record = await browsers.mediator.get(`/cases/${row.id}/documents/follow-ups/${follow.seq}`);
    expect(record.status).toBe(200);
    expect(record.text).toContain('回访记录');
    expect(record.text).toContain('部分履行');
    expect(record.text).toContain('已支付一半，余款约定下周付清。');
    expect(record.text).toContain('人民调解法 第三十一条');
    // a seq that is not a follow-up of this case, or not a number, a receipt for no served document: 422
    for (const path of [
      'follow-ups/1',
      'sessions/abc',
      'service-receipt/nothing',
      'service-receipt/refusal-notice',
    ]) {
      const response = await browsers.mediator.get(`/cases/${row.id}/documents/${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 422 });
      expect(response.text).toContain('本案没有这份文书');
    }
    // only the record printed above is audited: a refused request decrypts and records nothing
    expect((await printsOf(row.id)).map((entry) => [entry.details.document, entry.details.seq])).toEqual([
      ['follow_up_record', follow.seq],
    ]);
  });

  it('who may see the case but not unmask numbers (an agent) prints masked numbers, and nothing is audited', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const agent = await actorNamed(testApp.services, testApp.db, 'agent');
    const row = await caseInState(testApp.services, mediator, 'mediation.awaitingMediator', {
      parties: partiesOfNewCase(),
    });
    await linkCaseToAgent(testApp.services, testApp.db, row.id, agent.id);
    const notice = await browsers.agent.get(`/cases/${row.id}/documents/acceptance-notice`);
    expect(notice.status).toBe(200);
    expect(notice.text).not.toContain(applicantId);
    expect(notice.text).toContain('310***********2015');
    expect(await printsOf(row.id)).toHaveLength(0);
  });

  it('a user who cannot see the case gets 404 for every document, and nothing is audited', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'agreement.awaitingFulfilment', {
      parties: partiesOfNewCase(),
    });
    const [session] = await testApp.db.query(
      `SELECT seq FROM case_events WHERE case_id = $1 ORDER BY seq DESC LIMIT 1`,
      [row.id],
    );
    for (const path of [
      'acceptance-notice',
      'refusal-notice',
      `sessions/${session.seq}`,
      'service-receipt/agreement',
      'cover',
      'contents',
    ]) {
      const response = await browsers['mediator.labour'].get(`/cases/${row.id}/documents/${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.text).not.toContain(row.number);
    }
    expect(await printsOf(row.id)).toHaveLength(0);
  });
  it.each([
    ['zh-CN', '受理通知书', '人民调解法 第二十三条'],
    ['en', 'Notice of acceptance', 'People’s Mediation Law, Art. 23'],
  ])(
    'in %s, every document reads in that language, with no key left untranslated',
    async (locale, title, source) => {
      const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
      const inProgress = await caseInState(testApp.services, mediator, 'mediation.inProgress', {
        parties: partiesOfNewCase(),
      });
      const row = await send(
        testApp.services,
        mediator,
        inProgress,
        { type: 'LOG_SESSION', kind: 'session', heldAt: '2026-12-01T14:00:00+08:00', minutes: '双方到场。' },
        { type: 'REACH_AGREEMENT', form: 'written', terms: '被申请人于月底前赔偿维修费 3,000 元。' },
        {
          type: 'RECORD_FOLLOW_UP',
          visitedAt: '2026-12-02T15:00:00+08:00',
          performed: 'full',
          note: '已履行。',
        },
      );
      const declined = await caseInState(testApp.services, mediator, 'closed', {
        parties: partiesOfNewCase(),
      });
      const seqs = await testApp.db.query(
        `SELECT type, seq FROM case_events WHERE case_id = $1 AND type IN ('LOG_SESSION', 'RECORD_FOLLOW_UP')`,
        [row.id],
      );
      const seqOf = (type: string) => seqs.find((entry: { type: string }) => entry.type === type).seq;
      const browser = new Browser(testApp.app);
      await browser.signIn('mediator', demoPassword);
      await browser.post('/locale', { locale, returnTo: '/' });
      const untranslated =
        /(?<![\w/.-])(caseDocs|agreementDoc|partyRoles|disputeTypes|tracks|levels|agencies|performance|sessionKinds|caseOutcomes|punct)\.[A-Za-z_.]+/g;
      for (const path of [
        `/cases/${row.id}`,
        `/cases/${row.id}/documents/acceptance-notice`,
        `/cases/${row.id}/documents/sessions/${seqOf('LOG_SESSION')}`,
        `/cases/${row.id}/documents/follow-ups/${seqOf('RECORD_FOLLOW_UP')}`,
        `/cases/${row.id}/documents/service-receipt/acceptance-notice`,
        `/cases/${row.id}/documents/service-receipt/agreement`,
        `/cases/${row.id}/documents/cover`,
        `/cases/${row.id}/documents/contents`,
        `/cases/${declined.id}/documents/refusal-notice`,
        `/cases/${declined.id}/documents/service-receipt/refusal-notice`,
      ]) {
        const page = await browser.get(path);
        expect({ path, status: page.status }).toEqual({ path, status: 200 });
        expect({ path, keys: page.text.match(untranslated) ?? [] }).toEqual({ path, keys: [] });
        expect(page.text).toContain(`<html lang="${locale}">`);
      }
      const notice = await browser.get(`/cases/${row.id}/documents/acceptance-notice`);
      expect(notice.text).toContain(title);
      expect(notice.text).toContain(source);
    },
  );
});
