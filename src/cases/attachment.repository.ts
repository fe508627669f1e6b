import type { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../shared/ids';
import { CaseAttachment } from './attachment.entity';

/** The only code that queries case attachments. */
export class AttachmentRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  async insert(attachment: CaseAttachment, tx: EntityManager): Promise<void> {
    await tx.insert(CaseAttachment, attachment);
  }

  findOfCase(caseId: string, attachmentId: string): Promise<CaseAttachment | null> {
    if (!isUuid(attachmentId)) return Promise.resolve(null);
    return this.manager().findOne(CaseAttachment, { where: { id: attachmentId, caseId } });
  }

  listOfCase(caseId: string): Promise<CaseAttachment[]> {
    return this.manager().find(CaseAttachment, { where: { caseId }, order: { uploadedAt: 'ASC' } });
  }
}
