import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths';

/**
 * The Node.js the project runs on. It brings its own (the `node` package in
 * package.json puts a Node binary in node_modules/.bin, which npm scripts find first),
 * because the machines' own Node 20 is past its end of life; `engines.node` names the
 * oldest release it supports.
 */
export interface RuntimeRequirement {
  /** What package.json's `engines.node` says, e.g. `>=26.10`. */
  engines: string;
  major: number;
}

export function runtimeRequirement(): RuntimeRequirement {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    engines?: { node?: string };
  };
  const engines = manifest.engines?.node ?? '';
  const major = /^>=\s*(\d+)/.exec(engines)?.[1];
  if (!major) throw new Error(`package.json engines.node must read ">=<major>…", not "${engines}"`);
  return { engines, major: Number(major) };
}

/** Why this Node.js may not run the app (one line), or null when it may. */
export function runtimeProblem(version: string, requirement: RuntimeRequirement): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= requirement.major) return null;
  return `Node.js ${version} is not supported: this app needs Node.js ${requirement.major} (engines ${requirement.engines}); run it through npm (npm start, npm test), which uses the Node.js installed in node_modules/.bin by npm install.`;
}
