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

  /** Which of these attachment ids have a row. */
  async existingIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await this.manager().query(
      'SELECT id FROM case_attachments WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  listOfCase(caseId: string): Promise<CaseAttachment[]> {
    return this.manager().find(CaseAttachment, { where: { caseId }, order: { uploadedAt: 'ASC' } });
  }
}
