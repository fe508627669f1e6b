import type { TFunction } from 'i18next';
import { todayInShanghai } from '../../deadlines/working-calendar';
import { formatPlainDate } from '../../shared/format';
import type { Locale } from '../../shared/i18n/i18n';
import { unitName } from '../../units/unit.presenter';
import type { ViewContext } from '../case.view-model';
import type { CaseFile } from '../case-file.service';
import { acceptanceOf, type CaseDocumentEntry, caseDocumentsOf, closingOf, momentOf } from './case-documents';
import { documentLaw } from './document-law';
import { documentFrame, issuerName, lawLine, mediatorName } from './document-parts';

function dayOf(at: Date | string, locale: Locale): string {
  return formatPlainDate(at instanceof Date ? todayInShanghai(at) : at, locale);
}

/**
 * An agreement's name, as the printed agreement titles it: an oral one is recorded on a
 * 口头调解协议登记表 (人民调解法 §28), a written one from people's mediation is a 人民调解协议书.
 */
export function agreementName(file: CaseFile, t: TFunction): string {
  if (file.agreement?.form === 'oral') return t('agreementDoc.titleOral');
  return peoplesTrack(file) ? t('agreementDoc.title') : t('agreementDoc.titleOther');
}

/** People's mediation — also before any track was chosen (screening is the committee's). */
function peoplesTrack(file: CaseFile): boolean {
  return file.row.track === 'people' || file.row.track === null;
}

/** A document's name as the case page and the table of contents print it. */
export function documentName(entry: CaseDocumentEntry, t: TFunction, file: CaseFile): string {
  switch (entry.kind) {
    case 'acceptance-notice':
      return t('caseDocs.acceptance.title');
    case 'refusal-notice':
      return t('caseDocs.refusal.title');
    case 'session-record':
      return t('caseDocs.session.title');
    case 'follow-up-record':
      return t('caseDocs.followUp.title');
    case 'agreement':
      return agreementName(file, t);
  }
}

/**
 * 卷宗封面 (人民调解法 §27: the committee files each case): unit, number, title, type, parties,
 * the days it was received, accepted and closed, the outcome and the mediator. The retention
 * period (保管期限) is a blank line: no national rule sets it (see `documentLaw.caseFile`).
 */
export function caseFileCoverView(file: CaseFile, context: ViewContext) {
  const { t, locale } = context;
  const row = file.row;
  const accepted = acceptanceOf(file);
  const closed = closingOf(file);
  const names = (role: string) =>
    file.parties
      .filter((party) => party.role === role)
      .map((party) => party.name)
      .join(locale === 'en' ? ', ' : '、');
  return {
    ...documentFrame(file, t(`caseDocs.cover.titles.${row.track ?? 'people'}`), context),
    kind: 'cover',
    issuer: issuerName(file, row.holdingUnitId, context),
    rows: [
      { label: t('caseDocs.cover.unit'), text: unitName(file.holdingUnit, locale) },
      { label: t('caseDocs.cover.number'), text: row.number },
      { label: t('caseDocs.cover.name'), text: row.title },
      { label: t('caseDocs.cover.type'), text: t(`disputeTypes.${row.type}`) },
      { label: t('partyRoles.applicant'), text: names('applicant') },
      { label: t('partyRoles.respondent'), text: names('respondent') },
      { label: t('caseDocs.cover.receivedOn'), text: formatPlainDate(row.receivedOn, locale) },
      { label: t('caseDocs.cover.acceptedOn'), text: accepted ? dayOf(accepted.at, locale) : '' },
      { label: t('caseDocs.cover.closedOn'), text: closed ? dayOf(closed.at, locale) : '' },
      { label: t('caseDocs.cover.outcome'), text: row.outcome ? t(`caseOutcomes.${row.outcome}`) : '' },
      {
        label: t(peoplesTrack(file) ? 'caseDocs.cover.mediator' : 'caseDocs.session.mediator'),
        text: mediatorName(file),
      },
      { label: t('caseDocs.cover.filedBy'), text: '' },
      { label: t('caseDocs.cover.filedOn'), text: '' },
      { label: t('caseDocs.cover.retention'), text: '' },
    ],
    retentionNote: t('caseDocs.cover.retentionNote'),
    law: lawLine(documentLaw.caseFile, context),
  };
}

/**
 * What the file holds besides the documents printed here: the registration of the application
 * (调解登记, 人民调解法 §27: filed with the records and the agreement), and the court's ruling
 * on judicial confirmation when there is one (民事诉讼法 §206), with its number.
 */
function registrationAndRuling(file: CaseFile, t: TFunction) {
  const registered = file.events.find((event) => event.type === 'REGISTERED');
  const items = [
    {
      at: registered?.at ?? file.row.receivedOn,
      dated: file.row.receivedOn as Date | string,
      name: t('caseDocs.contents.registration'),
      note: '',
    },
  ];
  const confirmed = [...file.events].reverse().find((event) => event.type === 'CONFIRMED');
  if (confirmed) {
    const ruledOn = confirmed.payload.ruledOn;
    items.push({
      at: confirmed.at,
      dated: typeof ruledOn === 'string' ? ruledOn : confirmed.at,
      name: t('caseDocs.contents.ruling'),
      note: typeof confirmed.payload.rulingNo === 'string' ? confirmed.payload.rulingNo : '',
    });
  }
  return items;
}

/**
 * 卷内目录: every document the case has and every attachment, in the order they were made,
 * with the day and an empty page-number column to fill when the file is bound.
 */
export function caseFileContentsView(file: CaseFile, context: ViewContext) {
  const { t, locale } = context;
  const documents = [
    ...registrationAndRuling(file, t),
    ...caseDocumentsOf(file).map((entry) => ({
      at: entry.at,
      dated: entry.dated,
      name: documentName(entry, t, file),
      note: '',
    })),
  ];
  const attachments = file.attachments.map((attachment) => ({
    at: attachment.uploadedAt as Date | string,
    dated: attachment.uploadedAt as Date | string,
    name: attachment.fileName,
    note: attachment.description ?? t('caseDocs.contents.attachment'),
  }));
  const items = [...documents, ...attachments]
    .sort((a, b) => momentOf(a.at) - momentOf(b.at))
    .map((item, index) => ({
      n: index + 1,
      name: item.name,
      day: dayOf(item.dated, locale),
      note: item.note,
    }));
  return {
    ...documentFrame(file, t('caseDocs.contents.title'), context),
    kind: 'contents',
    caseTitle: file.row.title,
    items,
    law: lawLine(documentLaw.caseFile, context),
  };
}
