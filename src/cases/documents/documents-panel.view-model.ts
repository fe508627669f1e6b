import { formatMoment, formatPlainDate } from '../../shared/format';
import type { ViewContext } from '../case.view-model';
import type { CaseFile } from '../case-file.service';
import { caseDocumentsOf } from './case-documents';
import { documentName } from './case-file-cover.view-model';

/**
 * The case page's documents panel (templates/partials/cases/documents.hbs): each document the
 * case has, with its proof of service where it is served, then the file's cover and contents.
 */
export function documentsPanelView(file: CaseFile, { t, locale }: ViewContext) {
  const base = `/cases/${file.row.id}/documents`;
  return {
    items: caseDocumentsOf(file).map((entry) => ({
      name: documentName(entry, t, file),
      when:
        entry.dated instanceof Date
          ? formatMoment(entry.dated, locale)
          : formatPlainDate(entry.dated, locale),
      url: entry.url,
      receiptUrl: entry.receiptUrl ?? null,
    })),
    coverUrl: `${base}/cover`,
    coverTitle: t(`caseDocs.cover.titles.${file.row.track ?? 'people'}`),
    contentsUrl: `${base}/contents`,
  };
}
