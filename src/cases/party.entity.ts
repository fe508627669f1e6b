import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const partyRoles = ['applicant', 'respondent', 'third_party'] as const;
export type PartyRole = (typeof partyRoles)[number] | 'petitioner';
export const partyKinds = ['person', 'organisation'] as const;
export type PartyKind = (typeof partyKinds)[number];
/** The languages a party may be written to in (SMS notices). */
export const partyLanguages = ['zh-CN', 'en'] as const;
export type PartyLanguage = (typeof partyLanguages)[number];

/**
 * A party (当事人) of a case, or a petitioner (信访人) of a petition. ID and phone
 * numbers are stored only encrypted, hashed and masked.
 */
@Entity({ name: 'parties' })
export class Party {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ name: 'petition_id', type: 'uuid', nullable: true })
  petitionId!: string | null;

  /** Order as entered: the first applicant is the one named first in documents. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 16 })
  role!: PartyRole;

  @Column({ type: 'varchar', length: 16 })
  kind!: PartyKind;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'id_number_encrypted', type: 'text', nullable: true })
  idNumberEncrypted!: string | null;

  @Column({ name: 'id_number_hash', type: 'char', length: 64, nullable: true })
  idNumberHash!: string | null;

  @Column({ name: 'id_number_masked', type: 'varchar', length: 32, nullable: true })
  idNumberMasked!: string | null;

  @Column({ name: 'phone_encrypted', type: 'text', nullable: true })
  phoneEncrypted!: string | null;

  @Column({ name: 'phone_hash', type: 'char', length: 64, nullable: true })
  phoneHash!: string | null;

  @Column({ name: 'phone_masked', type: 'varchar', length: 32, nullable: true })
  phoneMasked!: string | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'boolean', default: false })
  representative!: boolean;

  /** Keyed hash of the normalised name, for finding the same parties elsewhere. */
  @Column({ name: 'name_hash', type: 'char', length: 64 })
  nameHash!: string;

  /** Consent to notices by SMS (个人信息保护法 §14: given freely, explicitly, informed); only with a phone. */
  @Column({ name: 'sms_consent', type: 'boolean', default: false })
  smsConsent!: boolean;

  /** When the consent was given (the intake that recorded it). */
  @Column({ name: 'sms_consent_at', type: 'timestamptz', nullable: true })
  smsConsentAt!: Date | null;

  /** When the consent was last withdrawn (个人信息保护法 §15); cleared when consent is given again. */
  @Column({ name: 'sms_consent_withdrawn_at', type: 'timestamptz', nullable: true })
  smsConsentWithdrawnAt!: Date | null;

  /** The language the party's messages are written in. */
  @Column({ type: 'varchar', length: 8, default: 'zh-CN' })
  language!: PartyLanguage;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
