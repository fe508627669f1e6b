import fs from 'node:fs';
import path from 'node:path';
import { actions as policyActions } from '../../src/access/policy';
import { localesDir, templatesDir } from '../../src/shared/paths';

function flatten(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? flatten(value as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

function filesUnder(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full, extension) : full.endsWith(extension) ? [full] : [];
  });
}

const load = (locale: string) => JSON.parse(fs.readFileSync(path.join(localesDir, `${locale}.json`), 'utf8'));

describe('translations', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(flatten(load('en')).sort()).toEqual(flatten(load('zh-CN')).sort());
  });

  it('every {{t "key"}} used in a template exists in both languages', () => {
    const keys = new Set(flatten(load('zh-CN')));
    // `{{t "key"` or `(t "key"`: the helper called, not a word ending in t (`payload.event "X"`)
    const used = filesUnder(templatesDir, '.hbs').flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/(?:\{\{|\()t "([\w.]+)"/g)].map(
        (match) => `${path.basename(file)}: ${match[1]}`,
      ),
    );
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((entry) => !keys.has(entry.split(': ')[1]))).toEqual([]);
  });

  it('every locale key the code names (errors, validation, audit actions) exists in both languages', () => {
    const keys = new Set(flatten(load('zh-CN')));
    const sources = filesUnder(path.join(templatesDir, '..', 'src'), '.ts').map((file) =>
      fs.readFileSync(file, 'utf8'),
    );
    // audit actions: the dotted names on `action:` lines that are not policy actions
    const auditActions = new Set(
      sources
        .flatMap((source) => source.split('\n').filter((line) => /\baction: /.test(line)))
        .flatMap((line) => [...line.matchAll(/'([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]))
        .filter((name) => !(policyActions as readonly string[]).includes(name) && !keys.has(name)),
    );
    expect([...auditActions].filter((action) => !keys.has(`auditActions.${action}`))).toEqual([]);
    const named = new Set(
      sources.flatMap((source) =>
        [...source.matchAll(/'((?:validation|errors|auth|admin|nav|form|home)\.[\w.]+)'/g)].map((m) => m[1]),
      ),
    );
    expect([...named].filter((key) => !keys.has(key) && !auditActions.has(key))).toEqual([]);
    const errorCodes = new Set(
      sources.flatMap((source) => [...source.matchAll(/Error\('([a-z_]+)'/g)].map((m) => m[1])),
    );
    expect([...errorCodes].filter((code) => !keys.has(`errors.${code}`))).toEqual([]);
  });
});
