import '../shared/runtime/refuse-unsupported-node';
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/environment';
import { apiOperations } from '../access/route-table';
import type { Services } from '../composition-root';
import { routeTable } from '../routes';
import { systemClock } from '../shared/clock';
import { buildOpenApiDocument } from '../shared/http/openapi';

/**
 * The document `GET /api/openapi.json` serves, with no database and no configuration: the
 * route table is built over inert services (a route's spec is read, its handler never
 * runs) and a throwaway configuration.
 */
export function apiDocumentWithoutServices() {
  const inert: ProxyHandler<object> = {
    get: (_target, name) => {
      if (name === 'then') return undefined; // not a promise
      return new Proxy(() => {
        throw new Error(`the API document is being written: no service runs (${String(name)})`);
      }, inert);
    },
  };
  const services = new Proxy({}, inert) as Services;
  const config = loadConfig({
    DATABASE_URL: 'postgres://describing-the-api.invalid/none',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_KEY: randomBytes(32).toString('hex'),
  });
  return buildOpenApiDocument(apiOperations(routeTable(services, config, systemClock)));
}

/** `npm run openapi [file]`: writes it to `dist/openapi.json`, for the linter (`npm run lint`) and client generators. */
function main() {
  const document = apiDocumentWithoutServices();
  const file = path.resolve(process.argv[2] ?? 'dist/openapi.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(
    `${path.relative(process.cwd(), file)}: ${Object.keys(document.paths).length} paths\n`,
  );
}

if (require.main === module) main();
