import type { CaseResource, PetitionResource } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import type { Transactions } from '../shared/db/transactions';
import { type LookupCodeIssuer, LookupCodeService, type VisibleReader } from './lookup-code.service';
import { LookupThrottleRepository } from './lookup-throttle.repository';
import { PartyAccessPanel } from './party-access';
import { ProgressLookupQueries } from './progress-lookup.queries';
import { ProgressLookupService } from './progress-lookup.service';

/**
 * The parties' side (issue 20), built once by the composition root: lookup codes for staff, the
 * public progress lookup, the case and petition pages' party access panel. The issuer is the
 * foundation's (the case and petition write paths issue a code on ACCEPT with it).
 */
export function buildTracking(deps: {
  /** The app's data source (what the lookup's query and throttle repositories are built on). */
  db: ConstructorParameters<typeof ProgressLookupQueries>[0] &
    ConstructorParameters<typeof LookupThrottleRepository>[0];
  transactions: Transactions;
  audit: AuditService;
  clock: Clock;
  calendar: () => WorkingCalendar;
  cipher: PersonalDataCipher;
  issuer: LookupCodeIssuer;
  cases: VisibleReader<CaseResource>;
  petitions: VisibleReader<PetitionResource>;
}) {
  const { db, transactions, audit, clock, calendar, issuer } = deps;
  const lookupCodes = new LookupCodeService({
    transactions,
    issuer,
    cases: deps.cases,
    petitions: deps.petitions,
    audit,
    clock,
  });
  const progressLookup = new ProgressLookupService({
    queries: new ProgressLookupQueries(db),
    hasher: issuer.hasher,
    failures: new LookupThrottleRepository(db),
    audit,
    clock,
    calendar,
  });
  return { lookupCodes, progressLookup, partyAccess: new PartyAccessPanel(lookupCodes, deps.cipher) };
}
