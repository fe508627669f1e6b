import type { PartySms } from '../notifications/outbox';
import type { SmsParams, SmsTemplate } from '../notifications/sms-templates';
import type { UnitRepository } from '../units/unit.repository';
import type { CaseEvent, CaseOutcome } from '../workflows/case.machine';
import type { CaseRepository } from './case.repository';
import type { SteppedCaseEvent } from './case-event-step';
import type { Party } from './party.entity';

/**
 * Who of the parties hears what by SMS (issue 20): the applicants and respondents who
 * consented at intake (个人信息保护法 §14) and gave a phone, one message each, when
 *
 * - the case is accepted (with the party lookup code, when the event issued one), declined,
 *   or referred out (saying where to go);
 * - a session is scheduled (when and where);
 * - an agreement is reached — a written one the court can confirm with the window to apply
 *   jointly for judicial confirmation (人民调解法 §33, 民事诉讼法 §205: within 30 days of the
 *   agreement taking effect);
 * - the court rules on the confirmation (民事诉讼法 §206: confirmed, or rejected);
 * - the case closes otherwise (resolved; unresolved, with the ways left open; withdrawn;
 *   a confirmed agreement breached, referred to enforcement).
 *
 * Third parties and petitioners hear nothing here. Each message says the holding unit's name
 * and the case number; never a name, an ID or a phone number.
 */

/** The message an event sends, with what it alone adds to the unit and the case number. */
export interface PartyMessage {
  template: SmsTemplate;
  params: Omit<SmsParams, 'unit' | 'number'>;
}

const closingTemplates: Partial<Record<CaseOutcome, SmsTemplate>> = {
  resolved: 'closed_resolved',
  unresolved: 'closed_unresolved',
  withdrawn: 'closed_withdrawn',
  enforcement_referred: 'closed_enforcement',
};

/** The message this event sends the consenting parties, or null. */
export function partyMessageOf(
  stepped: Pick<SteppedCaseEvent, 'event' | 'after' | 'toState'>,
  options: { lookupCode?: string } = {},
): PartyMessage | null {
  const { event, after } = stepped;
  switch (event.type) {
    case 'ACCEPT':
      return { template: 'accepted', params: options.lookupCode ? { code: options.lookupCode } : {} };
    case 'DECLINE':
      return { template: 'declined', params: {} };
    case 'REFER_OUT':
      return { template: 'referred_out', params: { agency: event.agency } };
    case 'SCHEDULE_SESSION':
      return { template: 'session_scheduled', params: { at: event.at, place: event.place } };
    case 'REACH_AGREEMENT':
      // the service gave a window only to an agreement the court can confirm (民诉法解释 §355)
      return after.confirmationWindowEndsOn
        ? { template: 'agreement_confirmable', params: { until: after.confirmationWindowEndsOn } }
        : { template: 'agreement_reached', params: {} };
    case 'CONFIRMED':
      return { template: 'confirmed', params: { rulingNo: event.rulingNo } };
    case 'CONFIRMATION_REJECTED':
      return { template: 'confirmation_rejected', params: {} };
    default:
      return stepped.toState === 'closed' ? closingMessage(event, after.outcome) : null;
  }
}

function closingMessage(event: CaseEvent, outcome: CaseOutcome | null): PartyMessage | null {
  const template = outcome ? closingTemplates[outcome] : undefined;
  if (!template) return null;
  if (template !== 'closed_unresolved') return { template, params: {} };
  // the ways left open: the failure's guidance, or what a breach leaves (the rules', with their articles)
  const guidance =
    event.type === 'FAIL'
      ? [event.guidance]
      : event.type === 'BREACHED'
        ? event.guidance.map((item) => item.guidance)
        : [];
  return { template, params: guidance.length > 0 ? { guidance: guidance.join(',') } : {} };
}

/** The parties an SMS goes to: applicants and respondents who consented and have a phone. */
export function partiesToTell(parties: Party[]): Array<Party & { phoneEncrypted: string }> {
  return parties.filter(
    (party): party is Party & { phoneEncrypted: string } =>
      (party.role === 'applicant' || party.role === 'respondent') &&
      party.smsConsent &&
      party.phoneEncrypted !== null,
  );
}

/** The SMS rows of a case event, for the event's batch (read in its transaction). */
export class CasePartyNotices {
  constructor(
    private readonly cases: Pick<CaseRepository, 'partiesOf'>,
    private readonly units: Pick<UnitRepository, 'findById'>,
    /** Seals the lookup code for its wait in the outbox (DATA_KEY's cipher). */
    private readonly seal: (text: string) => string,
  ) {}

  async of(stepped: SteppedCaseEvent, options: { lookupCode?: string } = {}): Promise<PartySms[]> {
    const message = partyMessageOf(stepped, options);
    if (!message) return [];
    const { code, ...params } = message.params as SmsParams;
    const stored: Partial<SmsParams> = code ? { ...params, codeSealed: this.seal(code) } : params;
    const { row, tx, after } = stepped;
    const parties = partiesToTell(await this.cases.partiesOf(row.id, tx));
    if (parties.length === 0) return [];
    // the unit that holds the case after the event: the one that accepted it, the court's ruling returns it to …
    const unit = await this.units.findById(after.holdingUnitId, tx);
    return parties.map((party) => ({
      template: message.template,
      params: {
        unit: (party.language === 'en' ? unit?.nameEn || unit?.nameZh : unit?.nameZh) ?? '',
        number: row.number,
        ...definedOnly(stored),
      },
      locale: party.language === 'en' ? 'en' : 'zh-CN',
      subjectType: 'case',
      subjectId: row.id,
      partyId: party.id,
      phoneEncrypted: party.phoneEncrypted,
    }));
  }
}

function definedOnly<T extends object>(params: T): Partial<T> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as Partial<T>;
}
