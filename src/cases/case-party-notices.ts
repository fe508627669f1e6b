import type { PartySms } from '../notifications/outbox';
import { consentingRecipients, type PartyMessage, PartySmsComposer } from '../notifications/party-sms';
import type { SmsTemplate } from '../notifications/sms-templates';
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
 * Third parties hear nothing here (petitioners: src/petitions/petition-party-notices.ts). Each
 * message says the holding unit's name and the case number; never a name, an ID or a phone number.
 * A party who withdrew consent (个人信息保护法 §15) is not written to, and the worker checks again
 * when it sends.
 */

export type { PartyMessage };

/** Who of a case's parties may hear by SMS: the applicants and respondents. */
export const toldRoles = ['applicant', 'respondent'] as const;

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
  return consentingRecipients(parties, toldRoles);
}

/** The SMS rows of a case event, for the event's batch (read in its transaction). */
export class CasePartyNotices {
  private readonly composer: PartySmsComposer;

  constructor(
    private readonly cases: Pick<CaseRepository, 'partiesOf'>,
    private readonly units: Pick<UnitRepository, 'findById'>,
    /** Seals the lookup code for its wait in the outbox (DATA_KEY's cipher). */
    seal: (text: string) => string,
  ) {
    this.composer = new PartySmsComposer(seal);
  }

  async of(stepped: SteppedCaseEvent, options: { lookupCode?: string } = {}): Promise<PartySms[]> {
    const message = partyMessageOf(stepped, options);
    if (!message) return [];
    const { row, tx, after } = stepped;
    const recipients = partiesToTell(await this.cases.partiesOf(row.id, tx));
    if (recipients.length === 0) return [];
    // the unit that holds the case after the event: the one that accepted it, the court's ruling returns it to …
    const unit = await this.units.findById(after.holdingUnitId, tx);
    return this.composer.compose({
      message,
      recipients,
      unit,
      number: row.number,
      subject: { type: 'case', id: row.id },
    });
  }
}
