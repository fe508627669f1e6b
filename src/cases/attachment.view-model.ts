import { formatBytes } from '../shared/format';
import type { CaseAttachment } from './attachment.entity';

/** An attachment as the case page lists it and the timeline links it. */
export function attachmentView(caseId: string, attachment: CaseAttachment) {
  return {
    id: attachment.id,
    name: attachment.fileName,
    size: formatBytes(attachment.sizeBytes),
    url: `/cases/${caseId}/attachments/${attachment.id}`,
    description: attachment.description,
  };
}
