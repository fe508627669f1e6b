import type { TFunction } from 'i18next';
import type { PetitionEventRecord } from '../../workflows/workflow-event.entity';
import { petitionDocumentKinds, petitionDocuments } from './petition-documents';

/**
 * The petition page's links to its documents (templates/partials/petitions/documents.hbs): one
 * for each document its timeline has issued — the acceptance notice once accepted, the handling
 * opinion once replied to, and so on.
 */
export function petitionDocumentLinks(petitionId: string, events: PetitionEventRecord[], t: TFunction) {
  const issued = new Set(events.map((event) => event.type));
  return petitionDocumentKinds
    .filter((kind) => issued.has(petitionDocuments[kind].issuedBy))
    .map((kind) => ({
      href: `/petitions/${petitionId}/documents/${petitionDocuments[kind].slug}`,
      label: t(`petitionDocs.${kind}.title`),
    }));
}
