import type { TFunction } from 'i18next';
import { inLocale } from '../../shared/i18n/bilingual';
import type { Locale } from '../../shared/i18n/i18n';
import { unitName } from '../../units/unit.presenter';
import type { LegalSource } from '../../workflows/rules/dispute-rules.types';
import type { ViewContext } from '../case.view-model';
import type { CaseFile, DocumentParty } from '../case-file.service';

/**
 * What every printed document of a case shares: the page frame (title, number, the way back
 * to the case), the issuing committee or unit, the parties as the agreement prints them
 * (numbers in full only where the service revealed them), and its article.
 */

export function documentFrame(file: CaseFile, title: string, { t }: ViewContext) {
  return {
    title,
    layout: 'document',
    documentTitle: title,
    number: t('caseDocs.number', { number: file.row.number }),
    backUrl: `/cases/${file.row.id}`,
    backLabel: t('casePage.backToCase'),
  };
}

/**
 * Who issues a document: the people's mediation committee of the unit on the people's track
 * (and before a track is chosen: screening is the committee's), else the department or court.
 */
export function issuerName(file: CaseFile, unitId: string | null | undefined, { t, locale }: ViewContext) {
  const unit = (unitId ? file.units.get(unitId) : undefined) ?? file.holdingUnit;
  const name = unitName(unit, locale);
  const peoples = file.row.track === 'people' || file.row.track === null;
  return peoples && unit.kind !== 'department' && unit.kind !== 'court'
    ? t('agreementDoc.committee', { unit: name })
    : name;
}

/** The label of a party's number: an organisation's is its 统一社会信用代码, a person's the ID number. */
export function idLabelOf(party: Pick<DocumentParty['party'], 'kind'>, t: TFunction): string {
  return t(party.kind === 'organisation' ? 'agreementDoc.creditCodeLabel' : 'agreementDoc.idLabel');
}

/**
 * The parties as a record or an agreement prints them (numbers in full where revealed), an
 * organisation with a line for its 法定代表人/负责人 to fill.
 */
export function partyLines(parties: DocumentParty[], t: TFunction) {
  return parties.map(({ party, idNumber, phone }) => ({
    roleLabel: t(`partyRoles.${party.role}`),
    name: party.name,
    organisation: party.kind === 'organisation',
    idLabel: idLabelOf(party, t),
    idNumber: idNumber ?? party.idNumberMasked,
    phone: phone ?? party.phoneMasked,
    address: party.address,
    legalRep: party.kind === 'organisation',
  }));
}

/**
 * The parties as a notice served on each side names them (受理/不予受理告知书): names and masked
 * numbers only — no phone, no address (个人信息保护法 §6: no more personal data than the purpose
 * needs; the other side learns nothing of the applicant it does not need).
 */
export function noticeAddressees(parties: DocumentParty[], t: TFunction) {
  return parties.map(({ party }) => ({
    roleLabel: t(`partyRoles.${party.role}`),
    name: party.name,
    organisation: party.kind === 'organisation',
    idLabel: idLabelOf(party, t),
    idNumber: party.idNumberMasked,
    phone: null,
    address: null,
    legalRep: false,
  }));
}

/** The parties of the case file with nothing decrypted: what a notice is printed from. */
export function maskedParties(file: CaseFile): DocumentParty[] {
  return file.parties.map((party) => ({ party, idNumber: null, phone: null }));
}

/** The parties who sign (applicants and respondents; a third party is heard, not bound). */
export function signingParties(parties: DocumentParty[], t: TFunction) {
  return parties
    .filter((entry) => entry.party.role !== 'third_party')
    .map((entry) => ({
      label: `${t(`partyRoles.${entry.party.role}`)}${t('punct.colon')}${entry.party.name}`,
    }));
}

/** The names of the parties in one role, joined as running text. */
export function namesIn(parties: DocumentParty[], role: string, locale: Locale): string {
  return parties
    .filter((entry) => entry.party.role === role)
    .map((entry) => entry.party.name)
    .join(locale === 'en' ? ', ' : '、');
}

export function lawLine(source: LegalSource, { t, locale }: ViewContext): string {
  return t('caseDocs.basis', { source: inLocale(locale, source) });
}

export function mediatorName(file: CaseFile): string {
  return file.row.mediatorId ? (file.users.get(file.row.mediatorId)?.displayName ?? '') : '';
}

/** A text field of an event's payload ('' when absent). */
export function payloadText(payload: Record<string, unknown>, key: string): string {
  const value = payload[key];
  return typeof value === 'string' ? value : '';
}
