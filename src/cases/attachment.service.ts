import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { Clock } from '../shared/clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import type { CaseAttachment } from './attachment.entity';
import type { AttachmentRepository } from './attachment.repository';
import { attachmentMaxBytes, attachmentTypeOf } from './attachment.rules';
import type { AttachmentStorage } from './attachment.storage';
import type { CaseService } from './case.service';
import type { CaseWorkflowService } from './case-workflow.service';

/** A file as it arrived with the request, before anything is decided about it. */
export interface UploadedFile {
  originalName: string;
  content: Buffer;
}

/** Names as browsers send them: no folders, no control characters, at most 255 characters. */
function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.slice(-255) || 'file';
}

/**
 * Evidence and documents on a case (附件): checked against the allow-list and the size
 * limit, stored under `$DATA_DIR/uploads` (permanent once its row is committed), recorded
 * as an ATTACHMENT_ADDED event on the case's chain, and read back only by those the
 * policy lets see the case.
 */
export class AttachmentService {
  constructor(
    private readonly cases: CaseService,
    private readonly workflow: CaseWorkflowService,
    private readonly attachments: AttachmentRepository,
    private readonly storage: AttachmentStorage,
    private readonly clock: Clock,
  ) {}

  async add(
    actor: Actor,
    caseId: string,
    file: UploadedFile | undefined,
    description: string | undefined,
  ): Promise<CaseAttachment> {
    // fail fast, before any byte is written; the workflow service asks again under the row lock
    const { resource } = await this.cases.getVisible(actor, caseId);
    if (!policy.can(actor, 'attachment.add', resource)) throw new ForbiddenError();
    if (!file || file.content.length === 0) {
      throw new ValidationError([{ field: 'file', message: 'attachments.errors.required' }]);
    }
    if (file.content.length > attachmentMaxBytes) {
      throw new ValidationError([{ field: 'file', message: 'attachments.errors.tooLarge' }]);
    }
    const fileName = cleanFileName(file.originalName);
    const contentType = attachmentTypeOf(fileName, file.content.subarray(0, 8));
    if (!contentType) throw new ValidationError([{ field: 'file', message: 'attachments.errors.type' }]);
    if (description && description.length > 500) {
      throw new ValidationError([{ field: 'description', message: 'validation.too_big' }]);
    }

    const id = randomUUID();
    const storageKey = this.storage.keyFor(caseId, id);
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    // under its temporary name until the row that records it is committed (a sweep removes what a failure leaves)
    await this.storage.writeTemporary(storageKey, file.content);
    let recorded: CaseAttachment;
    try {
      recorded = await this.workflow.recordAction(
        actor,
        caseId,
        {
          type: 'ATTACHMENT_ADDED',
          payload: {
            attachmentId: id,
            fileName,
            contentType,
            sizeBytes: file.content.length,
            sha256,
            ...(description ? { description } : {}),
          },
        },
        async (tx, seq) => {
          const attachment: CaseAttachment = {
            id,
            caseId,
            eventSeq: seq,
            fileName,
            contentType,
            sizeBytes: file.content.length,
            sha256,
            storageKey,
            description: description || null,
            uploadedBy: actor.id,
            uploadedAt: this.clock.now(),
          };
          await this.attachments.insert(attachment, tx);
          return attachment;
        },
      );
    } catch (error) {
      await this.storage.removeTemporary(storageKey);
      throw error;
    }
    // committed: the file is the case's now. Should the rename fail, the upload still happened (an error
    // would have the user upload it twice): it is read under its temporary name until the sweep renames it
    await this.storage.makePermanent(storageKey).catch(() => undefined);
    return recorded;
  }

  /**
   * Sweeps the store (at the worker's start and on its schedule): a file whose row exists
   * but which still has its temporary name (the process died between the commit and the
   * rename) is made permanent; a file with no row — an upload whose transaction failed,
   * or that died before it committed, or a file left by the code before issue 17 — is
   * removed once it is older than `olderThanMinutes`, so that an upload in flight keeps its file.
   */
  async sweep(olderThanMinutes: number): Promise<{ removed: number; completed: number }> {
    const files = await this.storage.list();
    const recorded = await this.attachments.existingIds([...new Set(files.map((file) => file.attachmentId))]);
    const permanent = new Set(files.filter((file) => !file.temporary).map((file) => file.key));
    const cutoff = this.clock.now().getTime() - olderThanMinutes * 60_000;
    let removed = 0;
    let completed = 0;
    for (const file of files) {
      if (recorded.has(file.attachmentId)) {
        if (!file.temporary) continue;
        if (permanent.has(file.key)) await this.storage.removeTemporary(file.key);
        else {
          await this.storage.makePermanent(file.key);
          completed += 1;
        }
      } else if (file.modifiedAt.getTime() < cutoff) {
        await this.storage.remove(file.key);
        removed += 1;
      }
    }
    return { removed, completed };
  }

  /** The attachments of a case the actor may see (or 404). */
  async list(actor: Actor, caseId: string): Promise<CaseAttachment[]> {
    await this.cases.getVisible(actor, caseId);
    return this.attachments.listOfCase(caseId);
  }

  /** One attachment and a stream of its bytes, for someone who may see the case; else 404. */
  async open(actor: Actor, caseId: string, attachmentId: string) {
    await this.cases.getVisible(actor, caseId);
    const attachment = await this.attachments.findOfCase(caseId, attachmentId);
    if (!attachment) throw new NotFoundError();
    return { attachment, stream: () => this.storage.read(attachment.storageKey) };
  }
}
