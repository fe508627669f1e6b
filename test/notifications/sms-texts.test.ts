import { partiesToTell, partyMessageOf } from '../../src/cases/case-party-notices';
import type { Party } from '../../src/cases/party.entity';
import { consentingRecipients } from '../../src/notifications/party-sms';
import { SmsRenderer, smsTemplates } from '../../src/notifications/sms-templates';
import { petitionerMessageOf } from '../../src/petitions/petition-party-notices';
import { createI18n } from '../../src/shared/i18n/i18n';
import type { CaseContext, CaseEvent } from '../../src/workflows/case.machine';
import type { PetitionEvent } from '../../src/workflows/petition.machine';
import { petitionRulesFor } from '../../src/workflows/rules';

/** Issue 20: which event tells the parties what, and the texts they read (in both languages, short, no ID number). */

const after = (context: Partial<CaseContext> = {}) =>
  ({ confirmationWindowEndsOn: null, outcome: null, ...context }) as CaseContext;
const step = (event: CaseEvent, toState = 'mediation.inProgress', context: Partial<CaseContext> = {}) => ({
  event,
  after: after(context),
  toState,
});
const common = { unit: '莘松居委工作站', number: 'MH-2026-000123' };

describe('what the consenting parties are told, by event', () => {
  it('when a case is accepted with a lookup code, then the message carries it; without one, it does not', () => {
    const accept: CaseEvent = { type: 'ACCEPT', track: 'people', level: 'community', unitId: 'u' };
    expect(partyMessageOf(step(accept), { lookupCode: 'K7MP-4QXH' })).toEqual({
      template: 'accepted',
      params: { code: 'K7MP-4QXH' },
    });
    expect(partyMessageOf(step(accept))).toEqual({ template: 'accepted', params: {} });
  });

  it('when a case is referred out, then the message says where to go', () => {
    expect(
      partyMessageOf(
        step({ type: 'REFER_OUT', agency: 'court', reason: '已起诉', periodRunOut: false }, 'closed'),
      ),
    ).toEqual({ template: 'referred_out', params: { agency: 'court' } });
  });

  it('when the court rules on the confirmation (民事诉讼法 §206), then the parties hear the ruling', () => {
    expect(
      partyMessageOf(step({ type: 'CONFIRMED', rulingNo: '(2026)沪0112民特1号', ruledOn: '2026-12-03' })),
    ).toEqual({
      template: 'confirmed',
      params: { rulingNo: '(2026)沪0112民特1号' },
    });
    expect(partyMessageOf(step({ type: 'CONFIRMATION_REJECTED', reason: '协议内容违法' }))?.template).toBe(
      'confirmation_rejected',
    );
  });

  it('when a case closes otherwise, then the message follows its outcome: performed, withdrawn, a confirmed agreement breached', () => {
    expect(partyMessageOf(step({ type: 'FULFILLED' }, 'closed', { outcome: 'resolved' }))?.template).toBe(
      'closed_resolved',
    );
    expect(
      partyMessageOf(step({ type: 'WITHDRAW', by: 'applicant' }, 'closed', { outcome: 'withdrawn' }))
        ?.template,
    ).toBe('closed_withdrawn');
    expect(
      partyMessageOf(step({ type: 'BREACHED', guidance: [] }, 'closed', { outcome: 'enforcement_referred' }))
        ?.template,
    ).toBe('closed_enforcement');
  });

  it('when an event only moves the case inside the unit (a session logged, an assignment), then the parties hear nothing', () => {
    expect(partyMessageOf(step({ type: 'ASSIGN', mediatorId: 'm' }))).toBeNull();
    expect(
      partyMessageOf(
        step({ type: 'LOG_SESSION', kind: 'session', heldAt: '2026-12-03T09:00:00+08:00', minutes: '…' }),
      ),
    ).toBeNull();
  });

  it('when parties are chosen, then only applicants and respondents who consented and have a phone are told', () => {
    const party = (fields: Partial<Party>) =>
      ({ role: 'applicant', smsConsent: true, phoneEncrypted: 'v1.x', ...fields }) as Party;
    const parties = [
      party({ id: 'a' }),
      party({ id: 'b', role: 'respondent' }),
      party({ id: 'c', role: 'third_party' }),
      party({ id: 'd', smsConsent: false }),
      party({ id: 'e', phoneEncrypted: null }),
    ];
    expect(partiesToTell(parties).map((one) => one.id)).toEqual(['a', 'b']);
  });
});

describe('the texts', () => {
  let renderer: SmsRenderer;
  beforeAll(async () => {
    renderer = new SmsRenderer(await createI18n('zh-CN'), 'https://tiaojie.example.gov.cn');
  });

  it('when the acceptance carries a lookup code, then the text gives it and where to look the case up', () => {
    expect(renderer.render({ template: 'accepted', params: { ...common, code: 'K7MP-4QXH' } }, 'zh-CN')).toBe(
      '【莘松居委工作站】您的纠纷（案号MH-2026-000123）已受理。查询码K7MP-4QXH，可在https://tiaojie.example.gov.cn/track查询进度，请妥善保管。如不愿再收到短信，请告知本单位。',
    );
  });

  it('when a confirmable agreement is told, then the window is the law’s words with its last day (人民调解法 §33)', () => {
    expect(
      renderer.render(
        { template: 'agreement_confirmable', params: { ...common, until: '2027-01-04' } },
        'zh-CN',
      ),
    ).toBe(
      '【莘松居委工作站】您的纠纷（案号MH-2026-000123）已达成调解协议。自协议生效之日起三十日内可共同向人民法院申请司法确认（截至2027年1月4日）。如不愿再收到短信，请告知本单位。',
    );
  });

  it('when a template or a param would put an ID number into a text, then it is refused', () => {
    expect(() =>
      renderer.render(
        { template: 'confirmed', params: { ...common, rulingNo: '310112198503152015' } },
        'zh-CN',
      ),
    ).toThrow('an SMS may not carry an ID number');
  });

  it('when every template is written with every param, then each text stays within two SMS segments in Chinese (≤ 140 characters) and is in both languages', () => {
    const params = {
      ...common,
      code: 'K7MP-4QXH',
      at: '2026-12-08T06:30:00.000Z',
      place: '莘松居委调解室',
      agency: 'reconsideration',
      guidance: 'arbitration,payment_order',
      until: '2027-01-04',
      rulingNo: '(2026)沪0112民特1号',
      days: 30,
    };
    for (const template of smsTemplates) {
      const zh = renderer.render({ template, params }, 'zh-CN');
      // a party writing English gets the unit's English name (case-party-notices.ts)
      const en = renderer.render(
        {
          template,
          params: { ...params, unit: 'Xinsong workstation', place: 'Room 2', rulingNo: '(2026) No. 1' },
        },
        'en',
      );
      expect({ template, length: zh.length <= 140 }).toEqual({ template, length: true });
      expect(zh).not.toContain('{{');
      expect(en).not.toContain('{{');
      expect(en).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('what the consenting petitioners are told, by event (信访工作条例)', () => {
  const rules = petitionRulesFor(1);
  const reply = (reviewRequestWindowEndsOn: string | null): PetitionEvent => ({
    type: 'REPLY',
    opinion: '予以解释。',
    on: '2026-12-03',
    deliveredOn: '2026-12-03',
    reviewRequestWindowEndsOn,
  });

  it('第二十二条: when a petition is accepted with a lookup code, then the message carries it', () => {
    expect(petitionerMessageOf({ type: 'ACCEPT' }, rules, { lookupCode: 'K7MP-4QXH' })).toEqual({
      template: 'petition_accepted',
      params: { code: 'K7MP-4QXH' },
    });
  });

  it('第三十五条: a claim’s opinion tells the days to ask for a review, read from the rules; a proposal’s answer opens none', () => {
    expect(petitionerMessageOf(reply('2027-01-04'), rules)).toEqual({
      template: 'petition_replied',
      params: { days: rules.reviewRequestWindow.days },
    });
    expect(rules.reviewRequestWindow.days).toBe(30);
    expect(petitionerMessageOf(reply(null), rules)).toEqual({ template: 'petition_answered', params: {} });
  });

  it('第三十六条: the review opinion tells the days to ask for a recheck; the recheck is final', () => {
    expect(
      petitionerMessageOf(
        {
          type: 'REVIEW_DECIDED',
          opinion: '维持。',
          on: '2026-12-03',
          deliveredOn: '2026-12-03',
          recheckRequestWindowEndsOn: '2027-01-04',
        },
        rules,
      ),
    ).toEqual({ template: 'petition_reviewed', params: { days: rules.recheckRequestWindow.days } });
    expect(petitionerMessageOf({ type: 'RECHECK_DECIDED', opinion: '维持。' }, rules)?.template).toBe(
      'petition_rechecked',
    );
  });

  it('when an event only moves the petition inside the units (an agent assigned, a forward, an extension), then the petitioners hear nothing', () => {
    expect(petitionerMessageOf({ type: 'ASSIGN_AGENT', agentId: 'a' }, rules)).toBeNull();
    expect(petitionerMessageOf({ type: 'FORWARD', toUnitId: 'u' }, rules)).toBeNull();
    expect(petitionerMessageOf({ type: 'LINK_CASE', caseId: 'c' }, rules)).toBeNull();
  });

  it('when petitioners are chosen, then only those who consented (and did not withdraw) and have a phone are told', () => {
    const petitioner = (fields: Partial<Party>) =>
      ({
        role: 'petitioner',
        smsConsent: true,
        phoneEncrypted: 'v1.x',
        language: 'zh-CN',
        ...fields,
      }) as Party;
    const people = [
      petitioner({ id: 'a' }),
      petitioner({ id: 'b', smsConsent: false }),
      petitioner({ id: 'c', phoneEncrypted: null }),
    ];
    expect(consentingRecipients(people, ['petitioner']).map((one) => one.id)).toEqual(['a']);
  });

  it('when a petition’s message is written with the longest number, then it stays within 140 characters and says how to stop', async () => {
    const renderer = new SmsRenderer(await createI18n('zh-CN'), 'https://tiaojie.example.gov.cn');
    const params = {
      unit: '莘庄镇人民调解委员会',
      number: 'MH-XF-2026-000123',
      code: 'K7MP4-QXH2R',
      days: 30,
    };
    for (const template of smsTemplates.filter((one) => one.startsWith('petition_'))) {
      const text = renderer.render({ template, params }, 'zh-CN');
      expect({ template, length: text.length <= 140 }).toEqual({ template, length: true });
      expect(text.endsWith('如不愿再收到短信，请告知本单位。')).toBe(true);
    }
  });
});
