import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { CaseRepository } from './case.repository';
import type { CaseService } from './case.service';
import type { Party } from './party.entity';

/** A party with its personal numbers in clear (null where none is stored). */
export interface RevealedParty {
  party: Party;
  idNumber: string | null;
  phone: string | null;
}

/** Reveal (显示完整号码): a party's ID and phone number shown in full on request, every view audited. */
export class PartyRevealService {
  constructor(
    private readonly visible: Pick<CaseService, 'getVisible'>,
    private readonly cases: CaseRepository,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditService,
  ) {}

  /** A party's ID and phone number in clear, for those who act on the case; every view is audited. */
  async revealParty(
    actor: Actor,
    origin: RequestOrigin,
    caseId: string,
    partyId: string,
  ): Promise<RevealedParty> {
    const { resource } = await this.visible.getVisible(actor, caseId);
    const party = await this.cases.findParty(caseId, partyId);
    if (!party) throw new NotFoundError();
    if (!policy.can(actor, 'party.reveal', resource)) throw new ForbiddenError();
    await this.audit.record(origin, {
      action: 'party.revealed',
      target: { type: 'party', id: party.id },
      details: {
        caseId,
        fields: ['idNumber', 'phone'].filter((field) =>
          field === 'idNumber' ? party.idNumberEncrypted : party.phoneEncrypted,
        ),
      },
    });
    return {
      party,
      idNumber: party.idNumberEncrypted ? this.cipher.decrypt(party.idNumberEncrypted) : null,
      phone: party.phoneEncrypted ? this.cipher.decrypt(party.phoneEncrypted) : null,
    };
  }
}
