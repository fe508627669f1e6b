import { formatPlainDate } from '../shared/format';
import { unitName } from '../units/unit.presenter';
import type { ViewContext } from './case.view-model';
import type { CaseFile, DocumentParty } from './case-file.service';
import { partyLines, signingParties } from './documents/document-parts';

/** The printed agreement (人民调解协议书, templates/documents/agreement.hbs). */
export function agreementDocumentView(
  document: { file: CaseFile; agreement: NonNullable<CaseFile['agreement']>; parties: DocumentParty[] },
  { t, locale }: ViewContext,
) {
  const { file, agreement, parties } = document;
  const row = file.row;
  const peoples = row.snapshot.context.track === 'people' || row.track === 'people' || row.track === null;
  const committee = t('agreementDoc.committee', { unit: unitName(file.holdingUnit, locale) });
  const title =
    agreement.form === 'oral'
      ? t('agreementDoc.titleOral')
      : peoples
        ? t('agreementDoc.title')
        : t('agreementDoc.titleOther');
  const sides = parties.filter((entry) => entry.party.role !== 'third_party').length;
  return {
    title,
    layout: 'document',
    documentTitle: title,
    number: t('agreementDoc.number', { number: row.number }),
    committee: peoples ? committee : unitName(file.holdingUnit, locale),
    oral: agreement.form === 'oral',
    backUrl: `/cases/${row.id}`,
    backLabel: t('casePage.backToCase'),
    parties: partyLines(parties, t),
    facts: row.description,
    terms: agreement.terms,
    performance: agreement.performBy
      ? t('agreementDoc.performBy', { date: formatPlainDate(agreement.performBy, locale) })
      : t('agreementDoc.performAsAgreed'),
    reachedOn: t('agreementDoc.reachedOn', { date: formatPlainDate(agreement.reachedOn, locale) }),
    copies: t('agreementDoc.copies', { n: sides + 1 }),
    signatures: signingParties(parties, t),
    mediator: file.row.mediatorId ? (file.users.get(file.row.mediatorId)?.displayName ?? '') : '',
  };
}
