import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';

/** A year: what `immutable` promises for a URL whose content can never change. */
const oneYearSeconds = 31_536_000;

/** A file served under /static, by its URL path below /static ("app.css", "vendor/htmx.min.js"). */
export interface StaticAsset {
  name: string;
  file: string;
}

/**
 * The static files' URLs with a content hash in them (`/static/app.3f9c2a71d0.css`), computed
 * once at start-up: a page links an asset through the `asset` view helper, so a browser keeps
 * it for a year (`immutable`) and still fetches the new one the moment it changes. The plain
 * URLs keep working, revalidated by ETag.
 */
export class AssetCatalogue {
  private readonly hashedByName = new Map<string, string>();
  /** Each asset under its hashed and its plain name, with its content hash as a strong ETag. */
  private readonly byPath = new Map<string, { file: string; etag: string; hashed: boolean }>();

  constructor(assets: StaticAsset[]) {
    for (const { name, file } of assets) {
      const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10);
      const extension = path.extname(name);
      const hashedName = `${name.slice(0, name.length - extension.length)}.${hash}${extension}`;
      this.hashedByName.set(name, `/static/${hashedName}`);
      this.byPath.set(hashedName, { file, etag: `"${hash}"`, hashed: true });
      this.byPath.set(name, { file, etag: `"${hash}"`, hashed: false });
    }
  }

  /** The hashed URL of the asset `name` ("app.css"); an unknown name is an error in a template. */
  urlOf(name: string): string {
    const url = this.hashedByName.get(name);
    if (!url) throw new Error(`no static asset named ${name}`);
    return url;
  }

  /** The asset behind a URL path below /static (hashed or plain), if it is one. */
  find(name: string): { file: string; etag: string; hashed: boolean } | undefined {
    return this.byPath.get(name);
  }
}

/** Every file under `dir` (recursively), named by its path below it with forward slashes. */
export function filesUnder(dir: string, prefix = ''): StaticAsset[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = `${prefix}${entry.name}`;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(file, `${name}/`);
    return entry.isFile() ? [{ name, file }] : [];
  });
}

/**
 * Serves the catalogue's hashed URLs for a year, immutable, and the plain ones (the app's own
 * files and the vendored ones) with an ETag and `no-cache` (each use revalidates: a 304 while
 * unchanged). The files are those found at start-up; any other /static path goes on to the
 * app's 404.
 */
export function serveStaticAssets(app: Express, assets: StaticAsset[]): AssetCatalogue {
  const catalogue = new AssetCatalogue(assets);
  app.get('/static/{*asset}', (req, res, next) => {
    const found = catalogue.find(req.path.slice('/static/'.length));
    if (!found) return next();
    // send keeps the headers already set, and answers 304 to an If-None-Match of this ETag
    // (the app's own `etag` setting, which sendFile follows, is off for its no-store answers)
    res.setHeader(
      'Cache-Control',
      found.hashed ? `public, max-age=${oneYearSeconds}, immutable` : 'no-cache',
    );
    res.setHeader('ETag', found.etag);
    res.sendFile(found.file);
  });
  return catalogue;
}
