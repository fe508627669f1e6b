import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions } from '../shared/db/transactions';
import { PartyConsentRepository } from './party-consent.repository';
import { PartyConsentService } from './party-consent.service';
import { SmsConsentPanel } from './party-consent.view-model';

/** The parties' consent to SMS (个人信息保护法 §14, §15): the service and the pages' panel, built once. */
export function buildPartyConsent(deps: {
  /** The app's data source (what the consent repository is built on). */
  db: ConstructorParameters<typeof PartyConsentRepository>[0];
  transactions: Transactions;
  cases: ConstructorParameters<typeof PartyConsentService>[0]['cases'];
  petitions: ConstructorParameters<typeof PartyConsentService>[0]['petitions'];
  audit: AuditService;
  clock: Clock;
}) {
  const partyConsents = new PartyConsentService({ ...deps, parties: new PartyConsentRepository(deps.db) });
  return { partyConsents, smsConsentPanel: new SmsConsentPanel(partyConsents) };
}
