import type { PartySms } from '../notifications/outbox';
import { consentingRecipients, type PartyMessage, PartySmsComposer } from '../notifications/party-sms';
import type { Tx } from '../shared/db/transactions';
import type { UnitRepository } from '../units/unit.repository';
import type { PetitionEvent } from '../workflows/petition.machine';
import type { PetitionRules } from '../workflows/rules/petition-rules.types';
import type { Petition } from './petition.entity';
import type { PetitionRepository } from './petition.repository';

/**
 * Who of the petitioners hears what by SMS (issue 20; 信访工作条例, 2022): the petitioners who
 * consented at registration (个人信息保护法 §14, not withdrawn since, §15) and gave a phone, one
 * message each, when the petition is
 *
 * - accepted (§22, §23: told in writing within 15 days; with the 信访事项查询码 ACCEPT issued);
 * - not accepted, and where the matter may go instead: the body with the power to handle it
 *   (§23), the legal routes (litigation, arbitration, reconsideration) for a claim that belongs
 *   there (§31);
 * - answered (REPLY): for a claim (申诉求决类) the handling opinion and the 30 days from its
 *   receipt to ask the body one level up for a 复查 (§34, §35); a proposal or complaint is answered,
 *   no review (§32, §33);
 * - reviewed (REVIEW_DECIDED): the 30 days to ask for a 复核 (§36);
 * - rechecked (RECHECK_DECIDED): the opinion is final, the same matter is not accepted again (§36);
 * - closed (CLOSE).
 *
 * The days are the petition rules' (src/workflows/rules/petition.ts). Each message says the
 * unit holding the petition after the event and the petition's number; never a name, an ID or
 * a phone number.
 */
export function petitionerMessageOf(
  event: PetitionEvent,
  rules: Pick<PetitionRules, 'reviewRequestWindow' | 'recheckRequestWindow'>,
  options: { lookupCode?: string } = {},
): PartyMessage | null {
  switch (event.type) {
    case 'ACCEPT':
      return {
        template: 'petition_accepted',
        params: options.lookupCode ? { code: options.lookupCode } : {},
      };
    case 'DECLINE':
      return { template: 'petition_declined', params: {} };
    case 'REPLY':
      // only a claim's opinion opens the window to ask for a review (rule `reviewApplies`)
      return event.reviewRequestWindowEndsOn
        ? { template: 'petition_replied', params: { days: rules.reviewRequestWindow.days } }
        : { template: 'petition_answered', params: {} };
    case 'REVIEW_DECIDED':
      return { template: 'petition_reviewed', params: { days: rules.recheckRequestWindow.days } };
    case 'RECHECK_DECIDED':
      return { template: 'petition_rechecked', params: {} };
    case 'CLOSE':
      return { template: 'petition_closed', params: {} };
    default:
      return null;
  }
}

/** The SMS rows of a petition event, for the event's transaction. */
export class PetitionPartyNotices {
  private readonly composer: PartySmsComposer;

  constructor(
    private readonly petitions: Pick<PetitionRepository, 'petitionersOf'>,
    private readonly units: Pick<UnitRepository, 'findById'>,
    /** Seals the lookup code for its wait in the outbox (DATA_KEY's cipher). */
    seal: (text: string) => string,
  ) {
    this.composer = new PartySmsComposer(seal);
  }

  async of(step: {
    row: Petition;
    event: PetitionEvent;
    rules: PetitionRules;
    /** The unit holding the petition after the event: the review body's after a review … */
    holdingUnitId: string;
    lookupCode?: string;
    tx: Tx;
  }): Promise<PartySms[]> {
    const message = petitionerMessageOf(step.event, step.rules, { lookupCode: step.lookupCode });
    if (!message) return [];
    const recipients = consentingRecipients(await this.petitions.petitionersOf(step.row.id, step.tx), [
      'petitioner',
    ]);
    if (recipients.length === 0) return [];
    return this.composer.compose({
      message,
      recipients,
      unit: await this.units.findById(step.holdingUnitId, step.tx),
      number: step.row.number,
      subject: { type: 'petition', id: step.row.id },
    });
  }
}
