import type { Actor } from '../../src/access/actor';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { acceptanceNoticeView } from '../../src/petitions/documents/petition-notice.view-model';
import { createI18n } from '../../src/shared/i18n/i18n';
import type { Unit } from '../../src/units/unit.entity';
import { UserRepository } from '../../src/users/user.repository';
import { Browser, createUser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';
import { type PetitionApi, repliedPetition, reviewLevels } from './petition-review-support';

/** The text of a page, tags and runs of white space gone. */
/** A petitioner with numbers that pass the checks (GB 11643 check digit, an 11-digit mobile). */
const petitioners = [{ kind: 'person', name: '林晓', idNumber: '310112199001011233', phone: '13900001111' }];

const words = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

describe('a petition’s printed documents (信访工作条例 2022; issue 20)', () => {
  let testApp: TestApp;
  let api: PetitionApi;
  let usernames: Record<string, string>;
  let tree: Awaited<ReturnType<typeof reviewLevels>>['tree'];

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    ({ api, usernames, tree } = await reviewLevels(testApp));
  });
  afterAll(() => testApp.close());

  async function webSession(username: string) {
    const browser = new Browser(testApp.app);
    await browser.signIn(username);
    return browser;
  }

  async function registeredAndAccepted(unit: Unit, fields: Record<string, unknown> = {}) {
    const registered = await api.register('districtSupervisor', {
      subject: '小区绿地被改作停车场',
      content: '信访人反映小区绿地被物业改作收费停车场。',
      petitioners,
      unitId: unit.id,
      ...fields,
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    expect((await api.send('districtSupervisor', id, { type: 'ACCEPT' })).status).toBe(200);
    return id;
  }

  it('§34, §35: a proposal’s reply (建议意见类) is no reviewable handling opinion — its document says so and names no body to ask', async () => {
    const id = await repliedPetition(api, tree.community.id, 'communitySupervisor', {
      category: 'proposal',
      petitioners,
    });
    const supervisor = await webSession(usernames.communitySupervisor);
    const page = await supervisor.get(`/petitions/${id}/documents/handling-opinion`);
    expect(page.status).toBe(200);
    const text = words(page.text);
    expect(text).toContain(
      '本意见是对建议意见类事项的答复，不是可以请求复查、复核的信访处理意见（信访工作条例 第三十四条、第三十五条）。',
    );
    expect(text).not.toContain('请求复查（');
  });

  it('§35: a reply of the district centre, which has no unit above it here, tells the petitioner to ask the body one level above it', async () => {
    const id = await repliedPetition(api, tree.district.id, 'districtSupervisor', { petitioners });
    const supervisor = await webSession(usernames.districtSupervisor);
    const text = words((await supervisor.get(`/petitions/${id}/documents/handling-opinion`)).text);
    expect(text).toContain(
      '如对本处理意见不服，可以自收到本意见书之日起30日内，向本机关（单位）的上一级机关、单位请求复查（信访工作条例 第三十五条）。',
    );
  });

  it('§34: a claim accepted is concluded within 60 days; the printed notice names the day, in English for an English reader', async () => {
    const id = await registeredAndAccepted(tree.street);
    const reader = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id, locale: 'en' });
    const english = await webSession(reader.username);
    const page = await english.get(`/petitions/${id}/documents/acceptance-notice`);
    expect(page.status).toBe(200);
    const text = words(page.text);
    expect(text).toContain('Notice of Acceptance of a Petition');
    expect(text).toContain(
      'It is a matter of the kind “Claim to be decided” (Regulations on Petition Work (2022), Art. 31).',
    );
    expect(text).toContain('within 60 days of acceptance, that is by 1 Feb 2027');
    expect(text).toContain('(Regulations on Petition Work (2022), Art. 34)');
    expect(text).toContain('ID number: 310112199001011233');
    expect(text).toContain('The lookup code was given to the petitioner on acceptance');
  });

  it('the acceptance notice shows the lookup code (信访事项查询码) it is given, with the petition number to look it up by', async () => {
    const id = await registeredAndAccepted(tree.street);
    const user = await new UserRepository(testApp.db).findByUsername(usernames.streetSupervisor);
    if (!user) throw new Error('no street supervisor');
    const actor: Actor = {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      unitId: tree.street.id,
      unitPath: tree.street.path,
      unitNameZh: tree.street.nameZh,
      unitNameEn: tree.street.nameEn,
      locale: 'zh-CN',
      mustChangePassword: false,
      passwordChangedAt: new Date('2020-01-01T00:00:00Z'),
    };
    const origin = { actor: { id: user.id, username: user.username }, ip: null };
    const document = await testApp.services.petitionDocuments.open(actor, origin, id, 'acceptance');
    const t = (await createI18n('zh-CN')).getFixedT('zh-CN');
    const withCode = acceptanceNoticeView(document, { t, locale: 'zh-CN' }, { lookupCode: 'K7QM-2XPD' });
    expect(withCode.lookupCode).toBe('K7QM-2XPD');
    expect(withCode.lookupHint).toContain(`凭信访件编号 ${document.row.number} 和上述查询码`);
    expect(acceptanceNoticeView(document, { t, locale: 'zh-CN' }).lookupCode).toBeNull();
  });

  it('the acceptance notice tells the petitioner the accepting unit’s public contact phone to ask about the matter; a unit with none, no such line', async () => {
    const id = await registeredAndAccepted(tree.street);
    const supervisor = await webSession(usernames.streetSupervisor);
    expect(words((await supervisor.get(`/petitions/${id}/documents/acceptance-notice`)).text)).not.toContain(
      '如有疑问',
    );
    await testApp.db.query('UPDATE units SET phone = $2 WHERE id = $1', [tree.street.id, '02164123456']);
    try {
      const text = words((await supervisor.get(`/petitions/${id}/documents/acceptance-notice`)).text);
      expect(text).toContain(`如有疑问，可以致电${tree.street.nameZh}：021-64123456。`);
    } finally {
      await testApp.db.query('UPDATE units SET phone = NULL WHERE id = $1', [tree.street.id]);
    }
  });

  it('an agent who follows the petition prints it with the numbers masked, and nothing is audited; the deciding supervisor’s print is', async () => {
    const id = await repliedPetition(api, tree.community.id, 'communitySupervisor', { petitioners });
    const agent = await webSession(usernames.agent);
    const agentsPrint = await agent.get(`/petitions/${id}/documents/handling-opinion`);
    expect(agentsPrint.status).toBe(200);
    const masked = words(agentsPrint.text);
    expect(masked).toContain('身份证号：310***********1233');
    expect(masked).not.toContain('310112199001011233');
    expect(masked).not.toContain('13900001111');
    const audited = () =>
      testApp.db
        .getRepository(AuditEntry)
        .find({ where: { action: 'petition.document_printed', targetId: id } });
    expect(await audited()).toEqual([]);

    const supervisor = await webSession(usernames.communitySupervisor);
    const full = words((await supervisor.get(`/petitions/${id}/documents/handling-opinion`)).text);
    expect(full).toContain('310112199001011233');
    const entries = await audited();
    expect(entries.map((entry) => [entry.actorUsername, entry.details.document])).toEqual([
      [usernames.communitySupervisor, 'reply'],
    ]);
  });

  it('an organisation petitioning is named with its 统一社会信用代码, not an ID number, and a line for its 法定代表人（负责人）', async () => {
    const creditCode = '91310112MA1GB12347';
    const id = await registeredAndAccepted(tree.street, {
      petitioners: [{ kind: 'organisation', name: '莘庄商户联合会', idNumber: creditCode }],
    });
    const supervisor = await webSession(usernames.streetSupervisor);
    const text = words((await supervisor.get(`/petitions/${id}/documents/acceptance-notice`)).text);
    expect(text).toContain(`统一社会信用代码：${creditCode}`);
    expect(text).not.toContain(`身份证号：${creditCode}`);
    expect(text).toContain('法定代表人（负责人）：');
  });

  it('a document the petition has not had yet answers 422 in words, not an empty form', async () => {
    const id = await registeredAndAccepted(tree.street);
    const supervisor = await webSession(usernames.streetSupervisor);
    const page = await supervisor.get(`/petitions/${id}/documents/recheck-opinion`);
    expect(page.status).toBe(422);
    expect(page.text).toContain('该信访件尚未作出此项决定，暂无可打印的文书。');
  });
});
