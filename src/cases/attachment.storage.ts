import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '../shared/ids';

/**
 * The attachment store: files under `$DATA_DIR/uploads/<case id>/<attachment id>`.
 * Names are ids the server chose, never what the uploader sent, so no path can be
 * smuggled in.
 */
export class AttachmentStorage {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir, 'uploads');
  }

  keyFor(caseId: string, attachmentId: string): string {
    if (!isUuid(caseId) || !isUuid(attachmentId)) {
      throw new Error('attachment keys are made of ids');
    }
    return `${caseId}/${attachmentId}`;
  }

  private pathOf(key: string): string {
    const full = path.resolve(this.root, key);
    if (!full.startsWith(`${this.root}${path.sep}`))
      throw new Error(`attachment key outside the store: ${key}`);
    return full;
  }

  /** Writes the file (readable by the app only); fails if it exists. */
  async write(key: string, content: Buffer): Promise<void> {
    const full = this.pathOf(key);
    await fs.mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    await fs.writeFile(full, content, { flag: 'wx', mode: 0o600 });
  }

  async remove(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  read(key: string) {
    return createReadStream(this.pathOf(key));
  }
}
