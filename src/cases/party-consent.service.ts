import type { Actor } from '../access/actor';
import { type CaseResource, type PetitionResource, policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ForbiddenError, NotFoundError, RuleViolationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { PartyConsent, PartyConsentRepository, PartySubject } from './party-consent.repository';

/** How a case or petition is read with its access data (404 when the actor may not see it). */
type VisibleReader<R> = (actor: Actor, id: string, tx?: Tx) => Promise<{ resource: R }>;

/** A party's consent to SMS after a change, as the API answers it. */
export interface SmsConsentState {
  partyId: string;
  smsConsent: boolean;
  smsConsentAt: Date | null;
  smsConsentWithdrawnAt: Date | null;
}

/**
 * A party's consent to notices by SMS, recorded by the staff who act on the case or petition
 * (个人信息保护法 §14: given freely and explicitly; §15: it may be withdrawn, and the processor
 * provides a convenient way — the party tells the unit, the unit records it here). A withdrawal
 * stops what has not been sent (the worker asks again before each SMS) and does not undo what
 * was sent before it. Consent given again later needs a phone. Each change is audited
 * (`party.sms_consent_changed`), without the phone number.
 */
export class PartyConsentService {
  constructor(
    private readonly deps: {
      transactions: Transactions;
      parties: PartyConsentRepository;
      cases: VisibleReader<CaseResource>;
      petitions: VisibleReader<PetitionResource>;
      audit: AuditService;
      clock: Clock;
    },
  ) {}

  /** 404 when the actor may not see the subject; whether they may change its parties' consent. */
  private async mayChange(actor: Actor, subject: PartySubject, tx?: Tx): Promise<boolean> {
    if (subject.type === 'case') {
      const { resource } = await this.deps.cases(actor, subject.id, tx);
      return policy.can(actor, 'case.sms_consent', resource);
    }
    const { resource } = await this.deps.petitions(actor, subject.id, tx);
    return policy.can(actor, 'petition.sms_consent', resource);
  }

  /** The subject's parties with their consent, and whether this actor may change it (the page's control). */
  async consentsFor(
    actor: Actor,
    subject: PartySubject,
  ): Promise<{ parties: PartyConsent[]; mayChange: boolean }> {
    const mayChange = await this.mayChange(actor, subject);
    return { parties: await this.deps.parties.consentsOf(subject), mayChange };
  }

  /** Records consent given or withdrawn; a change to what is already recorded changes nothing. */
  setSmsConsent(
    actor: Actor,
    subject: PartySubject,
    partyId: string,
    consent: boolean,
    origin: RequestOrigin,
  ): Promise<SmsConsentState> {
    if (!isUuid(partyId)) throw new NotFoundError();
    return this.deps.transactions.run(async (tx) => {
      if (!(await this.mayChange(actor, subject, tx))) throw new ForbiddenError();
      const party = await this.deps.parties.lock(subject, partyId, tx);
      if (!party) throw new NotFoundError();
      if (party.smsConsent === consent) return stateOf(party);
      // 个人信息保护法 §14: consent to hear by SMS needs a mobile number to send it to
      if (consent && !party.hasMobile)
        throw new RuleViolationError('validation_failed', [
          { field: 'consent', message: 'validation.sms_consent_needs_phone' },
        ]);
      const at = this.deps.clock.now();
      await this.deps.parties.store(party.id, consent, at, tx);
      await this.deps.audit.record(
        origin,
        {
          action: 'party.sms_consent_changed',
          target: subject,
          details: { partyId: party.id, consent },
        },
        tx,
      );
      return consent
        ? { partyId: party.id, smsConsent: true, smsConsentAt: at, smsConsentWithdrawnAt: null }
        : { ...stateOf(party), smsConsent: false, smsConsentWithdrawnAt: at };
    });
  }
}

function stateOf(party: PartyConsent): SmsConsentState {
  return {
    partyId: party.id,
    smsConsent: party.smsConsent,
    smsConsentAt: party.smsConsentAt,
    smsConsentWithdrawnAt: party.smsConsentWithdrawnAt,
  };
}
