import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import type { Party } from './party.entity';
import type { RevealedParty } from './party-reveal.service';

/** What a printed document's parties need: who may unmask them, and what the print is audited as. */
export interface PrintedDocumentParties {
  parties: Party[];
  /** The policy's answer for this reader (a case's `party.reveal`, a petition's `canRevealPetitioners`). */
  mayReveal: boolean;
  cipher: PersonalDataCipher;
  audit: AuditService;
  origin: RequestOrigin;
  /** The audit entry of a print with numbers in full; `details` gains the ids of the people shown. */
  print: { action: string; target: { type: string; id: string }; details?: Record<string, unknown> };
}

/**
 * The people a printed document names (协议书, 告知书, 意见书). A document handed to them or signed
 * carries their ID and phone numbers, so these are printed in full for a reader the policy lets
 * unmask them (null otherwise: the masked forms are printed) — and such a print is audited like
 * any other unmasked view (`party.revealed`), naming whose numbers it showed.
 */
export async function partiesOnPrintedDocument(input: PrintedDocumentParties): Promise<RevealedParty[]> {
  const { parties, mayReveal, cipher } = input;
  const shown: RevealedParty[] = parties.map((party) => ({
    party,
    idNumber: mayReveal && party.idNumberEncrypted ? cipher.decrypt(party.idNumberEncrypted) : null,
    phone: mayReveal && party.phoneEncrypted ? cipher.decrypt(party.phoneEncrypted) : null,
  }));
  const unmasked = shown.filter((entry) => entry.idNumber || entry.phone);
  if (unmasked.length > 0) {
    await input.audit.record(input.origin, {
      ...input.print,
      details: { ...input.print.details, parties: unmasked.map((entry) => entry.party.id) },
    });
  }
  return shown;
}
