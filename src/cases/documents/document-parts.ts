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

export function partyLines(parties: DocumentParty[], t: TFunction) {
  return parties.map(({ party, idNumber, phone }) => ({
    roleLabel: t(`partyRoles.${party.role}`),
    name: party.name,
    organisation: party.kind === 'organisation',
    idNumber: idNumber ?? party.idNumberMasked,
    phone: phone ?? party.phoneMasked,
    address: party.address,
  }));
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
