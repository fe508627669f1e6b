import type { i18n as I18n } from 'i18next';
import { formatMoment, formatPlainDate } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';

/**
 * What a party is told by SMS (issue 20), one template per message: the words are the
 * locale files' (`sms.texts.<template>`), in the party's language, filled at send time
 * from the params the event stored — the holding unit's name, the case number and what
 * the message needs, never more (no names, no ID or phone numbers).
 */
export const smsTemplates = [
  'accepted',
  'declined',
  'referred_out',
  'session_scheduled',
  'agreement_reached',
  'agreement_confirmable',
  'confirmed',
  'confirmation_rejected',
  'closed_resolved',
  'closed_unresolved',
  'closed_withdrawn',
  'closed_enforcement',
  // a petition's (信访工作条例): accepted, not accepted, the opinion and the request it leaves, closed
  'petition_accepted',
  'petition_declined',
  'petition_replied',
  'petition_answered',
  'petition_reviewed',
  'petition_rechecked',
  'petition_closed',
] as const;
export type SmsTemplate = (typeof smsTemplates)[number];
/** The outbox kind of an SMS row (`notifications.kinds.sms.<template>` names it on /admin/outbox). */
export type SmsKind = `sms.${SmsTemplate}`;

/** The values a template is filled with; dates as stored (ISO), formatted in the party's language when sent. */
export interface SmsParams {
  unit: string;
  number: string;
  /** The party's lookup code (acceptance), as the text is written and the gateway receives it. */
  code?: string;
  /**
   * The lookup code while the message waits in the outbox: sealed with DATA_KEY (a code is kept
   * nowhere in clear, issue 20), opened by the worker only to send (`openSealedCode`).
   */
  codeSealed?: string;
  /** A session's moment (ISO) and place. */
  at?: string;
  place?: string;
  /** Where a referral sends the party (`agencies.*`). */
  agency?: string;
  /** What an unresolved case leaves the party (`guidances.*`, comma-separated). */
  guidance?: string;
  /** Last day (YYYY-MM-DD) to apply for judicial confirmation. */
  until?: string;
  rulingNo?: string;
  /** The days left to ask for a 复查 or 复核 from the opinion's delivery (the petition rules' window). */
  days?: number;
}

export interface SmsMessage {
  template: SmsTemplate;
  params: SmsParams;
}

export function isSmsTemplate(value: unknown): value is SmsTemplate {
  return typeof value === 'string' && (smsTemplates as readonly string[]).includes(value);
}

/** The acceptances, which carry the lookup code when the event issued one (`sms.texts.<template>_with_code`). */
const templatesWithCode: readonly SmsTemplate[] = ['accepted', 'petition_accepted'];

/** An 18-character resident ID or a 15-digit old one, wherever it stands in a text. */
const idNumberPattern = /(?<![\dA-Za-z])(\d{17}[\dXx]|\d{15})(?![\dA-Za-z])/;

/** Renders an SMS's text in the party's language; refuses a text that would carry an ID number. */
export class SmsRenderer {
  constructor(
    private readonly i18n: I18n,
    /** Where parties look up their case (`<PUBLIC_URL>/track`). */
    private readonly publicUrl: string,
  ) {}

  render(message: SmsMessage, locale: Locale): string {
    const t = this.i18n.getFixedT(locale);
    const { params } = message;
    const key =
      params.code && templatesWithCode.includes(message.template)
        ? `${message.template}_with_code`
        : message.template;
    const text = t(`sms.texts.${key}`, {
      ...params,
      at: params.at ? formatMoment(new Date(params.at), locale) : undefined,
      place: params.place ?? t('sms.placeToBeTold'),
      until: params.until ? formatPlainDate(params.until, locale) : undefined,
      agency: params.agency ? t(`sms.agencies.${params.agency}`) : undefined,
      guidance: params.guidance
        ? params.guidance
            .split(',')
            .map((one) => t(`guidances.${one}`))
            .join(t('sms.listSeparator'))
        : t('sms.otherWays'),
      trackUrl: `${this.publicUrl}/track`,
      interpolation: { escapeValue: false },
    })
      .replace(/\s+/g, ' ')
      .trim();
    // 个人信息保护法 §15: each message says how to stop them (the unit records the withdrawal)
    const withStop = `${text}${t('sms.howToStop')}`;
    // 个人信息保护法: an SMS never carries an ID number, whatever a template or a param says
    if (idNumberPattern.test(withStop)) throw new Error('an SMS may not carry an ID number');
    return withStop;
  }
}
