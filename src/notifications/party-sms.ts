import type { Locale } from '../shared/i18n/i18n';
import type { PartySms } from './outbox';
import type { SmsParams, SmsTemplate } from './sms-templates';

/**
 * What cases and petitions share when they tell their people by SMS (issue 20): who of them
 * may be written to, and how one message becomes one outbox row per person — the unit's name
 * in the person's language, the lookup code sealed while it waits. Which event sends what is
 * each domain's own rule (src/cases/case-party-notices.ts, src/petitions/petition-party-notices.ts).
 */

/** A party or petitioner as an SMS needs them (src/cases/party.entity.ts). */
export interface SmsRecipient {
  id: string;
  role: string;
  smsConsent: boolean;
  phoneEncrypted: string | null;
  language: string;
}

/** The message an event sends, with what it alone adds to the unit and the number. */
export interface PartyMessage {
  template: SmsTemplate;
  params: Omit<SmsParams, 'unit' | 'number'>;
}

/**
 * Those of `people` with one of `roles` who consented (个人信息保护法 §14; not withdrawn, §15)
 * and have a phone. The worker asks again when it sends: consent withdrawn meanwhile stops it.
 */
export function consentingRecipients<P extends SmsRecipient>(
  people: P[],
  roles: readonly string[],
): Array<P & { phoneEncrypted: string }> {
  return people.filter(
    (person): person is P & { phoneEncrypted: string } =>
      roles.includes(person.role) && person.smsConsent && person.phoneEncrypted !== null,
  );
}

/** The unit named at the head of a text, in the reader's language. */
export interface UnitNames {
  nameZh: string;
  nameEn?: string | null;
}

/** Turns one message into the outbox rows for the people who hear it. */
export class PartySmsComposer {
  constructor(
    /** Seals the lookup code for its wait in the outbox (DATA_KEY's cipher); the worker opens it. */
    private readonly seal: (text: string) => string,
  ) {}

  compose(input: {
    message: PartyMessage;
    recipients: Array<SmsRecipient & { phoneEncrypted: string }>;
    unit: UnitNames | null;
    number: string;
    subject: { type: 'case' | 'petition'; id: string };
  }): PartySms[] {
    const { message, recipients, unit, number, subject } = input;
    if (recipients.length === 0) return [];
    const { code, ...params } = message.params as SmsParams;
    const stored: Partial<SmsParams> = code ? { ...params, codeSealed: this.seal(code) } : params;
    return recipients.map((person) => {
      const locale: Locale = person.language === 'en' ? 'en' : 'zh-CN';
      return {
        template: message.template,
        params: {
          unit: (locale === 'en' ? unit?.nameEn || unit?.nameZh : unit?.nameZh) ?? '',
          number,
          ...definedOnly(stored),
        },
        locale,
        subjectType: subject.type,
        subjectId: subject.id,
        partyId: person.id,
        phoneEncrypted: person.phoneEncrypted,
      };
    });
  }
}

function definedOnly<T extends object>(params: T): Partial<T> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as Partial<T>;
}
