import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json: the same from src/ (tests) and dist/src/ (built app). */
function findProjectRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findProjectRoot(__dirname);
export const templatesDir = path.join(projectRoot, 'templates');
export const localesDir = path.join(projectRoot, 'locales');
export const publicDir = path.join(projectRoot, 'public');
