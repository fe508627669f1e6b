import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { apiDocumentWithoutServices } from '../src/cli/openapi-document';
import { startTestApp, type TestApp } from './support/test-app';

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  responses: Record<string, unknown>;
};

/** Issue 18 item 6: a document clients can be generated from, complete by construction. */
describe('the OpenAPI document, complete by construction', () => {
  let testApp: TestApp;
  let served: Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    testApp = await startTestApp();
    served = (await request(testApp.app).get('/api/openapi.json')).body;
  });
  afterAll(() => testApp.close());

  const operations = () =>
    Object.entries(served.paths).flatMap(([route, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({ name: `${method} ${route}`, operation })),
    );

  it('when written without a database (npm run openapi), then it is the document the app serves', () => {
    expect(JSON.parse(JSON.stringify(apiDocumentWithoutServices()))).toEqual(served);
  });

  it('then every operation has a unique camelCase operationId, a summary, a declared tag and its 4xx answers', () => {
    const tags = (served.tags as { name: string; description: string }[]).map((tag) => tag.name);
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { name, operation } of operations()) {
      expect({ name, id: operation.operationId }).toEqual({
        name,
        id: expect.stringMatching(/^[a-z][a-zA-Z0-9]*$/),
      });
      expect({ name, summary: operation.summary }).toEqual({ name, summary: expect.any(String) });
      expect(tags).toEqual(expect.arrayContaining(operation.tags ?? ['(none)']));
      expect({
        name,
        has4xx: Object.keys(operation.responses).some((status) => /^4\d\d$/.test(status)),
      }).toEqual({
        name,
        has4xx: true,
      });
    }
  });

  it('then the errors follow from each route: its access, its record id, its input, what it declares', () => {
    const statuses = (route: string, method: string) => Object.keys(served.paths[route][method].responses);
    // a write on a record, with a body and a stale-version rule
    expect(statuses('/api/v1/cases/{id}/events', 'post')).toEqual(
      ['200', '400', '401', '403', '404', '409', '413', '422', '503'].sort(),
    );
    // signed in, even during a password change, no input: only 401 (and 503)
    expect(statuses('/api/v1/me', 'get')).toEqual(['200', '401', '503']);
    // public, throttled
    expect(statuses('/api/v1/auth/login', 'post')).toEqual(expect.arrayContaining(['401', '429']));
    expect(served.paths['/api/v1/cases'].post.responses['201']).toBeDefined();
    const components = served.components as {
      responses: Record<string, unknown>;
      schemas: Record<string, unknown>;
    };
    expect(components.responses.NotFound).toEqual({
      description: expect.any(String),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    expect(components.schemas.Error).toEqual(expect.objectContaining({ required: ['error'] }));
  });

  it('then it states its licence, servers, tags with descriptions and the bearer scheme', () => {
    expect(served.info).toEqual(
      expect.objectContaining({
        license: expect.objectContaining({ name: expect.stringContaining('Proprietary') }),
      }),
    );
    expect(served.servers).toEqual([expect.objectContaining({ url: '/' })]);
    for (const tag of served.tags as { description?: string }[])
      expect(tag.description).toEqual(expect.any(String));
    expect(served.components).toEqual(
      expect.objectContaining({
        securitySchemes: {
          bearer: expect.objectContaining({
            type: 'http',
            scheme: 'bearer',
            description: expect.any(String),
          }),
        },
      }),
    );
  });

  it('then Redocly’s recommended rules pass with no warning (as npm run lint checks)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(served));
    const root = path.resolve(__dirname, '..');
    const cli = require.resolve('@redocly/cli/bin/cli.js', { paths: [root] });
    const run = () =>
      execFileSync(process.execPath, [cli, 'lint', '--config', path.join(root, 'redocly.yaml'), file], {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
    // and an operation without its id or its 4xx answers fails it
    const broken = structuredClone(served);
    const me = broken.paths['/api/v1/me'].get;
    delete me.operationId;
    delete me.responses['401'];
    fs.writeFileSync(file, JSON.stringify(broken));
    try {
      expect(run).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
