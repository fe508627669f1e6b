import type { DataSource, EntityManager } from 'typeorm';
import { toldRoles } from './case-party-notices';
import { Party } from './party.entity';

/** Whose party it is: a case's (当事人) or a petition's (信访人). */
export interface PartySubject {
  type: 'case' | 'petition';
  id: string;
}

/** A party's consent to SMS as the staff's control shows and changes it. */
export type PartyConsent = Pick<
  Party,
  'id' | 'name' | 'role' | 'phoneMasked' | 'smsConsent' | 'smsConsentAt' | 'smsConsentWithdrawnAt'
> & {
  /** A mobile number is stored: a landline cannot receive an SMS. */
  hasMobile: boolean;
};

const columns = `id, name, role, phone_masked AS "phoneMasked", sms_consent AS "smsConsent",
  sms_consent_at AS "smsConsentAt", sms_consent_withdrawn_at AS "smsConsentWithdrawnAt",
  phone_encrypted IS NOT NULL AND phone_masked ~ '^1[3-9]' AS "hasMobile"`;
/** Whose consent to SMS counts: the people SMS reaches (a case's applicants and respondents, a petition's petitioners). */
export const smsRoles: Record<PartySubject['type'], readonly string[]> = {
  case: toldRoles,
  petition: ['petitioner'],
};

const ownerColumn = (subject: PartySubject) => (subject.type === 'case' ? 'case_id' : 'petition_id');

/** The only code that reads and writes parties' consent to SMS (个人信息保护法 §14, §15). */
export class PartyConsentRepository {
  constructor(private readonly db: DataSource) {}

  /** The parties of a case or the petitioners of a petition, in their order. */
  consentsOf(subject: PartySubject): Promise<PartyConsent[]> {
    return this.db.query(
      `SELECT ${columns} FROM parties WHERE ${ownerColumn(subject)} = $1 AND role = ANY($2) ORDER BY position`,
      [subject.id, smsRoles[subject.type]],
    );
  }

  /** The party, locked for the change, if it is one of the subject's whom SMS reaches (a third party is not). */
  async lock(subject: PartySubject, partyId: string, tx: EntityManager): Promise<PartyConsent | null> {
    const rows: PartyConsent[] = await tx.query(
      `SELECT ${columns} FROM parties WHERE id = $1 AND ${ownerColumn(subject)} = $2 AND role = ANY($3) FOR UPDATE`,
      [partyId, subject.id, smsRoles[subject.type]],
    );
    return rows[0] ?? null;
  }

  /** Consent given (now), or withdrawn (now): when it was given stays, the withdrawal is dated. */
  async store(partyId: string, consent: boolean, at: Date, tx: EntityManager): Promise<void> {
    await tx.update(
      Party,
      { id: partyId },
      consent
        ? { smsConsent: true, smsConsentAt: at, smsConsentWithdrawnAt: null }
        : { smsConsent: false, smsConsentWithdrawnAt: at },
    );
  }
}
