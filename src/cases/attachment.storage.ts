import { createReadStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '../shared/ids';

/** The suffix of a file still being uploaded: it becomes permanent (renamed) once its row is committed. */
const temporarySuffix = '.part';

/** A file in the store, as a sweep sees it. */
export interface StoredFile {
  key: string;
  caseId: string;
  attachmentId: string;
  /** Still under its temporary name. */
  temporary: boolean;
  modifiedAt: Date;
}

/**
 * The attachment store: files under `$DATA_DIR/uploads/<case id>/<attachment id>`.
 * Names are ids the server chose, never what the uploader sent, so no path can be
 * smuggled in. A file is written under a temporary name (`<attachment id>.part`) and
 * made permanent only once the transaction that records it has committed, so a file
 * without a row is either in flight or left by a failure — which `AttachmentService.sweep`
 * removes once it is old enough not to be in flight.
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

  /** Writes the file under its temporary name (readable by the app only); fails if it exists. */
  async writeTemporary(key: string, content: Buffer): Promise<void> {
    const full = this.pathOf(key);
    await fs.mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    await fs.writeFile(`${full}${temporarySuffix}`, content, { flag: 'wx', mode: 0o600 });
  }

  /** Gives the file its permanent name: after the row that records it has been committed. */
  async makePermanent(key: string): Promise<void> {
    const full = this.pathOf(key);
    await fs.rename(`${full}${temporarySuffix}`, full);
  }

  /** Removes the file under either name. */
  async remove(key: string): Promise<void> {
    const full = this.pathOf(key);
    await fs.rm(`${full}${temporarySuffix}`, { force: true });
    await fs.rm(full, { force: true });
  }

  async removeTemporary(key: string): Promise<void> {
    await fs.rm(`${this.pathOf(key)}${temporarySuffix}`, { force: true });
  }

  /** The file's bytes; one committed but not yet renamed (or whose rename a crash cut short) is read under its temporary name. */
  read(key: string) {
    const full = this.pathOf(key);
    return createReadStream(existsSync(full) ? full : `${full}${temporarySuffix}`);
  }

  /** Every file the store holds under an id-made name, permanent or temporary (others are not ours: left alone). */
  async list(): Promise<StoredFile[]> {
    const found: StoredFile[] = [];
    let caseDirs: string[];
    try {
      caseDirs = await fs.readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    for (const caseId of caseDirs.filter(isUuid)) {
      const names = await fs.readdir(path.join(this.root, caseId)).catch(() => [] as string[]);
      for (const name of names) {
        const temporary = name.endsWith(temporarySuffix);
        const attachmentId = temporary ? name.slice(0, -temporarySuffix.length) : name;
        if (!isUuid(attachmentId)) continue;
        const stat = await fs.stat(path.join(this.root, caseId, name)).catch(() => null);
        if (!stat?.isFile()) continue;
        found.push({
          key: `${caseId}/${attachmentId}`,
          caseId,
          attachmentId,
          temporary,
          modifiedAt: stat.mtime,
        });
      }
    }
    return found;
  }
}
