import type { TFunction } from 'i18next';
import { todayInShanghai } from '../../deadlines/working-calendar';
import { formatPlainDate } from '../../shared/format';
import { listSeparator } from '../../shared/i18n/bilingual';
import type { Locale } from '../../shared/i18n/i18n';
import { unitName } from '../../units/unit.presenter';
import type { PetitionEventRecord } from '../../workflows/workflow-event.entity';
import type { PetitionDocument } from './petition-document.service';

/** What the documents are given besides their data: the reader's language. */
export interface DocumentContext {
  t: TFunction;
  locale: Locale;
}

/** A date an event states (`on`, `requestedOn`, `deliveredOn`), as the reader writes dates; '' when absent. */
export function eventDate(event: PetitionEventRecord | null, field: string, locale: Locale): string {
  const value = event?.payload[field];
  return typeof value === 'string' ? formatPlainDate(value, locale) : '';
}

/** The day an event took effect: the date it states (`on`), else the day it was recorded in Shanghai. */
export function eventDay(event: PetitionEventRecord | null, locale: Locale): string {
  if (!event) return '';
  const on = event.payload.on;
  return formatPlainDate(typeof on === 'string' ? on : todayInShanghai(event.at), locale);
}

/**
 * What every printed document of a petition shows around its text: title and number, the
 * petitioners it is addressed to (numbers in full only where the service unmasked them), the
 * unit that issues it and the day, the way back to the petition.
 */
export function petitionDocumentFrame(
  document: PetitionDocument,
  title: string,
  { t, locale }: DocumentContext,
) {
  const { row } = document;
  return {
    layout: 'document',
    title,
    documentTitle: title,
    number: t('petitionDocs.number', { number: row.number }),
    backUrl: `/petitions/${row.id}`,
    backLabel: t('petitionDocs.backToPetition'),
    addressee: t('petitionDocs.addressee', {
      names: document.petitioners.map(({ party }) => party.name).join(listSeparator(locale)),
    }),
    petitioners: document.petitioners.map(({ party, idNumber, phone }) => ({
      name: party.name,
      // an organisation's number is its 统一社会信用代码, and someone signs for it (法定代表人/负责人)
      idLabel: t(party.kind === 'organisation' ? 'petitionDocs.creditCodeLabel' : 'petitionDocs.idLabel'),
      organisation: party.kind === 'organisation',
      idNumber: idNumber ?? party.idNumberMasked,
      phone: phone ?? party.phoneMasked,
    })),
    subject: row.subject,
    receivedOn: formatPlainDate(row.receivedOn, locale),
    issuer: unitName(document.issuer, locale),
    issuedOn: formatPlainDate(document.issuedOn, locale),
  };
}
