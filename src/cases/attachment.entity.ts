import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An attachment (附件) on a case: evidence or a document a mediator added. The bytes
 * live in the attachment store under `$DATA_DIR/uploads`; this row says what they are
 * and points at the ATTACHMENT_ADDED event that put them on the case's timeline.
 */
@Entity({ name: 'case_attachments' })
export class CaseAttachment {
  /** Chosen by the service before the file is written, so the file can be named after it. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'event_seq', type: 'integer' })
  eventSeq!: number;

  /** The name the file had on the uploader's machine (shown and offered on download). */
  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName!: string;

  /** From the allow-list, decided by the server (never the browser's claim). */
  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType!: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  /** Path of the file relative to the uploads folder. */
  @Column({ name: 'storage_key', type: 'varchar', length: 200 })
  storageKey!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'uploaded_by', type: 'uuid', nullable: true })
  uploadedBy!: string | null;

  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt!: Date;
}
