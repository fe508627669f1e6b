import { acceptanceNoticeView } from '../../src/cases/documents/notices.view-model';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { createI18n } from '../../src/shared/i18n/i18n';
import { Browser, createUser } from '../support/auth';
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

  it('受理通知书 (人民调解法 第十七条, 第二十三条, 第二十四条; 个人信息保护法 第六条): who accepted, when, the track, the period with its article, the parties’ rights and duties; served on both sides, it names them with masked numbers only, and nothing is audited', async () => {
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
    expect(notice.text).toMatch(/<link rel="stylesheet" href="\/static\/print\.[0-9a-f]{10}\.css">/);
    expect(notice.text).toContain('受理通知书');
    expect(notice.text).toContain('莘松居委工作站人民调解委员会');
    expect(notice.text).toContain('人民调解');
    // the neighbourhood rule: one month (人民调解工作若干规定 §33), named with its article
    expect(notice.text).toContain('1个月');
    expect(notice.text).toContain('人民调解工作若干规定 第三十三条');
    expect(notice.text).toContain('人民调解法 第二十三条');
    expect(notice.text).toContain('选择或者接受人民调解员');
    // 人民调解工作若干规定 §30: the parties are told their duties too (人民调解法 §24)
    expect(notice.text).toContain('当事人在人民调解活动中履行下列义务（人民调解法 第二十四条）');
    expect(notice.text).toContain('如实陈述纠纷事实');
    expect(notice.text).toContain('依据：人民调解法 第十七条');
    // the respondent receives it too: the applicant's name and masked number, no phone, no address
    expect(notice.text).toContain('陈文静');
    expect(notice.text).toContain('310***********2015');
    for (const personal of [applicantId, '13812345678', '莘松路 1 号'])
      expect(notice.text).not.toContain(personal);
    // no code given: the line saying it was given at acceptance and can be issued anew
    expect(notice.text).toContain('查询码已在受理时发给当事人');
    // nothing decrypted, so nothing to audit
    expect(await printsOf(row.id)).toHaveLength(0);
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

  it('不予受理告知书 after REFER_OUT says the dispute was referred to the agency, where the party may apply', async () => {
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
    expect(notice.text).toContain('本纠纷已移送公安机关处理，当事人可以向其申请处理');
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
  it('劳动争议调解仲裁法 第十二条, 第十四条, 第二十七条, 第五条: a labour dispute’s notices — arbitration after 15 days, within a year; not accepted: arbitration first, not a lawsuit', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const accepted = await caseInState(testApp.services, mediator, 'mediation.awaitingMediator', {
      type: 'labour',
      parties: partiesOfNewCase(),
    });
    const notice = await browsers.mediator.get(`/cases/${accepted.id}/documents/acceptance-notice`);
    expect(notice.status).toBe(200);
    expect(notice.text).toContain(
      '十五日内未达成调解协议的，当事人可以依法申请仲裁（劳动争议调解仲裁法 第十四条）',
    );
    expect(notice.text).toContain('时效期间为一年');
    expect(notice.text).toContain('（劳动争议调解仲裁法 第二十七条）');
    // the legal basis follows the law of the dispute: 人民调解法 §17 is people's mediation's
    expect(notice.text).toContain('依据：劳动争议调解仲裁法 第十二条');
    expect(notice.text).not.toContain('人民调解法 第十七条');

    const declined = await caseInState(testApp.services, mediator, 'closed', {
      type: 'labour',
      parties: partiesOfNewCase(),
    });
    const refusal = await browsers.mediator.get(`/cases/${declined.id}/documents/refusal-notice`);
    expect(refusal.text).toContain('向劳动人事争议仲裁委员会申请仲裁（劳动争议调解仲裁法 第五条）');
    expect(refusal.text).not.toContain('向人民法院提起诉讼');

    const screening = await caseInState(testApp.services, mediator, 'screening', {
      type: 'labour',
      parties: partiesOfNewCase(),
    });
    const referred = await send(testApp.services, mediator, screening, {
      type: 'REFER_OUT',
      agency: 'arbitration',
      reason: '申请人要求直接仲裁。',
    });
    const referral = await browsers.mediator.get(`/cases/${referred.id}/documents/refusal-notice`);
    expect(referral.text).toContain('本纠纷已移送劳动人事争议仲裁委员会处理，当事人可以向其申请处理');
  });

  it('an organisation’s number is printed as its 统一社会信用代码, not as an ID number, with a line for its 法定代表人（负责人）', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const creditCode = '913100006072212342';
    const row = await caseInState(testApp.services, mediator, 'agreement.awaitingFulfilment', {
      parties: [
        partiesOfNewCase()[0],
        {
          role: 'respondent',
          kind: 'organisation',
          name: `莘松物业有限公司${respondents}`,
          idNumber: creditCode,
        },
      ],
    });
    const agreement = await browsers.mediator.get(`/cases/${row.id}/agreement`);
    expect(agreement.status).toBe(200);
    expect(agreement.text).toContain(`统一社会信用代码：${creditCode}`);
    expect(agreement.text).not.toContain(`身份证号：${creditCode}`);
    expect(agreement.text).toContain('法定代表人（负责人）');
    expect(agreement.text).toContain(`身份证号：${applicantId}`);
    const notice = await browsers.mediator.get(`/cases/${row.id}/documents/acceptance-notice`);
    expect(notice.text).toContain('统一社会信用代码');
    expect(notice.text).not.toContain(creditCode);
  });

  it('the agreement in English punctuates its labels half-width (ID number: …, a role in (…)); in Chinese full-width', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, mediator, 'agreement.awaitingFulfilment', {
      parties: partiesOfNewCase(),
    });
    const english = new Browser(testApp.app);
    await english.signIn('mediator', demoPassword);
    await english.post('/locale', { locale: 'en', returnTo: '/' });
    const document = await english.get(`/cases/${row.id}/agreement`);
    expect(document.status).toBe(200);
    expect(document.text).toContain(`ID number: ${applicantId}`);
    expect(document.text).toContain('Applicant: 陈文静');
    // full-width punctuation next to English words or markup is the template's, not what was
    // typed (the typed terms may end in 。 before their closing tag)
    const article = document.text.slice(document.text.indexOf('<article'));
    expect(article.match(/[A-Za-z>][：（），。]|[：（），][A-Za-z<]/g) ?? []).toEqual([]);
    const chinese = await browsers.mediator.get(`/cases/${row.id}/agreement`);
    expect(chinese.text).toContain(`身份证号：${applicantId}`);
    expect(chinese.text).toContain('申请人：陈文静');
  });

  it('调解笔录 names the case’s mediator, not whoever logged the session; 送达回证 has lines for the place and for who received it on the recipient’s behalf', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const colleague = await createUser(testApp.db, {
      role: 'mediator',
      unitId: mediator.unitId,
      displayName: '赵调解员',
    });
    const accepted = await caseInState(testApp.services, mediator, 'mediation.awaitingMediator', {
      parties: partiesOfNewCase(),
    });
    const row = await send(
      testApp.services,
      mediator,
      accepted,
      { type: 'ASSIGN', mediatorUsername: colleague.username },
      { type: 'LOG_SESSION', kind: 'session', heldAt: '2026-12-01T14:00:00+08:00', minutes: '双方到场。' },
    );
    const [session] = await testApp.db.query(
      `SELECT seq FROM case_events WHERE case_id = $1 AND type = 'LOG_SESSION'`,
      [row.id],
    );
    const record = await browsers.mediator.get(`/cases/${row.id}/documents/sessions/${session.seq}`);
    expect(record.status).toBe(200);
    expect(record.text).toMatch(/<dt>调解员<\/dt><dd>赵调解员<\/dd>/);
    const receipt = await browsers.mediator.get(
      `/cases/${row.id}/documents/service-receipt/acceptance-notice`,
    );
    expect(receipt.text).toContain('送达地点');
    expect(receipt.text).toContain('代收人及与受送达人关系');
  });

  it('卷宗 (人民调解法 第二十七条): the cover’s title follows the track; the contents list the registration, an oral agreement as 口头调解协议登记表, and the court’s confirmation ruling (民事诉讼法 第二百零六条)', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const inProgress = await caseInState(testApp.services, mediator, 'mediation.inProgress', {
      parties: partiesOfNewCase(),
    });
    const oral = await send(testApp.services, mediator, inProgress, {
      type: 'REACH_AGREEMENT',
      form: 'oral',
      terms: '双方同意当场付清。',
    });
    const cover = await browsers.mediator.get(`/cases/${oral.id}/documents/cover`);
    expect(cover.text).toContain('<h1>人民调解卷宗</h1>');
    const contents = await browsers.mediator.get(`/cases/${oral.id}/documents/contents`);
    expect(contents.text).toContain('调解申请登记');
    expect(contents.text).toContain('口头调解协议登记表');
    expect(contents.text).not.toContain('人民调解协议书');

    const written = await caseInState(testApp.services, mediator, 'agreement.awaitingFulfilment', {
      parties: partiesOfNewCase(),
    });
    const [court] = await testApp.db.query(`SELECT id FROM units WHERE kind = 'court' LIMIT 1`);
    const requested = await send(testApp.services, mediator, written, {
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court: court.id,
      appliedOn: '2026-12-03',
      jointlyApplied: true,
    });
    const judge = await actorNamed(testApp.services, testApp.db, 'mediator.court');
    const confirmed = await send(testApp.services, judge, requested, {
      type: 'CONFIRMED',
      rulingNo: '(2026)沪0112民特1号',
      ruledOn: '2026-12-03',
    });
    const withRuling = await browsers.mediator.get(`/cases/${confirmed.id}/documents/contents`);
    expect(withRuling.text).toContain('司法确认裁定书');
    expect(withRuling.text).toContain('(2026)沪0112民特1号');
    expect(withRuling.text).toContain('人民调解协议书');
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
